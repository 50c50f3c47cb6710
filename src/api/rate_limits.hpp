// Rate limits on requests (the rules Mastodon's rack-attack applies, config RateLimits):
// - every /api request: per account when a user token is given, otherwise per IP; streaming
//   (/api/v1/streaming...) is exempt, and /health is not under /api;
// - POST /api/v1/media and /api/v2/media: per account;
// - DELETE /api/v1/statuses/:id and POST /api/v1/statuses/:id/unreblog: per account;
// - POST /api/v1/accounts and POST /auth/sign_up (sign-ups): per IP, counted exactly.
// Sign-in attempts are counted where credentials are checked (service::check_credentials).
// API responses carry X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (ISO 8601)
// of the rule closest to its limit; a refused request gets 429 with those headers, Retry-After
// (seconds) and {"error": "Too many requests"} (an HTML page for the web form).
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/dispatch.hpp"
#include "app.hpp"
#include "http/request.hpp"
#include "service/rate_limits.hpp"

namespace herd::api {

// The client's address: the peer's, or, when the peer is a trusted proxy (TRUSTED_PROXY_IP), the
// nearest address in X-Forwarded-For that is not a trusted proxy.
std::string client_ip(const Config& config, const http::Request& request);

// The gate (api/dispatch.hpp) refusing every request from an address in an IP block with
// severity no_access: 403 {"error": "Forbidden"}, as Mastodon's rack-attack blocklist.
std::function<GateVerdict(const http::Request&, bool)> make_ip_gate(App& app);

// Adds the X-RateLimit-* headers of `outcome`.
void add_rate_limit_headers(http::Response& response, const service::RateOutcome& outcome);
// 429 {"error": "Too many requests"} with the X-RateLimit-* headers and Retry-After.
http::Response too_many_requests(const service::RateOutcome& outcome);

class RequestLimits {
 public:
  RequestLimits(App& app, service::RateLimiter& limiter) : app_(app), limiter_(limiter) {}

  struct Verdict {
    bool decided = true;                        // false: needs may_block (see check)
    std::optional<http::Response> refusal;      // the 429 to send instead of handling
    std::optional<service::RateOutcome> shown;  // reported in the response headers
  };
  // Counts the request under the rules it falls under. may_block=false (the I/O thread's fast
  // path) never touches the database: when the token's account is not known yet, nothing is
  // counted and the verdict is undecided (the request then takes the full path).
  Verdict check(const http::Request& request, bool may_block);
  // Adds the verdict's headers to a response.
  static void decorate(http::Response& response, const Verdict& verdict);

 private:
  // The account behind a bearer token (0: none or an app token); nullopt when not cached and
  // may_block is false.
  std::optional<Id> token_account(const std::string& token, bool may_block, std::int64_t now);

  App& app_;
  service::RateLimiter& limiter_;
  std::mutex mutex_;
  struct Cached {
    Id account_id;
    std::int64_t fetched_at;
  };
  std::unordered_map<std::string, Cached> tokens_;
};

}  // namespace herd::api
