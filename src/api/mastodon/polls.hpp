// Polls in the client API: the poll[...] parameters of POST /api/v1/statuses, and the poll routes
// (GET /api/v1/polls/:id, POST /api/v1/polls/:id/votes).
#pragma once
#include <boost/json.hpp>
#include <optional>

#include "service/polls.hpp"

namespace herd::api {

// poll[options][], poll[expires_in], poll[multiple], poll[hide_totals]; nullopt when no poll was
// given (absent, null or empty). Malformed numbers and booleans: 400.
std::optional<service::NewPoll> poll_params(const boost::json::object& params);

}  // namespace herd::api
