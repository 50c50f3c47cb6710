// The storage layer on both engines: SQLite always; PostgreSQL when HERD_TEST_POSTGRES_URL names
// a server (scripts/test starts one), each test in a fresh database.
#include "store/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "../fresh_database.hpp"
#include "core/id_tag.hpp"
#include "core/ids.hpp"
#include "store/accounts.hpp"
#include "store/federation_records.hpp"
#include "store/id_tags.hpp"
#include "store/page.hpp"
#include "store/pipeline.hpp"
#include "store/relationships.hpp"

using namespace herd;
using namespace herd::store;

namespace {

std::unique_ptr<Database> open_fresh(const std::string& backend) {
  std::string url = herd::testing::fresh_database_url(backend, "herd_store");
  return url.empty() ? nullptr : open_database(url, 4);
}

Account make_account(const std::string& username, const std::string& domain = "") {
  Account a;
  a.id = next_id();
  a.username = username;
  a.domain = domain;
  a.uri = "https://example.com/users/" + username;
  a.created_at = a.updated_at = 1;
  return a;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db = open_fresh(GetParam());
    if (!db) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    EXPECT_GE(migrate(*db), 1);
  }
  std::unique_ptr<Database> db;
};

}  // namespace

TEST_P(StoreTest, MigrationsAreIdempotent) {
  EXPECT_EQ(migrate(*db), 0);
}

// The list is assembled from files by era: every version appears once, the founding ones first.
TEST_P(StoreTest, EveryMigrationIsRecordedOnce) {
  std::vector<std::int64_t> versions;
  db->read([&](Connection& c) {
    for (const Row& row : c.query("SELECT version FROM schema_migrations", {}).rows)
      versions.push_back(row.i(0));
  });
  std::set<std::int64_t> distinct(versions.begin(), versions.end());
  EXPECT_EQ(distinct.size(), versions.size());
  for (std::int64_t v = 1; v <= 42; ++v) {
    if (v == 7 || v == 24 || v == 26 || v == 37 || v == 38) continue;  // numbers never used
    EXPECT_TRUE(distinct.count(v)) << "migration " << v << " was not applied";
  }
  for (std::int64_t v : {41, 42, 46, 47, 48, 49, 58, 61, 66}) {
    EXPECT_TRUE(distinct.count(v)) << "migration " << v << " was not applied";
  }
  db->read([&](Connection& c) { EXPECT_TRUE(pending_migrations(c).empty()); });
}

// Processes opening one database take distinct ID tags in turn, so their IDs never collide even
// when minted in the same millisecond.
TEST_P(StoreTest, ProcessesClaimDistinctIdTags) {
  std::uint8_t first = claim_id_tag(*db);
  EXPECT_EQ(id_process_tag(), first);
  std::uint8_t second = claim_id_tag(*db);
  EXPECT_NE(second, first);
  EXPECT_EQ(static_cast<std::uint8_t>(first + 1), second);
  // In a later millisecond than any ID minted with an earlier tag, a new ID carries the new one.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ((next_id() >> 8) & 0xff, second);
}

