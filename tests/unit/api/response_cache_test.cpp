#include "api/response_cache.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <thread>
#include <vector>

#include "../fiber_testing.hpp"
#include "http/fiber.hpp"

using namespace herd;

namespace {
http::Response answer(std::string body, int status = 200) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}
}  // namespace

TEST(ResponseCacheFlight, ConcurrentMissesWaitForTheLeadersAnswer) {
  api::ResponseCache cache(1 << 20);
  auto leader = cache.join("/api/v1/timelines/home\nBearer a", 7);
  ASSERT_TRUE(leader.leader());
  std::vector<std::string> bodies(6);
  std::vector<std::string> routes(6);
  std::vector<std::thread> waiters;
  for (int i = 0; i < 6; ++i) {
    auto flight = cache.join("/api/v1/timelines/home\nBearer a", i % 2 ? 7 : 6);
    ASSERT_FALSE(flight.leader()) << "a miss at the same or an older generation waits";
    waiters.emplace_back([&, i, f = std::move(flight)]() mutable {
      auto [response, route] = f.wait();
      bodies[i] = response.payload();
      routes[i] = route;
    });
  }
  // Another key, or a newer generation, is computed on its own.
  EXPECT_TRUE(cache.join("/api/v1/timelines/public\nBearer a", 7).leader());
  auto newer = cache.join("/api/v1/timelines/home\nBearer a", 8);
  EXPECT_TRUE(newer.leader());
  leader.finish(answer("[{\"id\":\"1\"}]"), "/api/v1/timelines/home");
  for (auto& t : waiters) t.join();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(bodies[i], "[{\"id\":\"1\"}]");
    EXPECT_EQ(routes[i], "/api/v1/timelines/home");
  }
  // The answer was stored for its generation.
  auto hit = cache.get("/api/v1/timelines/home\nBearer a", 7);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->payload(), "[{\"id\":\"1\"}]");
  newer.finish(answer("[]"), "/api/v1/timelines/home");
  EXPECT_FALSE(cache.get("/api/v1/timelines/home\nBearer a", 7)) << "a newer write made it stale";
  EXPECT_EQ(cache.get("/api/v1/timelines/home\nBearer a", 8)->payload(), "[]");
  // Once finished, the next miss computes again.
  EXPECT_TRUE(cache.join("/api/v1/timelines/home\nBearer a", 9).leader());
}

// A request in a fiber (PostgreSQL's quick reads) that misses while another computes the same
// answer waits for it suspended: its I/O thread goes on, and may be the one running the leader
// (blocking there held the thread; waiting nowhere, 64 fibers computed one page 64 times).
TEST(ResponseCacheFlight, AWaiterInAFiberGivesItsThreadBackUntilTheAnswer) {
  SKIP_UNDER_ASAN();
  api::ResponseCache cache(1 << 20);
  auto leader = cache.join("/api/v1/timelines/home\nBearer a", 7);
  ASSERT_TRUE(leader.leader());
  std::string body;
  http::Fiber waiter([&] {
    auto flight = cache.join("/api/v1/timelines/home\nBearer a", 7);
    EXPECT_FALSE(flight.leader());
    body = flight.wait().first.payload();
  });
  ASSERT_FALSE(waiter.resume()) << "the waiter suspends instead of blocking its thread";
  pollfd wake{waiter.waiting_fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&wake, 1, 0), 0) << "nothing to wake it for yet";
  leader.finish(answer("[{\"id\":\"1\"}]"), "/api/v1/timelines/home");  // on the same thread
  EXPECT_EQ(::poll(&wake, 1, 1000), 1) << "the answer wakes it";
  EXPECT_TRUE(waiter.resume());
  EXPECT_EQ(body, "[{\"id\":\"1\"}]");
}

TEST(ResponseCacheFlight, WaitersGetAnErrorWhenTheLeaderGivesUp) {
  api::ResponseCache cache(1 << 20);
  std::optional<api::ResponseCache::Flight> leader(cache.join("/api/v1/statuses/1\n", 3));
  auto waiter = cache.join("/api/v1/statuses/1\n", 3);
  ASSERT_FALSE(waiter.leader());
  std::thread t([&] { leader.reset(); });  // e.g. the handler threw something unexpected
  auto [response, route] = waiter.wait();
  t.join();
  EXPECT_EQ(response.status, 500);
  EXPECT_FALSE(cache.get("/api/v1/statuses/1\n", 3)) << "errors are not cached";
  EXPECT_TRUE(cache.join("/api/v1/statuses/1\n", 3).leader());
}

TEST(ResponseCacheFlight, NonOkAnswersAreSharedButNotStored) {
  api::ResponseCache cache(1 << 20);
  auto leader = cache.join("/api/v1/statuses/2\n", 3);
  auto waiter = cache.join("/api/v1/statuses/2\n", 3);
  leader.finish(answer("{\"error\":\"Record not found\"}", 404), "/api/v1/statuses/:id");
  EXPECT_EQ(waiter.wait().first.status, 404);
  EXPECT_FALSE(cache.get("/api/v1/statuses/2\n", 3));
}

