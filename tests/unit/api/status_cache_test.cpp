#include "api/status_cache.hpp"

#include <gtest/gtest.h>

using namespace herd;

namespace {
std::shared_ptr<api::RenderedStatus> rendering(std::string head, std::size_t tail_bytes = 0) {
  auto r = std::make_shared<api::RenderedStatus>();
  r->head = std::move(head);
  r->tail.assign(tail_bytes, 'x');
  return r;
}
}  // namespace

TEST(StatusCache, AnEntryIsServedOnlyAtItsGeneration) {
  api::StatusCache cache(1 << 20);
  cache.put(1, 5, rendering("\"id\":\"1\""));
  ASSERT_NE(cache.get(1, 5), nullptr);
  EXPECT_EQ(cache.get(1, 5)->head, "\"id\":\"1\"");
  EXPECT_EQ(cache.get(1, 4), nullptr) << "a reader at an older generation computes its own";
  EXPECT_EQ(cache.get(2, 5), nullptr);
  EXPECT_EQ(cache.get(1, 6), nullptr) << "a newer generation empties the cache";
  EXPECT_EQ(cache.get(1, 5), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  cache.put(1, 5, rendering("old"));
  EXPECT_EQ(cache.get(1, 6), nullptr)
      << "an entry rendered before the newest generation is refused";
  auto stats = cache.stats();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 5u);
}

TEST(StatusCache, StaysWithinItsBytesEvictingTheLeastRecentlyUsed) {
  const std::size_t entry = rendering("", 1000)->bytes() + 64;
  api::StatusCache cache(entry * 3);
  for (Id id : {1, 2, 3}) cache.put(id, 1, rendering("", 1000));
  ASSERT_NE(cache.get(1, 1), nullptr);  // 1 is now the most recently used, 2 the least
  cache.put(4, 1, rendering("", 1000));
  EXPECT_EQ(cache.get(2, 1), nullptr);
  EXPECT_NE(cache.get(1, 1), nullptr);
  EXPECT_NE(cache.get(3, 1), nullptr);
  EXPECT_NE(cache.get(4, 1), nullptr);
  EXPECT_LE(cache.stats().bytes, entry * 3);
  cache.put(5, 1, rendering("", entry * 4));  // larger than the whole cache: not kept
  EXPECT_EQ(cache.get(5, 1), nullptr);
  EXPECT_EQ(cache.stats().entries, 3u);
}