TEST_P(StoreTest, AccountsRoundTripAndCaseInsensitiveLookup) {
  Account alice = make_account("Alice");
  alice.fields_json = R"([{"name":"a","value":"b"}])";
  alice.locked = true;
  db->write([&](Connection& c) { insert_account(c, alice); });
  auto found =
      db->read_value([&](Connection& c) { return find_account_by_username(c, "alice", ""); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, alice.id);
  EXPECT_EQ(found->username, "Alice");
  EXPECT_TRUE(found->locked);
  EXPECT_EQ(found->fields_json, alice.fields_json);
  EXPECT_FALSE(db->read_value(
      [&](Connection& c) { return find_account_by_username(c, "alice", "remote.example"); }));
}

TEST_P(StoreTest, UniqueViolationIsReportedAndRolledBack) {
  db->write([&](Connection& c) { insert_account(c, make_account("bob")); });
  try {
    db->write([&](Connection& c) {
      insert_account(c, make_account("carol"));
      insert_account(c, make_account("BOB"));
    });
    FAIL() << "expected a unique violation";
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(e.unique_violation()) << e.what();
  }
  // The whole transaction rolled back: carol was not kept.
  EXPECT_FALSE(
      db->read_value([&](Connection& c) { return find_account_by_username(c, "carol", ""); }));
}

TEST_P(StoreTest, CountersNeverGoNegative) {
  Account a = make_account("dave");
  db->write([&](Connection& c) {
    insert_account(c, a);
    adjust_account_counts(c, a.id, 2, 1, -5);
  });
  auto found = db->read_value([&](Connection& c) { return find_account(c, a.id); });
  EXPECT_EQ(found->statuses_count, 2);
  EXPECT_EQ(found->followers_count, 1);
  EXPECT_EQ(found->following_count, 0);
}

// store/pipeline.hpp: queued writes run in order before the statement they travel with, their
// errors fail the transaction (nothing of it kept, the connection usable again), and counters
// moved by concurrent transactions stay exact.
TEST_P(StoreTest, QueuedStatementsKeepOrderAndFailTheTransaction) {
  Account a = make_account("erin");
  db->write([&](Connection& c) {
    insert_account(c, a);
    for (int i = 0; i < 3; ++i) count_new_status(c, a.id, 100 + i);
    EXPECT_EQ(find_account(c, a.id)->statuses_count, 3);  // seen by the next statement
  });
  EXPECT_EQ(db->read_value([&](Connection& c) { return find_account(c, a.id); })->statuses_count,
            3);

  auto duplicate = [&](Connection& c) {
    query_later(c, "INSERT INTO settings (name, value) VALUES (?, ?)",
                {Value(std::string("twice")), Value(std::string("1"))});
  };
  db->write(duplicate);
  for (bool read_after : {false, true}) {
    try {
      db->write([&](Connection& c) {
        count_new_status(c, a.id, 200);
        duplicate(c);
        if (read_after) find_account(c, a.id);  // the error surfaces here, else at the commit
      });
      FAIL() << "expected a unique violation";
    } catch (const DatabaseError& e) {
      EXPECT_TRUE(e.unique_violation()) << e.what();
    }
    // Rolled back: the count moved in the same transaction is not kept.
    EXPECT_EQ(db->read_value([&](Connection& c) { return find_account(c, a.id); })->statuses_count,
              3);
  }

  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        db->write([&](Connection& c) { count_new_status(c, a.id, 300 + i); });
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(db->read_value([&](Connection& c) { return find_account(c, a.id); })->statuses_count,
            103);
}

// Writes that only queue their statements (BEGIN, the writes and COMMIT: one round trip) commit
// together on PostgreSQL when they arrive at the same time (shared commits): each is stored once
// its write returns, and one that fails (a duplicate key) fails alone, with its own error, while
// the others of its shared transaction are kept.
TEST_P(StoreTest, WritesArrivingTogetherCommitTogetherAndAFailureStaysItsOwn) {
  const bool postgres = GetParam() == "postgres";
  // The transaction that stored the row: shared transactions store several.
  const std::string insert = std::string("INSERT INTO settings (name, value) VALUES (?, ") +
                             (postgres ? "CAST(txid_current() AS TEXT))" : "'0')");
  db->write([&](Connection& c) { query_later(c, insert, {Value(std::string("shared-taken"))}); });
  constexpr int kThreads = 8, kWrites = 40;
  std::atomic<int> failures{0}, unique_failures{0}, missing{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        bool duplicate = t == 0 && i == kWrites / 2;
        std::string name =
            duplicate ? "shared-taken" : "shared-" + std::to_string(t) + "-" + std::to_string(i);
        try {
          db->write([&](Connection& c) { query_later(c, insert, {Value(name)}); });
        } catch (const DatabaseError& e) {
          ++failures;
          if (duplicate && e.unique_violation()) ++unique_failures;
          continue;
        }
        bool stored = db->read_value([&](Connection& c) {
          return !c.query("SELECT 1 FROM settings WHERE name = ?", {Value(name)}).empty();
        });
        if (!stored) ++missing;
      }
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 1);
  EXPECT_EQ(unique_failures.load(), 1);
  EXPECT_EQ(missing.load(), 0);
  auto rows = db->read_value([&](Connection& c) {
    return c.query("SELECT value FROM settings WHERE name LIKE 'shared-%'", {});
  });
  EXPECT_EQ(rows.rows.size(), static_cast<std::size_t>(kThreads * kWrites));  // 319 and the first
  if (postgres) {
    std::set<std::string> transactions;
    for (const Row& row : rows.rows) transactions.insert(row.s(0));
    EXPECT_LT(transactions.size(), rows.rows.size()) << "no commit was shared";
  }
}

TEST_P(StoreTest, FollowPagesWalkWithoutGapOrRepeat) {
  Account target = make_account("target");
  std::vector<Id> follower_ids;
  db->write([&](Connection& c) {
    insert_account(c, target);
    for (int i = 0; i < 25; ++i) {
      Account f = make_account("f" + std::to_string(i));
      insert_account(c, f);
      follower_ids.push_back(f.id);
      Follow follow;
      follow.id = next_id();
      follow.account_id = f.id;
      follow.target_account_id = target.id;
      ASSERT_TRUE(insert_follow(c, follow));
      ASSERT_FALSE(insert_follow(c, follow));  // the pair exists: nothing changes
    }
  });
  std::vector<Id> seen;
  PageQuery page;
  page.limit = 10;
  for (;;) {
    auto entries =
        db->read_value([&](Connection& c) { return page_followers(c, target.id, page); });
    if (entries.empty()) break;
    for (auto& e : entries) seen.push_back(e.account_id);
    page.max_id = entries.back().row_id;
  }
  ASSERT_EQ(seen.size(), 25u);
  std::vector<Id> expected(follower_ids.rbegin(), follower_ids.rend());
  EXPECT_EQ(seen, expected);
  // min_id returns the page just above the cursor, newest first.
  PageQuery above;
  above.limit = 2;
  above.min_id = 0;
  auto oldest = db->read_value([&](Connection& c) { return page_followers(c, target.id, above); });
  ASSERT_EQ(oldest.size(), 2u);
  EXPECT_EQ(oldest[0].account_id, follower_ids[1]);
  EXPECT_EQ(oldest[1].account_id, follower_ids[0]);
}

