// Posting with group commit (store/group_commit.hpp): statuses posted by many threads at once share
// transactions with the same outcomes as one by one: every status stored once, in the home feed
// of the author and of each follower, counted once; a post that fails gets its own error and
// leaves the others alone; an idempotency key used twice in one group gives the same status; each
// stored post has its search document (written at the end of its group), a refused one none.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "service/statuses.hpp"
#include "status_fixture.hpp"
#include "store/group_commit.hpp"
#include "store/status_search.hpp"

namespace herd {
namespace {

class PostGroupCommit : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    app.db = store::attach_group_commit(std::move(app.db));
    follow(bob, alice);
    follow(carol, alice);
  }

  service::NewStatus text(const std::string& words) {
    service::NewStatus in;
    in.text = words;
    in.visibility = "public";
    return in;
  }
};

TEST_F(PostGroupCommit, ConcurrentPostsReachEveryFollowerOnce) {
  constexpr int kThreads = 8, kEach = 5;
  std::mutex mutex;
  std::set<Id> posted;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto s = service::post_status(app, alice, text("post " + std::to_string(t * kEach + i)));
        std::lock_guard lock(mutex);
        posted.insert(s.id);
      }
    });
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(posted.size(), static_cast<size_t>(kThreads * kEach));
  for (Id reader : {alice, bob, carol}) {
    auto feed = home(reader);
    EXPECT_EQ(feed.size(), 40u) << reader;  // one page: all 40, none twice
    for (Id id : feed) EXPECT_TRUE(posted.count(id)) << reader;
  }
  EXPECT_TRUE(home(dave).empty());  // not a follower
  EXPECT_EQ(account_record(alice).statuses_count, kThreads * kEach);
  // The search documents, written at the end of each group (store::at_group_end): every post's.
  EXPECT_EQ(
      app.db->read_value([](store::Connection& c) { return store::count_search_documents(c); }),
      kThreads * kEach);
}

TEST_F(PostGroupCommit, AFailedPostGetsItsErrorAndTheOthersAreStored) {
  std::atomic<int> stored{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        auto in = text("post " + std::to_string(t) + "." + std::to_string(i));
        if (t % 2) in.in_reply_to_id = Id{12345};  // no such status
        try {
          service::post_status(app, alice, in);
          ++stored;
        } catch (const ApiError& error) {
          EXPECT_EQ(error.kind(), ErrorKind::not_found);
          EXPECT_STREQ(error.what(),
                       "The post you are trying to reply to does not appear to exist.");
          ++refused;
        }
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(stored, 12);
  EXPECT_EQ(refused, 12);
  EXPECT_EQ(home(bob).size(), 12u);
  EXPECT_EQ(account_record(alice).statuses_count, 12);
  EXPECT_EQ(
      app.db->read_value([](store::Connection& c) { return store::count_search_documents(c); }), 12)
      << "the refused posts' pieces, rolled back, leave no search document";
}

TEST_F(PostGroupCommit, OneIdempotencyKeyPostedAtOnceGivesOneStatus) {
  std::mutex mutex;
  std::set<Id> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      auto in = text("once");
      in.idempotency_key = "same-key";
      auto s = service::post_status(app, alice, in);
      std::lock_guard lock(mutex);
      ids.insert(s.id);
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(home(bob).size(), 1u);
  EXPECT_EQ(account_record(alice).statuses_count, 1);
}

TEST_F(PostGroupCommit, InsideAWriteThePostIsWrittenThere) {
  // A piece handed over from inside a write would wait for the writer this thread holds.
  bool grouped = true;
  app.db->write([&](store::Connection&) { grouped = store::run_in_group_commit(*app.db, [] {}); });
  EXPECT_FALSE(grouped);
  EXPECT_TRUE(store::run_in_group_commit(*app.db, [] {}));
}

}  // namespace
}  // namespace herd
