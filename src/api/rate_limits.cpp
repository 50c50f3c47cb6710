#include "api/rate_limits.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "http/params.hpp"
#include "service/admin_blocks.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"
#include "web/web.hpp"

namespace herd::api {

namespace {

constexpr std::int64_t kTokenCacheMs = 60 * 1000;
constexpr std::size_t kTokenCacheSize = 50000;

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(start, end - start + 1));
}

std::string bearer(const http::Request& request) {
  std::string_view header = request.header("authorization");
  if (header.size() > 7 && (header.substr(0, 7) == "Bearer " || header.substr(0, 7) == "bearer "))
    return std::string(header.substr(7));
  if (auto token = http::param_string(request.params, "access_token")) return *token;
  return "";
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// DELETE /api/v1/statuses/:id or POST /api/v1/statuses/:id/unreblog
bool is_deletion(const http::Request& request) {
  constexpr std::string_view prefix = "/api/v1/statuses/";
  if (!starts_with(request.path, prefix)) return false;
  std::string_view rest = std::string_view(request.path).substr(prefix.size());
  if (request.method == "DELETE") return all_digits(rest);
  constexpr std::string_view unreblog = "/unreblog";
  return request.method == "POST" && rest.size() > unreblog.size() &&
         rest.substr(rest.size() - unreblog.size()) == unreblog &&
         all_digits(rest.substr(0, rest.size() - unreblog.size()));
}

// The outcome to report: a refusal first, else the rule with the fewest requests left.
void consider(std::optional<service::RateOutcome>& shown, const service::RateOutcome& outcome) {
  if (!shown || (!outcome.allowed && shown->allowed) ||
      (outcome.allowed == shown->allowed && outcome.remaining < shown->remaining))
    shown = outcome;
}

}  // namespace

std::string client_ip(const Config& config, const http::Request& request) {
  std::string address = request.remote_address;
  if (!federation::address_listed(address, config.trusted_proxies)) return address;
  std::string_view forwarded = request.header("x-forwarded-for");
  // Right to left: the nearest hop first; stop at the first address no trusted proxy added.
  while (!forwarded.empty()) {
    size_t comma = forwarded.rfind(',');
    std::string hop =
        trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    forwarded = comma == std::string_view::npos ? std::string_view() : forwarded.substr(0, comma);
    if (hop.empty()) continue;
    address = hop;
    if (!federation::address_listed(hop, config.trusted_proxies)) break;
  }
  return address;
}

void add_rate_limit_headers(http::Response& response, const service::RateOutcome& outcome) {
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(outcome.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(outcome.remaining));
  response.headers.emplace_back("X-RateLimit-Reset", rfc3339(outcome.reset_at));
}

http::Response too_many_requests(const service::RateOutcome& outcome) {
  http::Response response = http::Response::error(429, "Too many requests");
  add_rate_limit_headers(response, outcome);
  response.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after_seconds));
  return response;
}

std::optional<Id> RequestLimits::token_account(const std::string& token, bool may_block,
                                               std::int64_t now) {
  {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(token);
    if (it != tokens_.end() && now - it->second.fetched_at < kTokenCacheMs)
      return it->second.account_id;
  }
  if (!may_block) return std::nullopt;
  Id account_id = app_.db->read_value([&](store::Connection& c) -> Id {
    auto found = store::find_token(c, token);
    if (!found || !found->user_id) return 0;
    auto user = store::find_user(c, *found->user_id);
    return user ? user->account_id : 0;
  });
  std::lock_guard lock(mutex_);
  if (tokens_.size() >= kTokenCacheSize) tokens_.clear();
  tokens_[token] = Cached{account_id, now};
  return account_id;
}

RequestLimits::Verdict RequestLimits::check(const http::Request& request, bool may_block) {
  Verdict verdict;
  const RateLimits& limits = limiter_.limits();
  const std::string& path = request.path;
  bool api = starts_with(path, "/api/") && !starts_with(path, "/api/v1/streaming");
  bool sign_up =
      request.method == "POST" && (path == "/api/v1/accounts" || path == "/auth/sign_up");
  if (!api && !sign_up) return verdict;
  std::int64_t now = now_unix_ms();
  std::string ip = service::throttle_ip(client_ip(app_.config, request));
  if (sign_up) {
    if (!may_block) return Verdict{false, {}, {}};
    auto outcome = limiter_.hit_now("sign_up", limits.sign_up, ip, now);
    consider(verdict.shown, outcome);
  }
  if (api) {
    Id account_id = 0;
    std::string token = bearer(request);
    if (!token.empty()) {
      auto found = token_account(token, may_block, now);
      if (!found) return Verdict{false, {}, {}};
      account_id = *found;
    }
    std::string account = std::to_string(account_id);
    if (account_id)
      consider(verdict.shown, limiter_.hit("api_account", limits.api_account, account, now));
    else
      consider(verdict.shown, limiter_.hit("api_ip", limits.api_ip, ip, now));
    if (account_id && request.method == "POST" &&
        (path == "/api/v1/media" || path == "/api/v2/media"))
      consider(verdict.shown, limiter_.hit("media", limits.media, account, now));
    if (account_id && is_deletion(request))
      consider(verdict.shown, limiter_.hit("deletes", limits.deletes, account, now));
  }
  if (verdict.shown && !verdict.shown->allowed) {
    verdict.refusal = too_many_requests(*verdict.shown);
    if (!api) {  // the web sign-up form
      http::Response page =
          web::message_page(app_, 429, "Too many requests",
                            "Too many sign-ups from your network. Please try again later.");
      page.headers = std::move(verdict.refusal->headers);
      verdict.refusal = std::move(page);
    }
  }
  return verdict;
}

void RequestLimits::decorate(http::Response& response, const Verdict& verdict) {
  if (verdict.shown && !verdict.refusal) add_rate_limit_headers(response, *verdict.shown);
}

std::function<GateVerdict(const http::Request&, bool)> make_ip_gate(App& app) {
  return [&app](const http::Request& request, bool may_block) {
    GateVerdict verdict;
    auto severity = service::ip_block_severity(
        app, [&] { return client_ip(app.config, request); }, may_block);
    if (!severity) {
      verdict.decided = false;
      return verdict;
    }
    if (*severity == "no_access") {
      log::info("{} {}: 403 refused (IP block no_access on {})", request.method, request.path,
                client_ip(app.config, request));
      verdict.refusal = http::Response::error(403, "Forbidden");
    }
    return verdict;
  };
}

}  // namespace herd::api
