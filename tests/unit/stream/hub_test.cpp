// The stream hub and its routing rules: events serialise for NOTIFY (split when long), follow the
// transaction (nothing on rollback), and status/notification actions reach the right channels
// (home feeds, public and hashtag streams only for public statuses, notifications). What a
// delivered event shares between connections: payloads made once per viewer and kept while
// claimed, messages made once per key, and whom it is hidden from (the viewer's own rule, for all
// viewers in one query).
#include "stream/hub.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "../service/status_fixture.hpp"
#include "service/notifications.hpp"
#include "service/relationships.hpp"
#include "service/statuses.hpp"
#include "store/group_commit.hpp"
#include "store/stream.hpp"
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

TEST(StreamPublished, MakesEachPayloadOnceWhileClaimedAndEachMessageOnce) {
  auto published = std::make_shared<const stream::Published>(stream::Event{"update", 7, 0, {}, {}});
  int renders = 0;
  auto render = [&](const stream::Event& event,
                    stream::Published::Audience as) -> std::optional<std::string> {
    ++renders;
    return std::to_string(event.object_id) + " for " + std::to_string(as.viewer) +
           (as.public_context ? " in public" : "");
  };
  {
    auto first = published->claim(2), second = published->claim(2), carol = published->claim(3);
    auto a = published->payload({2}, render);
    auto b = published->payload({2}, render);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, "7 for 2");
    EXPECT_EQ(a, b);  // the same bytes
    EXPECT_EQ(*published->payload({3}, render), "7 for 3");
    EXPECT_EQ(renders, 2);
    first.reset();
    published->payload({2}, render);  // still claimed by `second`
    EXPECT_EQ(renders, 2);
  }
  published->payload({2}, render);  // every claim let go: made again, and not kept
  published->payload({2}, render);
  EXPECT_EQ(renders, 4);
  // The anonymous payload (public streams) needs no claim: made once, kept with the event.
  EXPECT_FALSE(published->claim(0));
  auto anonymous = published->payload({0}, render);
  EXPECT_EQ(*anonymous, "7 for 0");
  EXPECT_EQ(published->payload({0}, render), anonymous);
  EXPECT_EQ(renders, 5);
  // A viewer's payload in the public context (their public filters) is made for each call, even
  // while the viewer's home payload is claimed, and never taken for it.
  {
    auto claimed = published->claim(2);
    EXPECT_EQ(*published->payload({2}, render), "7 for 2");
    EXPECT_EQ(*published->payload({2, true}, render), "7 for 2 in public");
    EXPECT_EQ(*published->payload({2, true}, render), "7 for 2 in public");
    EXPECT_EQ(*published->payload({2}, render), "7 for 2");
    EXPECT_EQ(renders, 8);
  }

  int made = 0;
  auto make = [&]() -> std::optional<std::string> { return "frame " + std::to_string(++made); };
  auto ws = published->message("ws", make);
  EXPECT_EQ(published->message("ws", make), ws);
  EXPECT_EQ(*published->message("sse", make), "frame 2");
  EXPECT_EQ(*ws, "frame 1");
  EXPECT_FALSE(published->message("gone", [] { return std::optional<std::string>(); }));
}

TEST_F(StreamHub, AnEventIsHiddenFromExactlyTheViewersThatHideOneOfItsAccounts) {
  Id remote = account("eve", "elsewhere.test");
  Id frank = account("frank");
  block(bob, alice);                                    // bob blocks the author
  block(alice, carol);                                  // the author blocks carol
  mute(dave, remote);                                   // dave mutes a mentioned account
  service::block_domain(app, frank, "elsewhere.test");  // frank blocks its domain
  std::vector<Id> accounts = {alice, remote};
  auto hiding = app.db->read_value(
      [&](store::Connection& c) { return store::accounts_hiding_any(c, accounts); });
  for (Id viewer : {alice, bob, carol, dave, frank, remote}) {
    auto hidden = app.db->read_value(
        [&](store::Connection& c) { return store::hidden_account_ids(c, viewer); });
    bool one_hidden = std::any_of(accounts.begin(), accounts.end(), [&](Id id) {
      return std::find(hidden.begin(), hidden.end(), id) != hidden.end();
    });
    bool in_result = std::find(hiding.begin(), hiding.end(), viewer) != hiding.end();
    EXPECT_EQ(in_result, one_hidden) << viewer;
  }
  std::sort(hiding.begin(), hiding.end());
  std::vector<Id> expected = {bob, carol, dave, frank};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(hiding, expected);

  auto published = std::make_shared<const stream::Published>(
      stream::Event{"update", 1, 0, accounts, {"public"}});
  int loads = 0;
  auto load = [&](const stream::Event& event) {
    ++loads;
    return app.db->read_value(
        [&](store::Connection& c) { return store::accounts_hiding_any(c, event.accounts); });
  };
  EXPECT_TRUE(published->hidden_from(bob, load));
  EXPECT_FALSE(published->hidden_from(alice, load));
  EXPECT_TRUE(published->hidden_from(frank, load));
  EXPECT_EQ(loads, 1);  // one query for every viewer
}

}  // namespace
}  // namespace herd
