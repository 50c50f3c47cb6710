// The stream hub and its routing rules: events serialise for NOTIFY (split when long), follow the
// transaction (nothing on rollback), and status/notification actions reach the right channels
// (home feeds, public and hashtag streams only for public statuses, notifications).
#include "stream/hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../service/status_fixture.hpp"
#include "service/notifications.hpp"
#include "service/relationships.hpp"
#include "service/statuses.hpp"
#include "store/group_commit.hpp"
#include "stream/event.hpp"
#include "stream/publish.hpp"

namespace herd {
namespace {

struct Received {
  std::string channel, name;
  Id object_id;
};

class Recorder final : public stream::Subscriber {
 public:
  void deliver(const std::string& channel,
               const std::shared_ptr<const stream::Published>& event) override {
    received.push_back({channel, event->event().name, event->event().object_id});
  }
  int count(const std::string& channel, const std::string& name, Id id) const {
    int n = 0;
    for (const auto& r : received) n += r.channel == channel && r.name == name && r.object_id == id;
    return n;
  }
  std::vector<Received> received;
};

TEST(StreamEvent, SerializesAndSplitsLongChannelLists) {
  stream::Event event;
  event.name = "update";
  event.object_id = 1234567890123;
  event.accounts = {1, 2};
  for (int i = 0; i < 2000; ++i) event.channels.push_back(stream::user_channel(100000000000 + i));
  auto messages = stream::serialize(event, 7000);
  ASSERT_GT(messages.size(), 1u);
  std::size_t channels = 0;
  for (const auto& message : messages) {
    EXPECT_LE(message.size(), 7000u);
    auto parsed = stream::parse(message);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->name, "update");
    EXPECT_EQ(parsed->object_id, event.object_id);
    EXPECT_EQ(parsed->accounts, event.accounts);
    channels += parsed->channels.size();
  }
  EXPECT_EQ(channels, event.channels.size());
  EXPECT_FALSE(stream::parse("{}"));
  EXPECT_FALSE(stream::parse("not json"));
  EXPECT_EQ(stream::hashtag_channel("FooBar", true), "hashtag:foobar:local");
}

class StreamHub : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    app.db = hub.attach(std::move(app.db));
    app.stream = &hub;
    recorder = std::make_shared<Recorder>();
  }
  void listen(const std::string& channel) { hub.subscribe(channel, recorder); }
  store::Status post(Id author, const std::string& text, const std::string& visibility = "public") {
    service::NewStatus in;
    in.text = text;
    in.visibility = visibility;
    return service::post_status(app, author, in);
  }

  stream::Hub hub;
  std::shared_ptr<Recorder> recorder;
};

