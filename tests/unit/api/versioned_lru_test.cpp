// The cache the status cache and the viewer flag cache are made of (api/versioned_lru.hpp): its
// byte bound and least-recently-used order, the generation it follows, versioned puts against the
// log of drops, drops by key and through the policy's index (the hook).
#include "api/versioned_lru.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace herd;

namespace {

struct Thing {
  std::size_t size = 100;
  std::vector<store::CacheTag> tags;  // read through besides its key
};

// Keys named by status tags; other tags reach entries through an index; hashtags are not its.
class Things {
 public:
  using Value = Thing;
  static store::CacheTag tag_of(Id key) { return store::tags::status(key); }
  static std::optional<Id> key_of(store::CacheTag tag) {
    if (!store::tags::is_status(tag)) return std::nullopt;
    return static_cast<Id>(tag);
  }
  static bool concerns(store::CacheTag tag) { return tag != store::tags::hashtag("ignored"); }
  static std::size_t bytes(const Thing& thing) { return thing.size; }
  static std::span<const store::CacheTag> tags(const Thing& thing) { return thing.tags; }

  void added(Id key, const Thing& thing) {
    for (store::CacheTag tag : thing.tags) index()[tag].insert(key);
  }
  void removed(Id key, const Thing& thing) {
    for (store::CacheTag tag : thing.tags)
      if (auto it = index().find(tag); it != index().end()) {
        it->second.erase(key);
        if (it->second.empty()) index().erase(it);
      }
  }
  void cleared() { index().clear(); }
  template <typename Erase>
  void take_holders(store::CacheTag tag, Erase erase) {
    auto it = index().find(tag);
    if (it == index().end()) return;
    std::set<Id> keys = std::move(it->second);
    index().erase(it);
    for (Id key : keys) erase(key);
  }

  // The index, kept where the test sees what the hook is told (one cache at a time).
  static std::map<store::CacheTag, std::set<Id>>& index() {
    static std::map<store::CacheTag, std::set<Id>> tags_to_keys;
    return tags_to_keys;
  }
};

using Cache = api::VersionedLru<Things>;

std::shared_ptr<const Thing> thing(std::size_t size = 100, std::vector<store::CacheTag> tags = {}) {
  return std::make_shared<const Thing>(Thing{size, std::move(tags)});
}

class VersionedLruTest : public ::testing::Test {
 protected:
  void SetUp() override { index().clear(); }
  static std::map<store::CacheTag, std::set<Id>>& index() { return Things::index(); }
};

}  // namespace

TEST_F(VersionedLruTest, EvictsTheLeastRecentlyUsedToStayWithinItsBytes) {
  Cache cache(300);
  std::uint64_t v = cache.version(1);
  for (Id key : {1, 2, 3}) cache.put(key, v, thing());
  EXPECT_EQ(cache.stats().bytes, 300u);
  ASSERT_NE(cache.get(1, v), nullptr);  // 2 is now the least recently used
  cache.put(4, v, thing());
  EXPECT_EQ(cache.get(2, v), nullptr);
  for (Id key : {1, 3, 4}) EXPECT_NE(cache.get(key, v), nullptr) << key;
  cache.put(5, v, thing(150));  // takes the room of the two least recently used (1 and 3)
  EXPECT_EQ(cache.get(1, v), nullptr);
  EXPECT_EQ(cache.get(3, v), nullptr);
  EXPECT_NE(cache.get(4, v), nullptr);
  EXPECT_NE(cache.get(5, v), nullptr);
  EXPECT_EQ(cache.stats().bytes, 250u);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST_F(VersionedLruTest, PeekAllTakesEntriesUncountedAndTouchCountsThemAsGetWould) {
  Cache cache(300);
  std::uint64_t v = cache.version(1);
  for (Id key : {1, 2, 3}) cache.put(key, v, thing());
  auto taken = cache.peek_all({3, 9, 1}, v);
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_NE(taken[0], nullptr);
  EXPECT_EQ(taken[1], nullptr) << "absent";
  EXPECT_NE(taken[2], nullptr);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().misses, 0u);
  cache.touch({3, 1});  // used: 2 is now the least recently used
  EXPECT_EQ(cache.stats().hits, 2u);
  cache.put(4, v, thing());
  EXPECT_EQ(cache.peek(2, v), nullptr);
  for (Id key : {1, 3, 4}) EXPECT_NE(cache.peek(key, v), nullptr) << key;
  EXPECT_EQ(cache.version(2), v + 1);  // a newer generation: the entries are gone
  for (const auto& entry : cache.peek_all({1, 3, 4}, v)) EXPECT_EQ(entry, nullptr);
}

TEST_F(VersionedLruTest, ALargerValueThanTheCacheIsNotKeptAndAReplacedOneIsCountedOnce) {
  Cache cache(300);
  std::uint64_t v = cache.version(1);
  cache.put(1, v, thing(301));
  EXPECT_EQ(cache.get(1, v), nullptr);
  cache.put(1, v, thing(100));
  cache.put(1, v, thing(200));
  EXPECT_EQ(cache.get(1, v)->size, 200u);
  auto stats = cache.stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.bytes, 200u);
}