TEST_P(StoreTest, SettingsUpsert) {
  db->write([&](Connection& c) {
    put_setting(c, "k", "1");
    put_setting(c, "k", "2");
  });
  EXPECT_EQ(db->read_value([&](Connection& c) { return get_setting(c, "k"); }), "2");
}

TEST_P(StoreTest, RemoteKeysByKeyIdSurviveAndReplace) {
  RemoteKey key{"https://gts.example/users/gina/main-key", "https://gts.example/users/gina", "PEM1",
                5};
  db->write([&](Connection& c) { upsert_remote_key(c, key); });
  key.public_key_pem = "PEM2";
  db->write([&](Connection& c) { upsert_remote_key(c, key); });
  auto found = db->read_value([&](Connection& c) { return find_remote_key(c, key.key_id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->owner_uri, "https://gts.example/users/gina");
  EXPECT_EQ(found->public_key_pem, "PEM2");
  EXPECT_FALSE(db->read_value(
      [&](Connection& c) { return find_remote_key(c, "https://gts.example/users/gina"); }));
}

TEST_P(StoreTest, UnseenTombstonesExpireKeptOnesStay) {
  const std::int64_t now = 1'000'000'000'000;
  const std::int64_t later = now + kUnseenTombstoneMs + 1;
  db->write([&](Connection& c) {
    insert_tombstone(c, "https://a.example/notes/unseen", "unseen", now);
    insert_tombstone(c, "https://a.example/notes/gone", "gone", now);
    insert_tombstone(c, "https://a.example/notes/upgraded", "unseen", now);
    insert_tombstone(c, "https://a.example/notes/upgraded", "deleted", now);
    insert_tombstone(c, "https://a.example/notes/gone", "unseen", now);  // keeps "gone"
  });
  db->read([&](Connection& c) {
    EXPECT_TRUE(is_tombstoned(c, "https://a.example/notes/unseen", now));
    EXPECT_FALSE(is_tombstoned(c, "https://a.example/notes/unseen", later));
    EXPECT_TRUE(is_tombstoned(c, "https://a.example/notes/gone", later));
    EXPECT_TRUE(is_tombstoned(c, "https://a.example/notes/upgraded", later));
    EXPECT_FALSE(is_tombstoned(c, "https://a.example/notes/never", now));
  });
  db->write([&](Connection& c) { prune_tombstones(c, later); });
  auto rows = db->read_value([&](Connection& c) {
    return c.query("SELECT uri FROM tombstones ORDER BY uri").rows.size();
  });
  EXPECT_EQ(rows, 2u);
}

TEST_P(StoreTest, DeliveryFailuresNewestFirstAndOldOnesPruned) {
  const std::int64_t day = 24LL * 60 * 60 * 1000;
  const std::int64_t start = 1'700'000'000'000;
  auto failure = [](std::int64_t at, const std::string& type) {
    DeliveryFailure f;
    f.id = id_at(at);
    f.account_uri = "https://a.example/users/x";
    f.activity_type = type;
    f.error = "the account has no inbox";
    f.created_at = at;
    return f;
  };
  db->write([&](Connection& c) {
    insert_delivery_failure(c, failure(start, "Follow"));
    insert_delivery_failure(c, failure(start + day, "Create"));
  });
  auto listed = db->read_value([&](Connection& c) { return list_delivery_failures(c, 10); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].activity_type, "Create");
  db->write([&](Connection& c) {
    insert_delivery_failure(c, failure(start + (kDeliveryFailureDays + 1) * day, "Block"));
  });
  listed = db->read_value([&](Connection& c) { return list_delivery_failures(c, 10); });
  ASSERT_EQ(listed.size(), 2u);  // the first one is older than the retention
  EXPECT_EQ(listed[0].activity_type, "Block");
  EXPECT_EQ(listed[1].activity_type, "Create");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// DATABASE_URL may name a PostgreSQL's Unix socket folder as its host (README): the store reads
// and writes through it, and the server sees a socket connection (no client address).
TEST(PostgresSocket, ReadsAndWritesOverTheUnixSocket) {
  const char* url = std::getenv("HERD_TEST_POSTGRES_SOCKET_URL");
  if (!url) GTEST_SKIP() << "HERD_TEST_POSTGRES_SOCKET_URL not set (scripts/test sets it)";
  auto db = open_database(url, 2);
  std::string table = "socket_check_" + std::to_string(next_id());
  db->write([&](Connection& c) {
    c.exec_script("CREATE TEMP TABLE " + table + " (n BIGINT)");
    c.query("INSERT INTO " + table + " (n) VALUES (?)", {Value(std::int64_t{42})});
    EXPECT_EQ(c.query("SELECT n FROM " + table, {}).front().i(0), 42);
  });
  db->read([&](Connection& c) {
    EXPECT_EQ(
        c.query("SELECT CASE WHEN inet_client_addr() IS NULL THEN 1 ELSE 0 END", {}).front().i(0),
        1);
  });
}
