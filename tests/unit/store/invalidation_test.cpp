// Precise invalidation (store/invalidation.hpp) on both engines: a write in a Changes scope is
// reported to the listener instead of moving the cache generation (the generation moves), in this
// process only; another process on the same database sees it as any write; in a group commit, a
// piece that declares nothing makes the shared commit move the cache generation. PostgreSQL when
// HERD_TEST_POSTGRES_URL is set.
#include "store/invalidation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/group_commit.hpp"
#include "store/statuses.hpp"

using namespace herd;
using namespace herd::store;

namespace {

class ChangesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url = herd::testing::fresh_database_url(GetParam(), "herd_invalidation");
    if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    db = open_database(url, 4);
    migrate(*db);
  }
  // The generation once any write by another process would have been seen (SQLite checks every
  // 100 ms, PostgreSQL every 2 ms).
  std::uint64_t settled_generation(Database& database) {
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    database.cache_generation();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    return database.cache_generation();
  }
  Status write_status() {
    Status s;
    s.id = next_id();
    s.account_id = 1;
    s.uri = "https://example.test/s/" + std::to_string(s.id);
    s.text = s.content = "x";
    s.created_at = 1;
    db->write([&](Connection& c) { insert_status(c, s); });
    return s;
  }
  std::string url;
  std::unique_ptr<Database> db;
};

void touch(Connection& c, Id status_id) {
  c.query("UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = ?",
          {Value(status_id)});
}

}  // namespace

TEST_P(ChangesTest, WithoutAListenerAScopedWriteMovesTheCacheGeneration) {
  Status s = write_status();
  std::uint64_t before = settled_generation(*db);
  {
    Changes changes;
    db->write([&](Connection& c) {
      changes.add(tags::status(s.id));
      touch(c, s.id);
    });
  }
  EXPECT_GT(db->cache_generation(), before);
}

TEST_P(ChangesTest, AScopedWriteIsReportedInsteadOfMovingTheCacheGeneration) {
  Status s = write_status();
  std::vector<std::vector<CacheTag>> reported;
  ChangeListening listening([&](const std::vector<CacheTag>& ids) { reported.push_back(ids); });
  std::uint64_t before = settled_generation(*db);
  std::uint64_t generation = db->generation();
  {
    Changes changes;
    db->write([&](Connection& c) {
      changes.add(tags::status(s.id));
      touch(c, s.id);
    });
  }
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], std::vector<CacheTag>{tags::status(s.id)});
  EXPECT_GT(db->generation(), generation) << "the generation moves on every write";
  EXPECT_EQ(settled_generation(*db), before)
      << "this process's own scoped write is not read back from the shared sequence";

  // Store functions note what they write into the current scope.
  {
    Changes changes;
    db->write([&](Connection& c) { adjust_status_counts(c, s.id, 1, 0, 0); });
  }
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1], std::vector<CacheTag>{tags::status(s.id)});
  EXPECT_EQ(db->cache_generation(), before);

  // A rolled-back write reports nothing; a write that named nothing moves the cache generation.
  {
    Changes changes;
    EXPECT_THROW(db->write([&](Connection& c) {
      changes.add(tags::status(s.id));
      touch(c, s.id);
      throw std::runtime_error("no");
    }),
                 std::runtime_error);
  }
  EXPECT_EQ(reported.size(), 2u);
  EXPECT_EQ(db->cache_generation(), before);
  {
    Changes changes;
    db->write([&](Connection& c) { touch(c, s.id); });
  }
  EXPECT_EQ(reported.size(), 2u);
  std::uint64_t after_unnamed = db->cache_generation();
  EXPECT_GT(after_unnamed, before);
  // Outside a scope, every write moves the cache generation, once (not again when read back).
  db->write([&](Connection& c) { touch(c, s.id); });
  std::uint64_t after_plain = db->cache_generation();
  EXPECT_GT(after_plain, after_unnamed);
  EXPECT_EQ(settled_generation(*db), after_plain);
}

