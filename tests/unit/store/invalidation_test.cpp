// Precise invalidation (store/invalidation.hpp) on both engines: a write in a StatusChanges scope
// is reported to the listener instead of moving the generation, in this process only; another
// process on the same database sees it as any write. PostgreSQL when HERD_TEST_POSTGRES_URL is set.
#include "store/invalidation.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/statuses.hpp"

using namespace herd;
using namespace herd::store;

namespace {

class StatusChangesTest : public ::testing::TestWithParam<std::string> {
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
    database.generation();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    return database.generation();
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

TEST_P(StatusChangesTest, WithoutAListenerAScopedWriteMovesTheGeneration) {
  Status s = write_status();
  std::uint64_t before = settled_generation(*db);
  {
    StatusChanges changes;
    db->write([&](Connection& c) {
      changes.add(s.id);
      touch(c, s.id);
    });
  }
  EXPECT_GT(db->generation(), before);
}

TEST_P(StatusChangesTest, AScopedWriteIsReportedInsteadOfMovingTheGeneration) {
  Status s = write_status();
  std::vector<std::vector<Id>> reported;
  StatusChangeListening listening([&](const std::vector<Id>& ids) { reported.push_back(ids); });
  std::uint64_t before = settled_generation(*db);
  {
    StatusChanges changes;
    db->write([&](Connection& c) {
      changes.add(s.id);
      touch(c, s.id);
    });
  }
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], std::vector<Id>{s.id});
  EXPECT_EQ(settled_generation(*db), before)
      << "this process's own scoped write is not read back from the shared sequence";

  // A rolled-back write reports nothing; a write that named nothing moves the generation.
  {
    StatusChanges changes;
    EXPECT_THROW(db->write([&](Connection& c) {
      changes.add(s.id);
      touch(c, s.id);
      throw std::runtime_error("no");
    }),
                 std::runtime_error);
  }
  EXPECT_EQ(reported.size(), 1u);
  EXPECT_EQ(db->generation(), before);
  {
    StatusChanges changes;
    db->write([&](Connection& c) { touch(c, s.id); });
  }
  EXPECT_EQ(reported.size(), 1u);
  std::uint64_t after_unnamed = db->generation();
  EXPECT_GT(after_unnamed, before);
  // Outside a scope, every write moves the generation, once (not again when read back).
  db->write([&](Connection& c) { touch(c, s.id); });
  std::uint64_t after_plain = db->generation();
  EXPECT_GT(after_plain, after_unnamed);
  EXPECT_EQ(settled_generation(*db), after_plain);
}

TEST_P(StatusChangesTest, AnotherProcessSeesAScopedWriteAsAnyWrite) {
  Status s = write_status();
  auto other = open_database(url, 2);  // as another process on the same database
  std::uint64_t seen_by_other = settled_generation(*other);
  std::vector<Id> reported;
  StatusChangeListening listening([&](const std::vector<Id>& ids) { reported = ids; });
  {
    StatusChanges changes;
    db->write([&](Connection& c) {
      changes.add(s.id);
      touch(c, s.id);
    });
  }
  EXPECT_EQ(reported, std::vector<Id>{s.id});
  EXPECT_GT(settled_generation(*other), seen_by_other);
}

TEST(LoadedStatuses, CollectsTheStatusesLoadedOnThisThread) {
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
  LoadedStatuses outer;
  {
    LoadedStatuses inner;
    db->read([&](Connection& c) { find_statuses(c, {ids[2], ids[0]}); });
    db->read([&](Connection& c) { find_status(c, ids[0]); });
    EXPECT_EQ(inner.ids(), (std::vector<Id>{ids[0], ids[2]}));
  }
  std::thread([&] { db->read([&](Connection& c) { find_status(c, ids[1]); }); }).join();
  EXPECT_EQ(outer.ids(), (std::vector<Id>{ids[0], ids[2]})) << "another thread's loads are its own";
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusChangesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });
