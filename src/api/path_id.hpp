// The id captured from a route's path (":id" by default), for handlers: 404 "Record not found"
// when it is missing or not an id, as Mastodon answers an unknown record.
#pragma once
#include <string>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "http/request.hpp"

namespace herd::api {

inline Id path_id(const http::Request& request, const std::string& name = "id") {
  auto id = parse_id(request.path_param(name));
  if (!id) not_found();
  return *id;
}

}  // namespace herd::api
