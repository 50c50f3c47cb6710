// Rate-limit counting on both engines (SQLite always; PostgreSQL when HERD_TEST_POSTGRES_URL names
// a server). Two Database handles on one database stand for two `herd serve` processes.
#include "service/rate_limits.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/rate_limits.hpp"

using namespace herd;

namespace {

// url of a fresh database, "" when the backend is not available.
std::string fresh_url(const std::string& backend) {
  return herd::testing::fresh_database_url(backend, "herd_rate");
}

class RateLimits : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = fresh_url(GetParam());
    if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    first = store::open_database(url, 2);
    store::migrate(*first);
    second = store::open_database(url, 2);
  }
  std::unique_ptr<store::Database> first, second;
  herd::RateLimits limits;
  // A window boundary: 1000 periods of 60 s after the epoch.
  static constexpr std::int64_t t0 = 60'000'000;
};

TEST_P(RateLimits, FixedWindowCountsAndResets) {
  service::RateLimiter limiter(limits, *first);
  RateLimit rule{3, 60};
  for (int i = 0; i < 3; ++i) {
    auto outcome = limiter.hit("api", rule, "alice", t0 + i * 1000);
    EXPECT_TRUE(outcome.allowed) << i;
    EXPECT_EQ(outcome.limit, 3);
    EXPECT_EQ(outcome.remaining, 2 - i);
    EXPECT_EQ(outcome.reset_at, t0 + 60'000);
  }
  auto refused = limiter.hit("api", rule, "alice", t0 + 50'000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_seconds, 10);
  EXPECT_TRUE(limiter.hit("api", rule, "bob", t0 + 50'000).allowed);    // someone else
  EXPECT_TRUE(limiter.hit("api", rule, "alice", t0 + 60'000).allowed);  // the next window
}

TEST_P(RateLimits, FlushSharesCountsBetweenProcesses) {
  service::RateLimiter a(limits, *first), b(limits, *second);
  RateLimit rule{3, 60};
  EXPECT_TRUE(a.hit("api", rule, "alice", t0).allowed);
  EXPECT_TRUE(a.hit("api", rule, "alice", t0 + 1).allowed);
  a.flush(t0 + 2);
  EXPECT_TRUE(b.hit("api", rule, "alice", t0 + 3).allowed);  // b has not read the table yet
  b.flush(t0 + 4);                                           // now it knows a's two
  EXPECT_FALSE(b.hit("api", rule, "alice", t0 + 5).allowed);
  // a has not read b's count yet: within one flush interval a process may let one more through;
  // its next flush reads everyone's total.
  EXPECT_TRUE(a.hit("api", rule, "alice", t0 + 7).allowed);
  a.flush(t0 + 8);
  EXPECT_FALSE(a.hit("api", rule, "alice", t0 + 9).allowed);
  b.flush(t0 + 10);
  a.flush(t0 + 10);
  // The table holds everyone's total.
  auto row = first->read_value(
      [&](store::Connection& c) { return store::find_rate_count(c, "api:alice:1000", t0 + 11); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->count, 6);
  // Expired windows leave memory and, on the minute purge, the table.
  b.flush(t0 + 61'000);
  a.flush(t0 + 61'000);
  EXPECT_FALSE(first->read_value(
      [&](store::Connection& c) { return store::find_rate_count(c, "api:alice:1000", 0); }));
}

TEST_P(RateLimits, HitNowIsExactAcrossProcesses) {
  service::RateLimiter a(limits, *first), b(limits, *second);
  RateLimit rule{2, 1800};
  EXPECT_TRUE(a.hit_now("sign_up", rule, "10.0.0.1", t0).allowed);
  EXPECT_TRUE(b.hit_now("sign_up", rule, "10.0.0.1", t0 + 1).allowed);
  auto refused = a.hit_now("sign_up", rule, "10.0.0.1", t0 + 2);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after_seconds, 0);
  EXPECT_TRUE(b.hit_now("sign_up", rule, "10.0.0.2", t0 + 3).allowed);
}

TEST_P(RateLimits, SignInDelayGrowsAfterFailuresAndClearsOnSuccess) {
  limits.sign_in_delay = {2, 8};  // after 2 failures in a row: 1 s, 2 s, 4 s, 8 s, 8 s...
  service::RateLimiter a(limits, *first), b(limits, *second);
  std::int64_t now = t0;
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:1", now).allowed);
    a.sign_in_result("account:1", false, now);
  }
  auto waiting = b.sign_in_attempt("10.0.0.2", "account:1", now + 500);  // other IP, process
  EXPECT_FALSE(waiting.allowed);
  EXPECT_EQ(waiting.retry_after_seconds, 1);
  EXPECT_TRUE(b.sign_in_attempt("10.0.0.2", "account:2", now + 500).allowed);  // other account
  now += 1000;
  EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:1", now).allowed);
  a.sign_in_result("account:1", false, now);
  EXPECT_FALSE(a.sign_in_attempt("10.0.0.1", "account:1", now + 1999).allowed);
  now += 2000;
  EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:1", now).allowed);
  a.sign_in_result("account:1", false, now);
  EXPECT_EQ(a.sign_in_attempt("10.0.0.1", "account:1", now + 1).retry_after_seconds, 4);
  now += 4000;
  EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:1", now).allowed);
  a.sign_in_result("account:1", true, now);  // success clears the streak
  EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:1", now + 1).allowed);
}

TEST_P(RateLimits, SignInAttemptsPerIpAndPerAccount) {
  limits.sign_in_ip = {3, 300};
  limits.sign_in_account = {4, 3600};
  service::RateLimiter a(limits, *first);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(a.sign_in_attempt("10.0.0.1", "account:" + std::to_string(i), t0).allowed);
  EXPECT_FALSE(a.sign_in_attempt("10.0.0.1", "account:9", t0).allowed);  // the IP's fourth
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(a.sign_in_attempt("10.0.1." + std::to_string(i), "account:0", t0).allowed);
  auto refused = a.sign_in_attempt("10.0.2.1", "account:0", t0);  // the account's fifth
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 4);
}

TEST_P(RateLimits, CounterWritesDoNotMoveTheWriteGeneration) {
  service::RateLimiter a(limits, *first);
  auto before = first->generation();
  a.hit_now("sign_up", {5, 60}, "10.0.0.1", t0);
  a.hit("api", {5, 60}, "alice", t0);
  a.flush(t0 + 1);
  EXPECT_EQ(first->generation(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimits, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(ThrottleIp, Ipv6ByPrefixIpv4AsIs) {
  EXPECT_EQ(service::throttle_ip("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(service::throttle_ip("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(service::throttle_ip("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(service::throttle_ip("::ffff:198.51.100.4"), "198.51.100.4");
}

}  // namespace
