#include "api/status_cache.hpp"

#include <gtest/gtest.h>

using namespace herd;

namespace {
std::shared_ptr<api::RenderedStatus> rendering(std::string head, std::size_t tail_bytes = 0,
                                               std::vector<store::CacheTag> tags = {}) {
  auto r = std::make_shared<api::RenderedStatus>();
  r->head = std::move(head);
  r->tail.assign(tail_bytes, 'x');
  r->tags = std::move(tags);
  return r;
}
}  // namespace

TEST(StatusCache, ANewGenerationEmptiesTheCache) {
  api::StatusCache cache(1 << 20);
  std::uint64_t v = cache.version(5);
  cache.put(1, v, rendering("\"id\":\"1\""));
  ASSERT_NE(cache.get(1, v), nullptr);
  EXPECT_EQ(cache.get(1, v)->head, "\"id\":\"1\"");
  EXPECT_EQ(cache.get(2, v), nullptr);
  EXPECT_EQ(cache.version(4), v) << "an older generation read late changes nothing";
  std::uint64_t newer = cache.version(6);
  EXPECT_GT(newer, v);
  EXPECT_EQ(cache.get(1, newer), nullptr) << "a newer generation empties the cache";
  EXPECT_EQ(cache.stats().entries, 0u);
  cache.put(1, v, rendering("old"));
  EXPECT_EQ(cache.get(1, newer), nullptr)
      << "an entry rendered from rows read before the emptying is refused";
  cache.put(1, newer, rendering("new"));
  EXPECT_EQ(cache.get(1, v), nullptr) << "a read older than the emptying computes its own";
  auto stats = cache.stats();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 4u);
  EXPECT_EQ(stats.clears, 2u);
}

TEST(StatusCache, ADropRemovesTheStatusesNamedAndThoseShowingAnAccountNamed) {
  api::StatusCache cache(1 << 20);
  std::uint64_t v = cache.version(1);
  const store::CacheTag alice = store::tags::account(100), bob = store::tags::account(200);
  cache.put(1, v, rendering("1", 0, {alice}));
  cache.put(2, v, rendering("2", 0, {alice, bob}));  // by alice, mentions bob
  cache.put(3, v, rendering("3", 0, {bob, bob}));
  cache.put(4, v, rendering("4", 0, {bob}));
  cache.drop({store::tags::status(1), store::tags::home_feed(100), store::tags::public_statuses()});
  EXPECT_EQ(cache.get(1, v), nullptr);
  EXPECT_NE(cache.get(2, v), nullptr) << "another status of the same account stays";
  cache.drop({bob});
  EXPECT_EQ(cache.get(2, v), nullptr);
  EXPECT_EQ(cache.get(3, v), nullptr);
  EXPECT_EQ(cache.get(4, v), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().drops, 2u);
  EXPECT_EQ(cache.stats().clears, 1u);
  cache.put(3, cache.version(1), rendering("3", 0, {bob, bob}));
  cache.drop({bob});  // its index entry was renewed with it
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(StatusCache, AnEntryReadBeforeADropThatTouchesItIsNotStored) {
  api::StatusCache cache(1 << 20);
  const store::CacheTag alice = store::tags::account(100);
  std::uint64_t before = cache.version(1);
  cache.drop({store::tags::status(1)});
  cache.drop({alice});
  cache.put(1, before, rendering("1"));
  cache.put(2, before, rendering("2", 0, {alice}));
  cache.put(3, before, rendering("3", 0, {store::tags::account(300)}));
  EXPECT_EQ(cache.get(1, before), nullptr);
  EXPECT_EQ(cache.get(2, before), nullptr);
  EXPECT_NE(cache.get(3, before), nullptr) << "untouched by both drops";
  std::uint64_t after = cache.version(1);
  cache.put(2, after, rendering("2", 0, {alice}));
  EXPECT_NE(cache.get(2, after), nullptr);
  for (int i = 0; i < 100; ++i) cache.drop({store::tags::status(1000 + i)});
  cache.put(4, after, rendering("4"));
  EXPECT_EQ(cache.get(4, after), nullptr) << "older than the drops it still remembers: refused";
}

TEST(StatusCache, StaysWithinItsBytesEvictingTheLeastRecentlyUsed) {
  const std::size_t entry = rendering("", 1000)->bytes() + 64;
  api::StatusCache cache(entry * 3);
  std::uint64_t v = cache.version(1);
  for (Id id : {1, 2, 3}) cache.put(id, v, rendering("", 1000));
  ASSERT_NE(cache.get(1, v), nullptr);  // 1 is now the most recently used, 2 the least
  cache.put(4, v, rendering("", 1000));
  EXPECT_EQ(cache.get(2, v), nullptr);
  EXPECT_NE(cache.get(1, v), nullptr);
  EXPECT_NE(cache.get(3, v), nullptr);
  EXPECT_NE(cache.get(4, v), nullptr);
  EXPECT_LE(cache.stats().bytes, entry * 3);
  cache.put(5, v, rendering("", entry * 4));  // larger than the whole cache: not kept
  EXPECT_EQ(cache.get(5, v), nullptr);
  EXPECT_EQ(cache.stats().entries, 3u);
}
