// The running instance's shared state: configuration and database. One App per `herd serve`;
// handlers and services receive it by reference. URL helpers build every absolute URL the
// instance publishes, so that the scheme and domain rules live in one place.
#pragma once
#include <memory>
#include <string>

#include "core/config.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd {

namespace stream {
class Hub;
}
namespace service {
class RateLimiter;
}

struct App {
  Config config;
  std::unique_ptr<store::Database> db;
  // Live events for streaming clients (stream/hub.hpp); null when nothing streams (admin, tests).
  stream::Hub* stream = nullptr;
  // Rate limits (service/rate_limits.hpp); null when HERD_RATE_LIMITS=false, in admin and tests.
  service::RateLimiter* rate_limiter = nullptr;

  const std::string& base_url() const { return base_url_; }  // "https://example.com"
  std::string domain() const { return config.local_domain; }

  // Local accounts: actor id https://d/users/name, profile https://d/@name.
  std::string account_uri(std::string_view username) const;
  std::string account_url(std::string_view username) const;
  std::string status_uri(std::string_view username, Id status_id) const;
  std::string status_url(std::string_view username, Id status_id) const;
  std::string tag_url(std::string_view name) const;
  std::string default_avatar_url() const { return base_url_ + "/avatars/original/missing.png"; }
  std::string default_header_url() const { return base_url_ + "/headers/original/missing.png"; }
  // An account's avatar / header: a local account's uploaded file (stored as its path under the
  // data folder), a remote account's local copy when it has one (avatar_file) or else its image
  // URL, or the default image.
  std::string avatar_url(const store::Account& account) const;
  std::string header_url(const store::Account& account) const;
  // avatar_static / header_static: the first frame stored beside an animated image, else the same
  // URL as avatar_url / header_url.
  std::string avatar_static_url(const store::Account& account) const;
  std::string header_static_url(const store::Account& account) const;

  void set_base_url() { base_url_ = config.base_url(); }

 private:
  std::string base_url_;
};

}  // namespace herd
