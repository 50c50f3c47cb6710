#include "app.hpp"

#include "http/request.hpp"

namespace herd {

std::string App::account_uri(std::string_view username) const {
  return base_url_ + "/users/" + std::string(username);
}
std::string App::account_url(std::string_view username) const {
  return base_url_ + "/@" + std::string(username);
}
std::string App::status_uri(std::string_view username, Id status_id) const {
  return account_uri(username) + "/statuses/" + std::to_string(status_id);
}
std::string App::status_url(std::string_view username, Id status_id) const {
  return account_url(username) + "/" + std::to_string(status_id);
}
std::string App::tag_url(std::string_view name) const {
  return base_url_ + "/tags/" + http::percent_encode(name);
}

}  // namespace herd
