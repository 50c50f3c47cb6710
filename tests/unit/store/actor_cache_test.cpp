// The inbox's actor cache (store/actor_cache.hpp) on both engines: a remote account is read once
// and then answered from memory while only its counts change; every other change of its row is
// seen at the next lookup: a profile refresh, a refresh time, a limit, a suspension, a domain
// block (scoped, with the change listener installed as `herd serve` does, or unscoped), a write of
// another process on the same database; a read overtaken by a drop is not kept. PostgreSQL when
// HERD_TEST_POSTGRES_URL is set.
#include "store/actor_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "store/federation.hpp"
#include "store/invalidation.hpp"
#include "store/moderation.hpp"

using namespace herd;
using namespace herd::store;

namespace {

// Runs a hook in the middle of reads (after the caller's reads ran), as a write committing
// while a lookup is in flight would.
class InterleavingDatabase final : public Database {
 public:
  explicit InterleavingDatabase(Database& inner) : inner_(inner) {}
  void read(const std::function<void(Connection&)>& fn) override {
    inner_.read(fn);
    if (auto hook = std::exchange(after_read, nullptr)) hook();
  }
  void write(const std::function<void(Connection&)>& fn) override { inner_.write(fn); }
  void write_unversioned(const std::function<void(Connection&)>& fn) override {
    inner_.write_unversioned(fn);
  }
  Dialect dialect() const override { return inner_.dialect(); }
  std::uint64_t generation() override { return inner_.generation(); }
  std::uint64_t cache_generation() override { return inner_.cache_generation(); }
  std::function<void()> after_read;

 private:
  Database& inner_;
};

class ActorCacheTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url = herd::testing::fresh_database_url(GetParam(), "herd_actor_cache");
    if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    db = open_database(url, 4);
    migrate(*db);
    actor.id = next_id();
    actor.username = "sender";
    actor.domain = "remote.test";
    actor.display_name = "Sender";
    actor.uri = "https://remote.test/users/sender";
    actor.inbox_url = actor.uri + "/inbox";
    actor.followers_url = actor.uri + "/followers";
    actor.created_at = actor.updated_at = 1000;
    db->write([&](Connection& c) { insert_remote_account(c, actor); });
  }
  // The generation once any write by another process would have been seen (SQLite checks every
  // 100 ms, PostgreSQL every 2 ms).
  void settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    db->cache_generation();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
  }
  // A write that names what it changes, as the services do (here: the account entity).
  void scoped_write(const std::function<void(Connection&)>& fn) {
    Changes changes;
    changes.add(tags::account(actor.id));
    db->write(fn);
  }
  std::optional<Account> find() { return cache.find(*db, actor.uri); }

  std::string url;
  std::unique_ptr<Database> db;
  Account actor;
  ActorCache cache;
  // As `herd serve`'s listener (serve.cpp) passes drops on.
  ChangeListening listening{[this](const std::vector<CacheTag>& tags) { cache.drop(tags); }};
};

}  // namespace

TEST_P(ActorCacheTest, CountsDoNotDropTheActorButAProfileRefreshDoes) {
  settle();
  ASSERT_TRUE(find());
  auto first = cache.stats();
  // A received post: its author's counts (in a scope, as receive_status).
  {
    Changes changes;
    db->write([&](Connection& c) { count_new_status(c, actor.id, 5000); });
  }
  auto held = find();
  ASSERT_TRUE(held);
  EXPECT_EQ(cache.stats().hits, first.hits + 1) << "a count update leaves the entry";
  EXPECT_EQ(held->display_name, "Sender");
  EXPECT_EQ(held->statuses_count, 0) << "the counts are those read when it was kept";

  // A refresh of the actor document (store_actor): the next lookup reads the new row.
  Account refreshed = actor;
  refreshed.display_name = "Renamed";
  refreshed.updated_at = 9000;
  scoped_write([&](Connection& c) { update_remote_account(c, refreshed); });
  auto after = find();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->display_name, "Renamed");
  EXPECT_EQ(after->updated_at, 9000);
  EXPECT_EQ(after->statuses_count, 1);
}

TEST_P(ActorCacheTest, EveryOtherChangeOfTheRowIsSeenAtTheNextLookup) {
  settle();
  ASSERT_TRUE(find());
  // The refresh time a failed refresh sets (a bookkeeping write: no response reads it).
  {
    Changes changes;
    changes.add(tags::nothing());
    db->write([&](Connection& c) { touch_remote_account(c, actor.uri, 7777); });
  }
  EXPECT_EQ(find()->updated_at, 7777);
  scoped_write([&](Connection& c) { set_account_silenced(c, actor.id, true); });
  EXPECT_TRUE(find()->silenced);
  // A suspension names no tags: the cache generation moves.
  db->write([&](Connection& c) { set_account_suspended(c, actor.id, true); });
  EXPECT_TRUE(find()->suspended);
  db->write([&](Connection& c) { set_account_suspended(c, actor.id, false); });
  EXPECT_FALSE(find()->suspended);
  // A domain block (in a scope that names something else: it still moves the cache generation).
  scoped_write([&](Connection& c) { set_domain_severity(c, actor.domain, "suspend"); });
  EXPECT_TRUE(find()->suspended);
  // An unscoped write of anything at all starts the cache over.
  scoped_write([&](Connection& c) { set_domain_severity(c, actor.domain, ""); });
  ASSERT_TRUE(find());
  auto before = cache.stats();
  db->write([&](Connection& c) { count_new_status(c, actor.id, 6000); });
  EXPECT_EQ(find()->statuses_count, 1);
  EXPECT_EQ(cache.stats().misses, before.misses + 1);
}

TEST_P(ActorCacheTest, AnotherProcessesWriteIsSeen) {
  auto other = open_database(url, 2);  // as another process on the same database
  settle();
  ASSERT_TRUE(find());
  // (Unscoped there: the listener is the test process's, which another process would not call.)
  other->write([&](Connection& c) { set_account_suspended(c, actor.id, true); });
  settle();
  EXPECT_TRUE(find()->suspended);
  Account refreshed = actor;
  refreshed.display_name = "Elsewhere";
  other->write([&](Connection& c) { update_remote_account(c, refreshed); });
  settle();
  EXPECT_EQ(find()->display_name, "Elsewhere");
}

TEST_P(ActorCacheTest, AReadOvertakenByADropIsNotKept) {
  settle();
  InterleavingDatabase interleaving(*db);
  Account refreshed = actor;
  refreshed.display_name = "Renamed";
  // The lookup reads the row, then a refresh commits and is dropped before the entry is kept.
  interleaving.after_read = [&] {
    scoped_write([&](Connection& c) { update_remote_account(c, refreshed); });
  };
  auto read = cache.find(interleaving, actor.uri);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->display_name, "Sender") << "what the lookup read";
  EXPECT_EQ(cache.find(interleaving, actor.uri)->display_name, "Renamed")
      << "the row read before the drop was not kept";
}

TEST_P(ActorCacheTest, LocalAccountsAndUnknownUrisAreNotKept) {
  Account local = actor;
  local.id = next_id();
  local.domain = "";
  local.username = "local";
  local.uri = "https://here.test/users/local";
  db->write([&](Connection& c) { insert_account(c, local); });
  settle();
  EXPECT_FALSE(cache.find(*db, "https://remote.test/users/nobody"));
  ASSERT_TRUE(cache.find(*db, local.uri));
  ASSERT_TRUE(cache.find(*db, local.uri));
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ActorCacheTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });
