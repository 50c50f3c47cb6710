#include "service/rate_limits.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "store/rate_limits.hpp"

namespace herd::service {

namespace {

constexpr std::int64_t kFailureMemoryMs = 24 * 3600 * 1000LL;  // failures in a row, within a day
constexpr std::int64_t kPurgeEveryMs = 60 * 1000;

struct WindowKey {
  std::string key;
  std::int64_t end = 0;  // unix ms
};

WindowKey window_key(std::string_view name, const RateLimit& rule, std::string_view who,
                     std::int64_t now_ms) {
  std::int64_t period = std::int64_t{rule.period_seconds} * 1000;
  std::int64_t index = now_ms / period;
  WindowKey out;
  out.key.reserve(name.size() + who.size() + 24);
  out.key.append(name).append(":").append(who).append(":").append(std::to_string(index));
  out.end = (index + 1) * period;
  return out;
}

int seconds_until(std::int64_t at_ms, std::int64_t now_ms) {
  return static_cast<int>(std::max<std::int64_t>(1, (at_ms - now_ms + 999) / 1000));
}

RateOutcome outcome(const RateLimit& rule, std::int64_t total, std::int64_t end,
                    std::int64_t now_ms) {
  RateOutcome out;
  out.limit = rule.limit;
  out.allowed = total <= rule.limit;
  out.remaining = std::max<std::int64_t>(0, rule.limit - total);
  out.reset_at = end;
  out.retry_after_seconds = seconds_until(end, now_ms);
  return out;
}

std::string failures_key(std::string_view login_key) {
  return "sign_in_failures:" + std::string(login_key);
}

}  // namespace

std::string throttle_ip(std::string_view address) {
  std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;  // IPv4 (or not an address)
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN];
  if (std::memcmp(bytes, mapped, 12) == 0) {
    inet_ntop(AF_INET, bytes + 12, out, sizeof out);
    return out;
  }
  std::memset(bytes + 8, 0, 8);
  inet_ntop(AF_INET6, bytes, out, sizeof out);
  return std::string(out) + "/64";
}

RateLimiter::RateLimiter(const RateLimits& limits, store::Database& db)
    : limits_(limits), db_(db) {}

RateOutcome RateLimiter::hit(std::string_view name, const RateLimit& rule, std::string_view who,
                             std::int64_t now_ms) {
  WindowKey key = window_key(name, rule, who, now_ms);
  std::lock_guard lock(mutex_);
  Window& window = windows_[key.key];
  window.expires_at = key.end;
  window.pending += 1;
  window.touched = true;
  return outcome(rule, window.shared + window.pending, key.end, now_ms);
}

void RateLimiter::flush(std::int64_t now_ms) {
  struct Entry {
    std::string key;
    std::int64_t pending, expires_at, total = 0;
  };
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    for (auto it = windows_.begin(); it != windows_.end();) {
      if (it->second.expires_at <= now_ms) {
        it = windows_.erase(it);
        continue;
      }
      if (it->second.touched || it->second.pending > 0)
        entries.push_back({it->first, it->second.pending, it->second.expires_at});
      it->second.touched = false;
      ++it;
    }
  }
  bool purge = now_ms - purged_at_ >= kPurgeEveryMs;
  if (entries.empty() && !purge) return;
  db_.write_unversioned([&](store::Connection& c) {
    for (Entry& entry : entries)
      entry.total = store::add_rate_count(c, entry.key, entry.pending, entry.expires_at, now_ms);
    if (purge) store::purge_rate_counts(c, now_ms);
  });
  if (purge) purged_at_ = now_ms;
  std::lock_guard lock(mutex_);
  for (const Entry& entry : entries) {
    auto it = windows_.find(entry.key);
    if (it == windows_.end()) continue;
    it->second.shared = entry.total;
    it->second.pending -= entry.pending;  // what arrived during the write stays pending
  }
}

RateOutcome RateLimiter::hit_now(std::string_view name, const RateLimit& rule, std::string_view who,
                                 std::int64_t now_ms) {
  WindowKey key = window_key(name, rule, who, now_ms);
  std::int64_t total = 0;
  db_.write_unversioned(
      [&](store::Connection& c) { total = store::add_rate_count(c, key.key, 1, key.end, now_ms); });
  return outcome(rule, total, key.end, now_ms);
}

RateOutcome RateLimiter::sign_in_attempt(std::string_view ip, std::string_view login_key,
                                         std::int64_t now_ms) {
  RateOutcome by_ip = hit_now("sign_in_ip", limits_.sign_in_ip, throttle_ip(ip), now_ms);
  RateOutcome by_account = hit_now("sign_in_account", limits_.sign_in_account, login_key, now_ms);
  if (!by_ip.allowed) return by_ip;
  if (!by_account.allowed) return by_account;
  RateOutcome out = by_ip.remaining <= by_account.remaining ? by_ip : by_account;
  const RateLimit& delay = limits_.sign_in_delay;
  auto failures = db_.read_value([&](store::Connection& c) {
    return store::find_rate_count(c, failures_key(login_key), now_ms);
  });
  if (!failures || failures->count < delay.limit) return out;
  std::int64_t exponent = std::min<std::int64_t>(failures->count - delay.limit, 30);
  std::int64_t wait_ms =
      std::min<std::int64_t>(std::int64_t{1} << exponent, delay.period_seconds) * 1000;
  std::int64_t until = failures->updated_at + wait_ms;
  if (now_ms >= until) return out;
  RateOutcome refused;
  refused.allowed = false;
  refused.limit = delay.limit;
  refused.remaining = 0;
  refused.reset_at = until;
  refused.retry_after_seconds = seconds_until(until, now_ms);
  return refused;
}

void RateLimiter::sign_in_result(std::string_view login_key, bool succeeded, std::int64_t now_ms) {
  std::string key = failures_key(login_key);
  db_.write_unversioned([&](store::Connection& c) {
    if (succeeded)
      store::delete_rate_count(c, key);
    else
      store::add_rate_count(c, key, 1, now_ms + kFailureMemoryMs, now_ms);
  });
}

}  // namespace herd::service
