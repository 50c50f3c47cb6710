// Inbox group commit (federation/inbox_batch): activities sent by many threads at once are applied
// in shared transactions with the same outcomes as one by one: every note stored once with its
// home-feed entry, duplicates ignored, foreign objects rejected, refusals undone, and reads made
// inside a batch see what the batch wrote before.
#include "federation/inbox_batch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../service/status_fixture.hpp"
#include "store/federation.hpp"
#include "store/group_commit.hpp"
#include "store/statuses.hpp"

namespace herd {
namespace {

namespace json = boost::json;

class InboxBatch : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    app.db = store::attach_group_commit(std::move(app.db));
    remote = account("zed", "remote.example");
    follow(alice, remote);
    zed = account_record(remote);
  }

  json::object create(const std::string& id, const std::string& attributed_to) {
    json::object note{{"type", "Note"},
                      {"id", id},
                      {"attributedTo", attributed_to},
                      {"content", "<p>note " + id + "</p>"},
                      {"to", json::array{"https://www.w3.org/ns/activitystreams#Public"}}};
    return json::object{{"type", "Create"},
                        {"id", id + "/activity"},
                        {"actor", zed.uri},
                        {"to", json::array{"https://www.w3.org/ns/activitystreams#Public"}},
                        {"object", note}};
  }
  std::string note_id(int i) { return "https://remote.example/notes/" + std::to_string(i); }
  bool stored(const std::string& uri) {
    return app.db
        ->read_value([&](store::Connection& c) { return store::find_status_id_by_uri(c, uri); })
        .has_value();
  }

  Id remote = 0;
  store::Account zed;
};

TEST_F(InboxBatch, ConcurrentCreatesAreAllStoredOnce) {
  constexpr int kThreads = 12, kEach = 10;
  std::atomic<int> accepted{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // every note is sent twice (by two threads): the second copy is a no-op
        int n = (t / 2) * kEach + i;
        auto result = federation::receive_activity_batched(app, create(note_id(n), zed.uri), zed);
        (result.outcome == federation::Outcome::accepted ? accepted : other)++;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted + other, kThreads * kEach);
  EXPECT_EQ(other, 0);  // a known note is accepted again (nothing new stored)
  for (int n = 0; n < kThreads / 2 * kEach; ++n) EXPECT_TRUE(stored(note_id(n))) << n;
  EXPECT_EQ(account_record(remote).statuses_count, kThreads / 2 * kEach);
  EXPECT_EQ(home(alice).size(), 40u);  // a page of the 60 fanned out
}

TEST_F(InboxBatch, ForeignObjectsAreRejectedAndNothingIsStored) {
  auto result =
      federation::receive_activity_batched(app, create(note_id(1), app.account_uri("bob")), zed);
  EXPECT_EQ(result.outcome, federation::Outcome::rejected);
  EXPECT_FALSE(stored(note_id(1)));
  auto ok = federation::receive_activity_batched(app, create(note_id(2), zed.uri), zed);
  EXPECT_EQ(ok.outcome, federation::Outcome::accepted);
  EXPECT_TRUE(stored(note_id(2)));
}

TEST_F(InboxBatch, FollowThenUndoAndLikes) {
  json::object follow_activity{{"type", "Follow"},
                               {"id", "https://remote.example/follows/1"},
                               {"actor", zed.uri},
                               {"object", app.account_uri("bob")}};
  EXPECT_EQ(federation::receive_activity_batched(app, follow_activity, zed).outcome,
            federation::Outcome::accepted);
  EXPECT_EQ(account_record(bob).followers_count, 1);
  json::object undo{{"type", "Undo"},
                    {"id", "https://remote.example/undo/1"},
                    {"actor", zed.uri},
                    {"object", follow_activity}};
  EXPECT_EQ(federation::receive_activity_batched(app, undo, zed).outcome,
            federation::Outcome::accepted);
  EXPECT_EQ(account_record(bob).followers_count, 0);
  // A like of a local status, twice: the second is a refusal, undone, with the same outcome as
  // without batching.
  auto mine = raw_status(bob, store::Visibility::public_);
  json::object like{{"type", "Like"},
                    {"id", "https://remote.example/likes/1"},
                    {"actor", zed.uri},
                    {"object", mine.uri}};
  auto first = federation::receive_activity_batched(app, like, zed);
  auto second = federation::receive_activity_batched(app, like, zed);
  auto direct = federation::receive_activity(app, like, zed);
  EXPECT_EQ(first.outcome, federation::Outcome::accepted);
  EXPECT_EQ(second.outcome, direct.outcome);
  EXPECT_EQ(status(mine.id).favourites_count, 1);
}

}  // namespace
}  // namespace herd
