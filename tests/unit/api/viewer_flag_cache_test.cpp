// The viewer flag cache (api/viewer_flag_cache.hpp) and what it is read from: the viewer's newest
// favourites, reblogs and bookmarks (store::known_flags_statement), complete from a status id on;
// the store's writes of them naming the account's flags (tags::flags_of); a timeline page that
// asks only about the rows older than what is known. Both engines (PostgreSQL when
// HERD_TEST_POSTGRES_URL is set).
#include "api/viewer_flag_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/statuses.hpp"
#include "store/viewer_flags.hpp"

using namespace herd;
using namespace herd::store;

namespace {
std::shared_ptr<const KnownFlags> flags(std::vector<Id> favourited, Id complete_from = 0) {
  auto out = std::make_shared<KnownFlags>();
  out->favourited = std::move(favourited);
  out->complete_from = complete_from;
  return out;
}
}  // namespace

TEST(ViewerFlagCache, ANewGenerationEmptiesIt) {
  api::ViewerFlagCache cache(1 << 20);
  std::uint64_t v = cache.version(5);
  cache.put(7, v, flags({1, 2}));
  ASSERT_NE(cache.get(7, v), nullptr);
  EXPECT_EQ(cache.get(7, v)->favourited, (std::vector<Id>{1, 2}));
  EXPECT_EQ(cache.get(8, v), nullptr);
  EXPECT_EQ(cache.version(4), v) << "an older generation read late changes nothing";
  std::uint64_t newer = cache.version(6);
  EXPECT_EQ(cache.get(7, newer), nullptr) << "a newer generation empties the cache";
  cache.put(7, v, flags({1}));
  EXPECT_EQ(cache.get(7, newer), nullptr) << "an entry read before the emptying is refused";
}

TEST(ViewerFlagCache, ADropOfAnAccountsFlagsDropsItsEntryAlone) {
  api::ViewerFlagCache cache(1 << 20);
  std::uint64_t v = cache.version(1);
  cache.put(7, v, flags({1}));
  cache.put(8, v, flags({2}));
  cache.drop({tags::status(1), tags::account(8), tags::viewer(8)});
  EXPECT_NE(cache.get(7, v), nullptr) << "a status's or an account's tag names no flags";
  EXPECT_NE(cache.get(8, v), nullptr);
  cache.drop({tags::flags_of(7)});
  EXPECT_EQ(cache.get(7, v), nullptr);
  EXPECT_NE(cache.get(8, v), nullptr);
  cache.put(7, v, flags({1}));
  EXPECT_EQ(cache.get(7, cache.version(1)), nullptr)
      << "an entry read before a drop of its viewer's flags is refused";
  cache.put(8, v, flags({3}));
  EXPECT_EQ(cache.get(8, v)->favourited, (std::vector<Id>{3})) << "another viewer's is kept";
  std::uint64_t after = cache.version(1);
  cache.put(7, after, flags({4}));
  EXPECT_EQ(cache.get(7, after)->favourited, (std::vector<Id>{4}));
}

TEST(ViewerFlagCache, ItKeepsToItsBytesLeastRecentlyUsedFirstOut) {
  std::size_t one = flags(std::vector<Id>(100, 1))->bytes() + 64;
  api::ViewerFlagCache cache(one * 3);
  std::uint64_t v = cache.version(1);
  for (Id viewer : {1, 2, 3}) cache.put(viewer, v, flags(std::vector<Id>(100, viewer)));
  ASSERT_NE(cache.get(1, v), nullptr);  // 2 is now the least recently used
  cache.put(4, v, flags(std::vector<Id>(100, 4)));
  EXPECT_EQ(cache.get(2, v), nullptr);
  for (Id viewer : {1, 3, 4}) EXPECT_NE(cache.get(viewer, v), nullptr) << viewer;
  EXPECT_LE(cache.stats().bytes, one * 3);
}

namespace {

class KnownFlagsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = herd::testing::fresh_database_url(GetParam(), "herd_viewer_flags");
    if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    db = open_database(url, 2);
    migrate(*db);
  }
  Status write_status(Id author, std::optional<Id> reblog_of = std::nullopt) {
    Status s;
    s.id = next_id();
    s.account_id = author;
    s.uri = "https://example.test/s/" + std::to_string(s.id);
    s.text = s.content = "x";
    s.reblog_of_id = reblog_of;
    s.created_at = 1;
    db->write([&](Connection& c) { insert_status(c, s); });
    return s;
  }
  KnownFlags known(Id viewer, int limit) {
    return db->read_value([&](Connection& c) {
      Statement statement = known_flags_statement(viewer, limit);
      return known_flags_from(c.query(statement.sql, statement.params), limit);
    });
  }
  std::unique_ptr<Database> db;
};

}  // namespace