TEST(ChangesGroupCommit, APieceThatDeclaresNothingMovesTheCacheGeneration) {
  std::string url = herd::testing::fresh_database_url("sqlite", "herd_changes_group");
  auto db = attach_group_commit(open_database(url, 2));
  migrate(*db);
  std::vector<std::vector<CacheTag>> reported;
  ChangeListening listening([&](const std::vector<CacheTag>& ids) { reported.push_back(ids); });
  Id declared = next_id(), undeclared = next_id();
  auto insert = [&](Id id) {
    Status s;
    s.id = id;
    s.account_id = 1;
    s.uri = "https://example.test/s/" + std::to_string(id);
    s.created_at = 1;
    db->write([&](Connection& c) { insert_status(c, s); });
  };
  std::uint64_t before = db->cache_generation();
  ASSERT_TRUE(run_in_group_commit(*db, [&] {
    Changes changes;
    insert(declared);
  }));
  ASSERT_EQ(reported.size(), 1u) << "a piece in a scope of its own is reported";
  EXPECT_NE(std::find(reported[0].begin(), reported[0].end(), tags::status(declared)),
            reported[0].end());
  EXPECT_EQ(db->cache_generation(), before);
  ASSERT_TRUE(run_in_group_commit(*db, [&] { insert(undeclared); }));
  EXPECT_EQ(reported.size(), 1u) << "a piece without a scope is not reported";
  EXPECT_GT(db->cache_generation(), before);
}

TEST_P(ChangesTest, AnotherProcessSeesAScopedWriteAsAnyWrite) {
  Status s = write_status();
  auto other = open_database(url, 2);  // as another process on the same database
  std::uint64_t seen_by_other = settled_generation(*other);
  std::vector<CacheTag> reported;
  ChangeListening listening([&](const std::vector<CacheTag>& ids) { reported = ids; });
  {
    Changes changes;
    db->write([&](Connection& c) {
      changes.add(tags::status(s.id));
      touch(c, s.id);
    });
  }
  EXPECT_EQ(reported, std::vector<CacheTag>{tags::status(s.id)});
  EXPECT_GT(settled_generation(*other), seen_by_other);
}

TEST_P(ChangesTest, WritesReadWhileInFlightCountOnceAndOthersStillShow) {
  // Four threads write while a fifth asks for the generation without pause (on PostgreSQL it
  // reads the shared sequence while this process's values travel with their COMMITs, and each
  // commit's value is a reading too) and another process writes once: then the generation has
  // moved by the number of writes exactly.
  Status s = write_status();
  auto other = open_database(url, 2);  // as another process on the same database
  std::uint64_t before = settled_generation(*db);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) db->generation();
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) db->write([&](Connection& c) { touch(c, s.id); });
    });
  other->write([&](Connection& c) { touch(c, s.id); });
  for (auto& writer : writers) writer.join();
  done = true;
  reader.join();
  EXPECT_EQ(settled_generation(*db), before + 201);
  other->write([&](Connection& c) { touch(c, s.id); });
  EXPECT_EQ(settled_generation(*db), before + 202);
}

TEST(Dependencies, CollectTheStatusesLoadedOnThisThread) {
  std::string url = herd::testing::fresh_database_url("sqlite", "herd_loaded");
  auto db = open_database(url, 2);
  migrate(*db);
  std::vector<Id> ids{next_id(), next_id(), next_id()};
  db->write([&](Connection& c) {
    for (Id id : ids) {
      Status s;
      s.id = id;
      s.account_id = 1;
      s.uri = "https://example.test/s/" + std::to_string(id);
      s.created_at = 1;
      insert_status(c, s);
    }
  });
  Dependencies outer;
  {
    Dependencies inner;
    db->read([&](Connection& c) { find_statuses(c, {ids[2], ids[0]}); });
    db->read([&](Connection& c) { find_status(c, ids[0]); });
    EXPECT_EQ(inner.tags(), (std::vector<CacheTag>{tags::status(ids[0]), tags::status(ids[2])}));
  }
  std::thread([&] { db->read([&](Connection& c) { find_status(c, ids[1]); }); }).join();
  EXPECT_EQ(outer.tags(), (std::vector<CacheTag>{tags::status(ids[0]), tags::status(ids[2])}))
      << "another thread's loads are its own";
}

INSTANTIATE_TEST_SUITE_P(Backends, ChangesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });
