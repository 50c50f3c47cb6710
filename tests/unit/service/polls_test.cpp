// Polls (service/polls and store/polls): validation with Mastodon's messages, storage and batched
// loading, votes and their rules, the end of a poll (a job: notifications once), remote polls
// (stored, refreshed, local votes delivered) and remote votes in local polls, the Poll entity.
#include "service/polls.hpp"

#include <gtest/gtest.h>

#include "api/mastodon/entities.hpp"
#include "core/error.hpp"
#include "service/statuses.hpp"
#include "status_fixture.hpp"
#include "store/federation.hpp"
#include "store/notifications.hpp"
#include "store/polls.hpp"

namespace herd {
namespace {

using store::Visibility;

class Polls : public testing::StatusFixture {
 protected:
  store::Status post_poll(Id author, std::vector<std::string> options, bool multiple = false,
                          bool hide_totals = false, const std::string& visibility = "public") {
    service::NewStatus in;
    in.text = "Which one?";
    in.visibility = visibility;
    in.poll = service::NewPoll{std::move(options), 3600, multiple, hide_totals};
    return service::post_status(app, author, in);
  }
  store::Poll poll_of(const store::Status& s) {
    return *app.db->read_value(
        [&](store::Connection& c) { return store::find_poll_by_status(c, s.id); });
  }
  store::Poll poll(Id id) {
    return *app.db->read_value([&](store::Connection& c) { return store::find_poll(c, id); });
  }
  // The HTTP status of an action (200 when it succeeds) and the error message.
  std::pair<int, std::string> outcome(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ApiError& e) {
      return {e.status(), e.what()};
    }
    return {200, ""};
  }
  int count_type(Id account_id, const std::string& type) {
    return app.db->read_value([&](store::Connection& c) {
      store::PageQuery page;
      page.limit = 80;
      int n = 0;
      for (const auto& x : store::page_notifications(c, account_id, {}, page)) n += x.type == type;
      return n;
    });
  }
  std::int64_t jobs(std::string_view queue) {
    return app.db->read_value([&](store::Connection& c) { return store::count_jobs(c, queue); });
  }
  std::pair<int, std::string> validation(std::vector<std::string> options,
                                         std::optional<std::int64_t> expires_in,
                                         bool with_media = false) {
    return outcome([&] {
      service::validate_poll(service::NewPoll{std::move(options), expires_in, false, false},
                             with_media);
    });
  }
};

TEST_F(Polls, ValidationAsMastodon) {
  EXPECT_EQ(validation({"a", "b"}, 300).first, 200);
  EXPECT_EQ(validation({"a", "b", "c", "d"}, 2629746).first, 200);
  EXPECT_EQ(validation({"a"}, 3600),
            std::make_pair(422, std::string("Validation failed: Poll options must have more than "
                                            "one item")));
  EXPECT_EQ(validation({"a", " ", ""}, 3600).first, 422);  // blank options are dropped
  EXPECT_EQ(validation({"a", "b", "c", "d", "e"}, 3600).second,
            "Validation failed: Poll options can't contain more than 4 items");
  EXPECT_EQ(validation({"a", std::string(51, 'x')}, 3600).second,
            "Validation failed: Poll options cannot be longer than 50 characters each");
  EXPECT_EQ(validation({"a", std::string(50, 'x')}, 3600).first, 200);
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "é";  // 50 characters, 100 bytes
  EXPECT_EQ(validation({"a", accents}, 3600).first, 200);
  EXPECT_EQ(validation({"a", " a "}, 3600).second,
            "Validation failed: Poll options contain duplicate items");
  EXPECT_EQ(validation({"a", "b"}, 299).second, "Validation failed: Poll expires at is too soon");
  EXPECT_EQ(validation({"a", "b"}, 2629747).second,
            "Validation failed: Poll expires at is too far into the future");
  EXPECT_EQ(validation({"a", "b"}, std::nullopt).first, 422);
  EXPECT_EQ(validation({"a", "b"}, 3600, true).first, 422);  // no media with a poll

  service::NewStatus with_media;
  with_media.text = "x";
  with_media.media_ids = {"1"};
  with_media.poll = service::NewPoll{{"a", "b"}, 3600, false, false};
  EXPECT_EQ(outcome([&] { service::post_status(app, alice, with_media); }).first, 422);
}

TEST_F(Polls, PostedWithTheStatusAndLoadedInOneBatch) {
  std::int64_t before = now_unix_ms();
  auto s = post_poll(alice, {" Tea ", "Coffee", ""}, true, true);
  store::Poll p = poll_of(s);
  ASSERT_EQ(p.options.size(), 2u);
  EXPECT_EQ(p.options[0].title, "Tea");
  EXPECT_EQ(p.options[1].title, "Coffee");
  EXPECT_TRUE(p.multiple);
  EXPECT_TRUE(p.hide_totals);
  EXPECT_EQ(p.account_id, alice);
  EXPECT_EQ(p.voters_count, std::optional<std::int64_t>(0));
  ASSERT_TRUE(p.expires_at);
  EXPECT_GE(*p.expires_at, before + 3600 * 1000);
  EXPECT_LE(*p.expires_at, now_unix_ms() + 3600 * 1000);
  EXPECT_EQ(jobs(service::kPollQueue), 1);  // its end is scheduled

  service::NewStatus no_poll;
  no_poll.text = "no poll here";
  auto plain = service::post_status(app, bob, no_poll);
  auto other = post_poll(bob, {"x", "y", "z"});
  auto polls = app.db->read_value([&](store::Connection& c) {
    return store::load_status_polls(c, {s.id, plain.id, other.id});
  });
  EXPECT_EQ(polls.size(), 2u);
  EXPECT_EQ(polls.at(other.id).options.size(), 3u);
  EXPECT_EQ(polls.at(s.id).id, p.id);
}

TEST_F(Polls, VotesCountAndFollowTheRules) {
  auto s = post_poll(alice, {"a", "b", "c"});
  Id id = poll_of(s).id;
  auto cast = [&](Id who, std::vector<std::string> choices) {
    return outcome([&] { service::vote(app, who, id, choices); });
  };
  EXPECT_EQ(cast(bob, {"1"}).first, 200);
  store::Poll p = poll(id);
  EXPECT_EQ(p.options[1].votes_count, 1);
  EXPECT_EQ(p.votes_count, 1);
  EXPECT_EQ(p.voters_count, std::optional<std::int64_t>(1));
  EXPECT_EQ(cast(bob, {"2"}).second, "Validation failed: You have already voted on this poll");
  EXPECT_EQ(cast(carol, {"3"}).second, "Validation failed: The chosen vote option does not exist");
  EXPECT_EQ(cast(carol, {"x"}).first, 422);
  EXPECT_EQ(cast(carol, {}).first, 400);
  EXPECT_EQ(cast(alice, {"0"}).second, "Validation failed: You cannot vote in your own polls");
  // Two choices in a single-choice poll: refused, nothing stored.
  EXPECT_EQ(cast(carol, {"0", "2"}).first, 422);
  EXPECT_EQ(poll(id).votes_count, 1);
  EXPECT_EQ(cast(carol, {"0"}).first, 200);
  EXPECT_EQ(poll(id).voters_count, std::optional<std::int64_t>(2));
  EXPECT_EQ(outcome([&] { service::vote(app, bob, 424242, {"0"}); }).first, 404);

  auto own = app.db->read_value(
      [&](store::Connection& c) { return store::own_votes_among(c, bob, {id}); });
  EXPECT_EQ(own[id], std::vector<int>{1});

  // Blocks: 403; a private poll of someone one does not follow: 404.
  block(alice, dave);
  EXPECT_EQ(cast(dave, {"0"}).first, 404);  // a blocked viewer cannot even see it
  auto private_poll = post_poll(bob, {"a", "b"}, false, false, "private");
  Id private_id = poll_of(private_poll).id;
  EXPECT_EQ(outcome([&] { service::vote(app, carol, private_id, {"0"}); }).first, 404);
  follow(carol, bob);
  block(carol, bob);
  EXPECT_EQ(outcome([&] { service::vote(app, carol, private_id, {"0"}); }).first, 403);
}

TEST_F(Polls, MultipleChoice) {
  auto s = post_poll(alice, {"a", "b", "c"}, true);
  Id id = poll_of(s).id;
  EXPECT_EQ(outcome([&] { service::vote(app, bob, id, {"0", "2"}); }).first, 200);
  EXPECT_EQ(outcome([&] { service::vote(app, bob, id, {"2"}); }).first, 422);
  EXPECT_EQ(outcome([&] { service::vote(app, carol, id, {"1", "1"}); }).first, 422);
  store::Poll p = poll(id);
  EXPECT_EQ(p.votes_count, 2);
  EXPECT_EQ(p.voters_count, std::optional<std::int64_t>(1));
  EXPECT_EQ(p.options[0].votes_count, 1);
  EXPECT_EQ(p.options[1].votes_count, 0);
  EXPECT_EQ(p.options[2].votes_count, 1);
}

TEST_F(Polls, EndingNotifiesOnceAndRefusesLateVotes) {
  auto s = post_poll(alice, {"a", "b"});
  Id id = poll_of(s).id;
  service::vote(app, bob, id, {"0"});
  service::vote(app, carol, id, {"1"});
  std::int64_t now = now_unix_ms();
  EXPECT_EQ(service::run_poll_jobs(app, now), 0);  // nothing due yet (updates are debounced)
  std::int64_t later = now + 3601 * 1000;
  EXPECT_GE(service::run_poll_jobs(app, later), 1);
  EXPECT_TRUE(poll(id).closed_at);
  EXPECT_EQ(count_type(alice, "poll"), 1);
  EXPECT_EQ(count_type(bob, "poll"), 1);
  EXPECT_EQ(count_type(carol, "poll"), 1);
  EXPECT_EQ(count_type(dave, "poll"), 0);
  EXPECT_EQ(jobs(service::kPollQueue), 0);
  EXPECT_EQ(service::run_poll_jobs(app, later + 1000), 0);
  EXPECT_EQ(count_type(bob, "poll"), 1);
}

TEST_F(Polls, RemotePollsAndVotes) {
  Id zed = account("zed", "remote.example");
  app.db->write([&](store::Connection& c) {
    auto a = *store::find_account(c, zed);
    a.inbox_url = "https://remote.example/users/zed/inbox";
    store::update_remote_account(c, a);
  });
  auto status = raw_status(zed, Visibility::public_);
  app.db->write([&](store::Connection& c) {
    store::set_status_origin(c, status.id, status.uri, status.url, false, Visibility::public_);
  });
  status = this->status(status.id);
  store::Poll incoming;
  incoming.options = {{"Yes", 4}, {"No", 2}};
  incoming.expires_at = now_unix_ms() + 600'000;
  incoming.voters_count = 6;
  incoming.uri = status.uri;
  service::receive_poll(app, status, incoming);
  store::Poll stored = poll_of(status);
  EXPECT_EQ(stored.votes_count, 6);
  EXPECT_EQ(stored.account_id, zed);

  // A local vote: counted here, delivered to the author as Create(Note), end scheduled.
  std::int64_t deliveries = jobs("deliveries");
  service::vote(app, bob, stored.id, {"1"});
  EXPECT_EQ(poll(stored.id).options[1].votes_count, 3);
  EXPECT_EQ(jobs("deliveries"), deliveries + 1);
  EXPECT_EQ(jobs(service::kPollQueue), 1);

  // New counts from the author (Update(Question)), then renamed options: votes reset.
  incoming.options = {{"Yes", 10}, {"No", 5}};
  incoming.voters_count = 15;
  service::refresh_poll(app, status, incoming);
  store::Poll refreshed = poll(stored.id);
  EXPECT_EQ(refreshed.votes_count, 15);
  EXPECT_EQ(refreshed.voters_count, std::optional<std::int64_t>(15));
  EXPECT_EQ(refreshed.options[0].votes_count, 10);
  EXPECT_TRUE(app.db->read_value(
      [&](store::Connection& c) { return store::has_voted(c, stored.id, bob); }));
  incoming.options = {{"Oui", 1}, {"Non", 0}};
  service::refresh_poll(app, status, incoming);
  EXPECT_EQ(poll(stored.id).options[0].title, "Oui");
  EXPECT_FALSE(app.db->read_value(
      [&](store::Connection& c) { return store::has_voted(c, stored.id, bob); }));

  // A remote vote in a local poll: by the option's title, once.
  auto local = post_poll(alice, {"red", "blue"});
  EXPECT_TRUE(service::receive_vote(app, zed, local, "blue", "https://remote.example/v/1"));
  EXPECT_FALSE(service::receive_vote(app, zed, local, "blue", "https://remote.example/v/2"));
  EXPECT_FALSE(service::receive_vote(app, zed, local, "green", "https://remote.example/v/3"));
  store::Poll counted = poll_of(local);
  EXPECT_EQ(counted.options[1].votes_count, 1);
  EXPECT_EQ(counted.voters_count, std::optional<std::int64_t>(1));
  auto remote_voters = app.db->read_value(
      [&](store::Connection& c) { return store::remote_voter_ids(c, counted.id); });
  EXPECT_EQ(remote_voters, std::vector<Id>{zed});
}

TEST_F(Polls, DeletedWithItsStatus) {
  auto s = post_poll(alice, {"a", "b"});
  Id id = poll_of(s).id;
  service::vote(app, bob, id, {"0"});
  service::delete_status(app, alice, s.id);
  EXPECT_FALSE(app.db->read_value([&](store::Connection& c) { return store::find_poll(c, id); }));
  EXPECT_FALSE(
      app.db->read_value([&](store::Connection& c) { return store::has_voted(c, id, bob); }));
  // Its end and its count update are still queued: they find nothing to do.
  EXPECT_EQ(service::run_poll_jobs(app, now_unix_ms() + 3601 * 1000), 2);
  EXPECT_EQ(count_type(bob, "poll"), 0);
}

TEST_F(Polls, EntityHidesTotalsAndShowsTheViewersVotes) {
  auto s = post_poll(alice, {"a", "b"}, false, true);
  Id id = poll_of(s).id;
  service::vote(app, bob, id, {"1"});
  store::Poll p = poll(id);
  auto for_bob = api::poll_json(p, bob, {1});
  EXPECT_EQ(for_bob.at("id"), boost::json::value(std::to_string(id)));
  EXPECT_TRUE(for_bob.at("options").as_array()[1].at("votes_count").is_null());
  EXPECT_EQ(for_bob.at("votes_count").to_number<std::int64_t>(), 1);
  EXPECT_EQ(for_bob.at("voted"), true);
  EXPECT_EQ(for_bob.at("own_votes"), (boost::json::array{1}));
  EXPECT_EQ(for_bob.at("expired"), false);
  EXPECT_EQ(api::poll_json(p, alice, {}).at("voted"), true);  // the author
  EXPECT_EQ(api::poll_json(p, carol, {}).at("voted"), false);
  auto anonymous = api::poll_json(p, 0, {});
  EXPECT_FALSE(anonymous.contains("voted"));
  EXPECT_FALSE(anonymous.contains("own_votes"));
  p.expires_at = now_unix_ms() - 1;
  auto ended = api::poll_json(p, 0, {});
  EXPECT_EQ(ended.at("expired"), true);
  EXPECT_EQ(ended.at("options").as_array()[1].at("votes_count").to_number<std::int64_t>(), 1);

  // Rendered on its status for its viewer.
  store::Status stored = status(s.id);
  auto rendered = app.db->read_value(
      [&](store::Connection& c) { return api::StatusRenderer(app, c, bob).render_one(stored); });
  ASSERT_TRUE(rendered.at("poll").is_object());
  EXPECT_EQ(rendered.at("poll").at("own_votes"), (boost::json::array{1}));
}

}  // namespace
}  // namespace herd