TEST_P(KnownFlagsTest, TheNewestOfEachKindAndFromWhereTheyAreAll) {
  const Id viewer = 11, author = 12;
  std::vector<Id> statuses;
  for (int i = 0; i < 6; ++i) statuses.push_back(write_status(author).id);
  db->write([&](Connection& c) {
    for (int i : {0, 2, 4, 5}) insert_favourite(c, next_id(), viewer, statuses[i], 1);
    insert_bookmark(c, next_id(), viewer, statuses[1], 1);
    insert_favourite(c, next_id(), author, statuses[3], 1);  // someone else's
  });
  write_status(viewer, statuses[3]);
  write_status(viewer, statuses[3]);  // reblogged twice
  write_status(viewer);               // not a reblog

  KnownFlags all = known(viewer, 10);
  EXPECT_EQ(all.favourited, (std::vector<Id>{statuses[0], statuses[2], statuses[4], statuses[5]}));
  EXPECT_EQ(all.reblogged, (std::vector<Id>{statuses[3]}));
  EXPECT_EQ(all.bookmarked, (std::vector<Id>{statuses[1]}));
  EXPECT_EQ(all.complete_from, 0) << "no list is full: they are all of them";

  KnownFlags newest = known(viewer, 2);
  EXPECT_EQ(newest.favourited, (std::vector<Id>{statuses[4], statuses[5]}));
  EXPECT_EQ(newest.reblogged, (std::vector<Id>{statuses[3]}));
  EXPECT_EQ(newest.complete_from, statuses[4])
      << "the favourites below the oldest read are unknown";
}

TEST_P(KnownFlagsTest, TheStoreNamesTheAccountsFlagsItWrites) {
  const Id viewer = 21;
  Id status = write_status(22).id;
  std::vector<std::vector<CacheTag>> reported;
  ChangeListening listening([&](const std::vector<CacheTag>& tags) { reported.push_back(tags); });
  auto names_flags = [&](const std::function<void(Connection&)>& write) {
    reported.clear();
    Changes changes;
    db->write(write);
    return reported.size() == 1 &&
           std::count(reported[0].begin(), reported[0].end(), tags::flags_of(viewer)) == 1;
  };
  EXPECT_TRUE(
      names_flags([&](Connection& c) { insert_favourite(c, next_id(), viewer, status, 1); }));
  EXPECT_TRUE(names_flags([&](Connection& c) { delete_favourite(c, viewer, status); }));
  EXPECT_TRUE(
      names_flags([&](Connection& c) { insert_bookmark(c, next_id(), viewer, status, 1); }));
  EXPECT_TRUE(names_flags([&](Connection& c) { delete_bookmark(c, viewer, status); }));
  Status reblog;
  reblog.id = next_id();
  reblog.account_id = viewer;
  reblog.uri = "https://example.test/s/" + std::to_string(reblog.id);
  reblog.reblog_of_id = status;
  reblog.created_at = 1;
  EXPECT_TRUE(names_flags([&](Connection& c) { insert_status(c, reblog); }));
}

TEST_P(KnownFlagsTest, APageAsksOnlyAboutTheRowsOlderThanWhatIsKnown) {
  const Id viewer = 31, author = 32;
  std::vector<Id> statuses;
  for (int i = 0; i < 4; ++i) statuses.push_back(write_status(author).id);
  db->write([&](Connection& c) {
    for (Id id : statuses) insert_favourite(c, next_id(), viewer, id, 1);
  });
  auto favourited_on_page = [&](std::optional<Id> known_from) {
    PageFacts facts;
    WithFacts with;
    with.viewer = viewer;
    with.into = &facts;
    with.flags_known_from = known_from;
    db->read([&](Connection& c) {
      PageQuery page;
      page.limit = 10;
      page_public_timeline(c, {}, {}, page, with);
    });
    std::vector<Id> out(facts.flags.favourited.begin(), facts.flags.favourited.end());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(favourited_on_page(std::nullopt), statuses);
  EXPECT_EQ(favourited_on_page(statuses[2]), (std::vector<Id>{statuses[0], statuses[1]}))
      << "the rows from the known id on are the caller's to fill";
  EXPECT_EQ(favourited_on_page(0), std::vector<Id>{});
}

INSTANTIATE_TEST_SUITE_P(Engines, KnownFlagsTest, ::testing::Values("sqlite", "postgres"));
