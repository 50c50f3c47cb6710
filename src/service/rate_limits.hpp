// Rate limits as Mastodon's rack-attack applies them: fixed windows per (rule, who), where who is
// an account, an IP address (IPv6 by /64) or a login name.
//
// Two ways of counting, both backed by the rate_limits table that every `herd serve` on one
// database shares:
// - hit(): in memory, for the per-request API rules. Each process adds its counts to the table in
//   flush() (a job runner task, once a second) and reads back everyone's totals, so that the request path
//   never waits for the database; several processes together may exceed a limit by what they
//   receive within one flush interval.
// - hit_now(): through the database at once, for the rare, security-relevant counts (sign-in
//   attempts, sign-ups), exact across processes.
// Sign-in attempts also get a growing delay: after RateLimits::sign_in_delay.limit failures in a
// row for one account, each further attempt waits 1 s, 2 s, 4 s... after the previous failure.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/config.hpp"
#include "store/database.hpp"

namespace herd::service {

struct RateOutcome {
  bool allowed = true;
  int limit = 0;
  std::int64_t remaining = 0;   // never negative
  std::int64_t reset_at = 0;    // unix ms: end of the window
  int retry_after_seconds = 0;  // when refused: seconds until an attempt may succeed
};

// Thrown by a service when an attempt is throttled; the HTTP layer answers 429 (api::dispatch).
class RateLimited : public std::runtime_error {
 public:
  explicit RateLimited(RateOutcome outcome)
      : std::runtime_error("Too many requests"), outcome_(outcome) {}
  const RateOutcome& outcome() const { return outcome_; }

 private:
  RateOutcome outcome_;
};

class RateLimiter {
 public:
  RateLimiter(const RateLimits& limits, store::Database& db);
  const RateLimits& limits() const { return limits_; }

  // Counts one request of `who` under `rule` (named `name`), in memory. Thread-safe.
  RateOutcome hit(std::string_view name, const RateLimit& rule, std::string_view who,
                  std::int64_t now_ms);
  // Adds this process's counts to the shared table and reads back the totals; forgets expired
  // windows (and, every minute, removes expired rows).
  void flush(std::int64_t now_ms);
  // Counts one attempt of `who` under `rule` through the database (exact across processes).
  RateOutcome hit_now(std::string_view name, const RateLimit& rule, std::string_view who,
                      std::int64_t now_ms);

  // Sign-in attempts: counts one attempt by `ip` for `login_key` (per-IP, per-account limits)
  // and checks the growing delay. A refused attempt must not check the password.
  RateOutcome sign_in_attempt(std::string_view ip, std::string_view login_key, std::int64_t now_ms);
  // After the password was checked: a failure extends the delay, a success clears it.
  void sign_in_result(std::string_view login_key, bool succeeded, std::int64_t now_ms);

 private:
  struct Window {
    std::int64_t shared = 0;   // total in the table at the last flush (ours included)
    std::int64_t pending = 0;  // ours, not yet added to the table
    std::int64_t expires_at = 0;
    bool touched = false;  // hit since the last flush
  };
  RateLimits limits_;
  store::Database& db_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  std::int64_t purged_at_ = 0;
};

// The key under which an IP address is counted: IPv6 addresses by their /64, as Mastodon does.
std::string throttle_ip(std::string_view address);

}  // namespace herd::service