TEST_F(StreamHub, StatusesReachHomeFeedsAndPublicStreamsByVisibility) {
  follow(bob, alice);
  for (const char* channel :
       {"public", "public:local", "public:remote", "hashtag:cats", "hashtag:cats:local"})
    listen(channel);
  listen(stream::user_channel(alice));
  listen(stream::user_channel(bob));
  listen(stream::user_channel(carol));

  auto open = post(alice, "hello #Cats");
  EXPECT_EQ(recorder->count(stream::user_channel(alice), "update", open.id), 1);
  EXPECT_EQ(recorder->count(stream::user_channel(bob), "update", open.id), 1);
  EXPECT_EQ(recorder->count(stream::user_channel(carol), "update", open.id), 0);
  EXPECT_EQ(recorder->count("public", "update", open.id), 1);
  EXPECT_EQ(recorder->count("public:local", "update", open.id), 1);
  EXPECT_EQ(recorder->count("public:remote", "update", open.id), 0);
  EXPECT_EQ(recorder->count("hashtag:cats", "update", open.id), 1);
  EXPECT_EQ(recorder->count("hashtag:cats:local", "update", open.id), 1);

  for (const char* visibility : {"unlisted", "private"}) {
    auto quiet = post(alice, "quiet #cats", visibility);
    EXPECT_EQ(recorder->count(stream::user_channel(bob), "update", quiet.id), 1) << visibility;
    EXPECT_EQ(recorder->count("public", "update", quiet.id), 0) << visibility;
    EXPECT_EQ(recorder->count("hashtag:cats", "update", quiet.id), 0) << visibility;
  }

  auto reblog = service::reblog(app, carol, open.id, std::nullopt);
  EXPECT_EQ(recorder->count(stream::user_channel(carol), "update", reblog.id), 1);
  EXPECT_EQ(recorder->count("public", "update", reblog.id), 0);

  app.db->write([&](store::Connection& c) { stream::status_updated(app, c, open); });
  EXPECT_EQ(recorder->count(stream::user_channel(bob), "status.update", open.id), 1);
  EXPECT_EQ(recorder->count("hashtag:cats", "status.update", open.id), 1);

  service::delete_status(app, alice, open.id);
  EXPECT_EQ(recorder->count(stream::user_channel(alice), "delete", open.id), 1);
  EXPECT_EQ(recorder->count(stream::user_channel(bob), "delete", open.id), 1);
  EXPECT_EQ(recorder->count("public", "delete", open.id), 1);
  EXPECT_EQ(recorder->count("hashtag:cats", "delete", open.id), 1);
  EXPECT_EQ(recorder->count(stream::user_channel(carol), "delete", reblog.id), 1);
}

TEST_F(StreamHub, NotificationsReachTheRecipient) {
  listen(stream::notification_channel(bob));
  listen(stream::notification_channel(alice));
  auto mention = post(alice, "hi @bob");
  ASSERT_EQ(recorder->received.size(), 1u);
  EXPECT_EQ(recorder->received[0].channel, stream::notification_channel(bob));
  EXPECT_EQ(recorder->received[0].name, "notification");
  service::favourite(app, bob, mention.id);
  ASSERT_EQ(recorder->received.size(), 2u);
  EXPECT_EQ(recorder->received[1].channel, stream::notification_channel(alice));
}

TEST_F(StreamHub, NothingIsSentWhenTheTransactionRollsBack) {
  listen("public");
  stream::Event event;
  event.name = "update";
  event.object_id = 42;
  event.channels = {"public"};
  EXPECT_THROW(app.db->write([&](store::Connection&) {
    hub.publish(event);
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  EXPECT_TRUE(recorder->received.empty());
  app.db->write([&](store::Connection&) {
    hub.publish(event);
    EXPECT_TRUE(recorder->received.empty());  // not before the commit
  });
  EXPECT_EQ(recorder->received.size(), 1u);
  hub.publish(event);  // outside a write: at once
  EXPECT_EQ(recorder->received.size(), 2u);
  hub.unsubscribe_all(recorder.get());
  EXPECT_EQ(hub.subscription_count(), 0u);
}

TEST_F(StreamHub, NothingIsSentForAPieceOfAGroupCommitRolledBack) {
  app.db = store::attach_group_commit(std::move(app.db));
  listen("public");
  auto event = [](Id id) {
    stream::Event e;
    e.name = "update";
    e.object_id = id;
    e.channels = {"public"};
    return e;
  };
  std::atomic<int> rolled_back{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)  // pieces that fail after publishing, beside pieces that commit
    threads.emplace_back([&, t] {
      bool applied = store::run_in_group_commit(*app.db, [&] {
        app.db->write([&](store::Connection&) { hub.publish(event(100 + t)); });
        if (t % 2) throw std::runtime_error("rolled back");
      });
      if (!applied) ++rolled_back;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(rolled_back, 3);
  ASSERT_EQ(recorder->received.size(), 3u);
  for (const auto& r : recorder->received) EXPECT_EQ(r.object_id % 2, 0) << r.object_id;
}

}  // namespace
}  // namespace herd