namespace {
http::Request get(const std::string& target, const std::string& accept = "") {
  http::Request r;
  r.method = "GET";
  r.target = target;
  if (!accept.empty()) r.headers["accept"] = accept;
  http::parse_request(r);
  return r;
}
}  // namespace

TEST(ResponseCacheRules, FederationDocumentsAreCachedByTheirAcceptHeader) {
  api::ResponseCache cache(1 << 20, true);
  EXPECT_TRUE(cache.cacheable(get("/.well-known/webfinger?resource=acct:alice@example.com")));
  EXPECT_TRUE(cache.cacheable(get("/users/alice", "application/activity+json")));
  EXPECT_TRUE(cache.cacheable(get("/users/alice", "application/ld+json; profile=\"x\"")));
  EXPECT_FALSE(cache.cacheable(get("/users/alice", "text/html")))
      << "the profile page depends on the browser's session";
  EXPECT_FALSE(cache.cacheable(get("/users/alice/outbox", "application/activity+json")));
  EXPECT_NE(api::ResponseCache::key(get("/users/alice", "application/activity+json")),
            api::ResponseCache::key(get("/users/alice", "application/ld+json")));
  EXPECT_EQ(api::ResponseCache::key(get("/api/v1/timelines/public", "application/json")),
            api::ResponseCache::key(get("/api/v1/timelines/public", "*/*")))
      << "the client API answers JSON whatever Accept says";
  api::ResponseCache signed_fetch(1 << 20, false);  // AUTHORIZED_FETCH: every fetch is checked
  EXPECT_FALSE(signed_fetch.cacheable(get("/users/alice", "application/activity+json")));
  EXPECT_TRUE(signed_fetch.cacheable(get("/api/v1/timelines/public")));
  EXPECT_FALSE(signed_fetch.cacheable(get("/api/v1/timelines/link")))
      << "whether a link trends changes with time alone";
}

TEST(ResponseCachePrecise, DropsOnlyTheAnswersThatShowAChangedStatus) {
  api::ResponseCache cache(1 << 20);
  const std::string home = "/api/v1/timelines/home\nBearer a";
  const std::string other = "/api/v1/timelines/home\nBearer b";
  const std::string status = "/api/v1/statuses/30/context\nBearer b";
  cache.join(home, 5).finish(answer("[10,20]"), "home", {20, 10});
  cache.join(other, 5).finish(answer("[11]"), "home", {11});
  cache.join(status, 5).finish(answer("{}"), "context", {31});  // its path names status 30
  cache.drop({20});
  EXPECT_FALSE(cache.get(home, 5)) << "it showed status 20";
  EXPECT_TRUE(cache.get(other, 5));
  EXPECT_TRUE(cache.get(status, 5));
  cache.drop({30, 99});
  EXPECT_FALSE(cache.get(status, 5)) << "its path names status 30";
  EXPECT_TRUE(cache.get(other, 5));
  EXPECT_EQ(cache.changes(), 2u);
}

TEST(ResponseCachePrecise, RoutesWithoutFinerTagsAreTaggedOther) {
  api::ResponseCache cache(1 << 20);
  const std::string instance = "/api/v1/instance\n";
  const std::string home = "/api/v1/timelines/home\nBearer a";
  cache.join(instance, 5).finish(answer("{}"), "instance");
  cache.join(home, 5).finish(answer("[]"), "home", {store::tags::home_feed(7)});
  cache.drop({store::tags::home_feed(8)});
  EXPECT_TRUE(cache.get(home, 5)) << "another account's feed";
  cache.drop({store::tags::other()});
  EXPECT_FALSE(cache.get(instance, 5)) << "the instance reads more than tags say";
  EXPECT_TRUE(cache.get(home, 5));
  cache.drop({store::tags::home_feed(7)});
  EXPECT_FALSE(cache.get(home, 5));
}

TEST(ResponseCachePrecise, AnAnswerReadBeforeADropThatTouchesItIsNotStored) {
  api::ResponseCache cache(1 << 20);
  const std::string home = "/api/v1/timelines/home\nBearer a";
  const std::string other = "/api/v1/timelines/home\nBearer b";
  auto touched = cache.join(home, 5);  // computing from data read now...
  auto untouched = cache.join(other, 5);
  cache.drop({20});  // ...when a write changes status 20
  auto waiter = cache.join(home, 5);
  EXPECT_TRUE(waiter.leader()) << "a miss after the drop does not wait for an older computation";
  touched.finish(answer("[old 20]"), "home", {10, 20});
  untouched.finish(answer("[11]"), "home", {11});
  EXPECT_FALSE(cache.get(home, 5)) << "computed before the write it shows";
  EXPECT_TRUE(cache.get(other, 5)) << "the drop did not touch it";
  waiter.finish(answer("[new 20]"), "home", {10, 20});
  EXPECT_EQ(cache.get(home, 5)->payload(), "[new 20]");
  // Older than every drop the cache remembers: not stored, whatever it showed.
  auto ancient = cache.join("/api/v1/timelines/public\n", 5);
  for (Id i = 0; i < 300; ++i) cache.drop({static_cast<store::CacheTag>(1000 + i)});
  ancient.finish(answer("[]"), "public", {1});
  EXPECT_FALSE(cache.get("/api/v1/timelines/public\n", 5));
}