TEST_F(VersionedLruTest, ANewerGenerationEmptiesItAndOlderReadsMiss) {
  Cache cache(1000);
  std::uint64_t v = cache.version(5);
  cache.put(1, v, thing(100, {store::tags::account(9)}));
  EXPECT_EQ(cache.version(5), v) << "the same generation: the same version";
  EXPECT_EQ(cache.version(4), v) << "an older generation read late changes nothing";
  EXPECT_NE(cache.get(1, v), nullptr);
  std::uint64_t newer = cache.version(6);
  EXPECT_GT(newer, v);
  EXPECT_EQ(cache.get(1, newer), nullptr);
  EXPECT_TRUE(index().empty()) << "the hook is told the cache was emptied";
  cache.put(1, v, thing());
  EXPECT_EQ(cache.get(1, newer), nullptr) << "a value read before the emptying is refused";
  cache.put(1, newer, thing());
  EXPECT_EQ(cache.get(1, v), nullptr) << "a read older than the emptying computes its own";
  EXPECT_NE(cache.get(1, newer), nullptr);
  auto stats = cache.stats();
  EXPECT_EQ(stats.clears, 2u);
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 3u);
  EXPECT_EQ(stats.entries, 1u);
}

TEST_F(VersionedLruTest, APutReadBeforeADropThatNamesItIsRefusedAndOneReadAfterIsKept) {
  Cache cache(1000);
  const store::CacheTag alice = store::tags::account(100);
  std::uint64_t before = cache.version(1);
  cache.drop({store::tags::status(1)});
  cache.drop({alice});
  cache.put(1, before, thing());                                  // its key named
  cache.put(2, before, thing(100, {alice}));                      // one of its tags named
  cache.put(3, before, thing(100, {store::tags::account(300)}));  // neither
  EXPECT_EQ(cache.get(1, before), nullptr);
  EXPECT_EQ(cache.get(2, before), nullptr);
  EXPECT_NE(cache.get(3, before), nullptr);
  std::uint64_t after = cache.version(1);
  EXPECT_GT(after, before) << "each drop moves the version";
  cache.put(1, after, thing());
  cache.put(2, after, thing(100, {alice}));
  EXPECT_NE(cache.get(1, after), nullptr);
  EXPECT_NE(cache.get(2, after), nullptr);
  EXPECT_EQ(cache.stats().drops, 2u);
}

TEST_F(VersionedLruTest, APutOlderThanTheDropsStillLoggedIsRefused) {
  Cache cache(1000);
  std::uint64_t v = cache.version(1);
  for (std::size_t i = 0; i < Cache::kDropsKept; ++i) cache.drop({store::tags::status(1000 + i)});
  cache.put(1, v, thing());
  EXPECT_NE(cache.get(1, v), nullptr) << "every drop since is logged, none names it";
  cache.drop({store::tags::status(5000)});
  cache.put(2, v, thing());
  EXPECT_EQ(cache.get(2, v), nullptr) << "one drop since is forgotten: it might have named it";
}

TEST_F(VersionedLruTest, ADropByKeyRemovesThatEntryAlone) {
  Cache cache(1000);
  std::uint64_t v = cache.version(1);
  cache.put(1, v, thing());
  cache.put(2, v, thing());
  cache.drop({store::tags::status(1), store::tags::status(1), store::tags::status(77)});
  EXPECT_EQ(cache.get(1, v), nullptr);
  EXPECT_NE(cache.get(2, v), nullptr);
  auto stats = cache.stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.bytes, 100u);
  EXPECT_EQ(stats.drops, 1u);
}

TEST_F(VersionedLruTest, ADropOfAnotherTagWalksTheHook) {
  Cache cache(1000);
  std::uint64_t v = cache.version(1);
  const store::CacheTag alice = store::tags::account(100), bob = store::tags::account(200);
  cache.put(1, v, thing(100, {alice}));
  cache.put(2, v, thing(100, {alice, bob}));
  cache.put(3, v, thing(100, {bob}));
  EXPECT_EQ(index()[alice], (std::set<Id>{1, 2})) << "the hook is told of each entry added";
  cache.drop({alice});
  EXPECT_EQ(cache.get(1, v), nullptr);
  EXPECT_EQ(cache.get(2, v), nullptr);
  EXPECT_NE(cache.get(3, v), nullptr);
  EXPECT_EQ(index().count(alice), 0u);
  EXPECT_EQ(index()[bob], (std::set<Id>{3})) << "and of each entry removed";
  cache.put(4, v, thing(950));  // evicts 3
  EXPECT_EQ(cache.get(3, v), nullptr);
  EXPECT_EQ(index().count(bob), 0u) << "an evicted entry leaves the index";
}

TEST_F(VersionedLruTest, ADropOfTagsItIsNotConcernedWithChangesNothing) {
  Cache cache(1000);
  std::uint64_t v = cache.version(1);
  cache.drop({store::tags::hashtag("ignored")});
  EXPECT_EQ(cache.version(1), v) << "not logged: the version stays";
  EXPECT_EQ(cache.stats().drops, 0u);
  cache.put(1, v, thing());
  EXPECT_NE(cache.get(1, v), nullptr);
}
