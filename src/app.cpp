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

namespace {

// The stored image that stands for the account's avatar or header: the local copy of a remote
// image when there is one, else what the account holds (a local file, a remote URL or "").
const std::string& shown_image(const std::string& stored, const std::string& copy) {
  return copy.empty() ? stored : copy;
}

}  // namespace

std::string App::avatar_url(const store::Account& account) const {
  return image_url(base_url_, shown_image(account.avatar_url, account.avatar_file),
                   default_avatar_url());
}
std::string App::header_url(const store::Account& account) const {
  return image_url(base_url_, shown_image(account.header_url, account.header_file),
                   default_header_url());
}
std::string App::avatar_static_url(const store::Account& account) const {
  return media::still_image_url(base_url_, shown_image(account.avatar_url, account.avatar_file),
                                avatar_url(account));
}
std::string App::header_static_url(const store::Account& account) const {
  return media::still_image_url(base_url_, shown_image(account.header_url, account.header_file),
                                header_url(account));
}

}  // namespace herd
