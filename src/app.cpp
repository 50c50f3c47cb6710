#include "app.hpp"

#include "http/request.hpp"
#include "media/storage.hpp"

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

namespace {

std::string image_url(const std::string& base_url, const std::string& stored,
                      const std::string& fallback) {
  if (stored.empty()) return fallback;
  if (stored.rfind("http://", 0) == 0 || stored.rfind("https://", 0) == 0) return stored;
  return media::public_url(base_url, stored);
}

}  // namespace

std::string App::avatar_url(const store::Account& account) const {
  return image_url(base_url_, account.avatar_url, default_avatar_url());
}
std::string App::header_url(const store::Account& account) const {
  return image_url(base_url_, account.header_url, default_header_url());
}

}  // namespace herd
