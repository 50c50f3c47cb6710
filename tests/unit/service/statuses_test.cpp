// Status actions (service/statuses) and notify(): validation, fan-out to home feeds, mentions and
// their notifications, counters, idempotency, favourites, reblogs, bookmarks and deletion.
#include "service/statuses.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "service/notifications.hpp"
#include "service/pins.hpp"
#include "service/search.hpp"
#include "status_fixture.hpp"
#include "store/notifications.hpp"

namespace herd {
namespace {

using store::Visibility;
using testing::contains;

class Statuses : public testing::StatusFixture {
 protected:
  store::Status post(Id author, const std::string& text, const std::string& visibility = "public",
                     std::optional<Id> reply_to = std::nullopt) {
    service::NewStatus in;
    in.text = text;
    in.visibility = visibility;
    in.in_reply_to_id = reply_to;
    return service::post_status(app, author, in);
  }
  int error_status(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ApiError& e) {
      return e.status();
    }
    return 200;
  }
  std::vector<store::Notification> notifications(Id account_id) {
    return app.db->read_value([&](store::Connection& c) {
      store::PageQuery page;
      page.limit = 80;
      return store::page_notifications(c, account_id, {}, page);
    });
  }
  int count_type(Id account_id, const std::string& type) {
    int n = 0;
    for (const auto& x : notifications(account_id)) n += x.type == type;
    return n;
  }
};

TEST_F(Statuses, Validation) {
  EXPECT_EQ(error_status([&] { post(alice, "  \n "); }), 422);
  EXPECT_EQ(error_status([&] { post(alice, std::string(501, 'x')); }), 422);
  EXPECT_EQ(error_status([&] { post(alice, std::string(500, 'x')); }), 200);
  EXPECT_EQ(error_status([&] { post(alice, "x", "everyone"); }), 422);
  EXPECT_EQ(error_status([&] { post(alice, "x", "public", 42); }), 404);
  auto hidden = post(alice, "secret", "direct");
  EXPECT_EQ(error_status([&] { post(bob, "x", "public", hidden.id); }), 404);
  service::NewStatus with_poll;
  with_poll.text = "x";
  with_poll.poll = service::NewPoll{{"only one"}, 3600, false, false};  // one option: 422
  EXPECT_EQ(error_status([&] { service::post_status(app, alice, with_poll); }), 422);
}

TEST_F(Statuses, FormatsMentionsAndTagsAndDefaults) {
  Id remote = account("zed", "remote.example");
  auto s = post(alice, "hi @bob and @zed@remote.example and @nobody #Herd #herd");
  EXPECT_EQ(s.visibility, Visibility::public_);
  EXPECT_EQ(s.uri, "https://example.test/users/alice/statuses/" + std::to_string(s.id));
  EXPECT_EQ(s.url, "https://example.test/@alice/" + std::to_string(s.id));
  EXPECT_EQ(s.language, std::optional<std::string>("en"));
  auto mentioned = app.db->read_value(
      [&](store::Connection& c) { return store::mentioned_account_ids(c, s.id); });
  EXPECT_TRUE(contains(mentioned, bob));
  EXPECT_TRUE(contains(mentioned, remote));
  EXPECT_EQ(mentioned.size(), 2u);
  auto tags = app.db->read_value(
      [&](store::Connection& c) { return store::load_tag_names(c, {s.id})[s.id]; });
  EXPECT_EQ(tags, std::vector<std::string>{"herd"});
  EXPECT_EQ(count_type(bob, "mention"), 1);
  EXPECT_EQ(account_record(alice).statuses_count, 1);
  EXPECT_TRUE(account_record(alice).last_status_at.has_value());
  // A content warning makes the status sensitive.
  service::NewStatus cw;
  cw.text = "x";
  cw.spoiler_text = "careful";
  EXPECT_TRUE(service::post_status(app, alice, cw).sensitive);
}

TEST_F(Statuses, FanOutRespectsVisibilityMutesAndBlocks) {
  follow(bob, alice);
  follow(carol, alice);
  follow(dave, alice);
  mute(carol, alice);
  block(dave, alice);
  auto pub = post(alice, "public");
  auto priv = post(alice, "private", "private");
  auto direct = post(alice, "hey @carol", "direct");
  EXPECT_TRUE(contains(home(alice), pub.id));
  EXPECT_TRUE(contains(home(bob), pub.id));
  EXPECT_TRUE(contains(home(bob), priv.id));
  EXPECT_FALSE(contains(home(bob), direct.id));
  EXPECT_FALSE(contains(home(carol), pub.id));     // muted the author
  EXPECT_FALSE(contains(home(dave), pub.id));      // blocked the author
  EXPECT_FALSE(contains(home(carol), direct.id));  // mentioned but muting
  EXPECT_EQ(count_type(carol, "mention"), 0);      // the mute hides notifications
  EXPECT_TRUE(contains(home(alice), direct.id));
  // Direct statuses do not count in statuses_count (Mastodon's counter cache).
  EXPECT_EQ(account_record(alice).statuses_count, 2);
}

TEST_F(Statuses, RepliesReachOnlyFollowersOfBothAccounts) {
  follow(bob, alice);
  follow(carol, alice);
  follow(carol, dave);
  auto parent = post(dave, "question");
  auto reply = post(alice, "@dave answer", "public", parent.id);
  EXPECT_EQ(reply.in_reply_to_account_id, std::optional<Id>(dave));
  EXPECT_TRUE(contains(home(carol), reply.id));
  EXPECT_FALSE(contains(home(bob), reply.id));
  EXPECT_EQ(status(parent.id).replies_count, 1);
  // Self-replies (threads) reach every follower.
  auto thread = post(alice, "more", "public", reply.id);
  EXPECT_TRUE(contains(home(bob), thread.id));
}

TEST_F(Statuses, IdempotencyKeyReturnsTheSameStatus) {
  service::NewStatus in;
  in.text = "once";
  in.idempotency_key = "k1";
  auto first = service::post_status(app, alice, in);
  auto second = service::post_status(app, alice, in);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(account_record(alice).statuses_count, 1);
  auto other = service::post_status(app, bob, in);  // keys are per account
  EXPECT_NE(other.id, first.id);
}

TEST_F(Statuses, FavouriteIsIdempotentAndNotifies) {
  auto s = post(alice, "like me");
  EXPECT_EQ(service::favourite(app, bob, s.id).favourites_count, 1);
  EXPECT_EQ(service::favourite(app, bob, s.id).favourites_count, 1);
  EXPECT_EQ(count_type(alice, "favourite"), 1);
  EXPECT_EQ(service::unfavourite(app, bob, s.id).favourites_count, 0);
  EXPECT_EQ(service::unfavourite(app, bob, s.id).favourites_count, 0);
  EXPECT_EQ(count_type(alice, "favourite"), 0);
  service::favourite(app, alice, s.id);  // own: counted, no notification
  EXPECT_EQ(status(s.id).favourites_count, 1);
  EXPECT_EQ(count_type(alice, "favourite"), 0);
  auto priv = post(alice, "private", "private");
  EXPECT_EQ(error_status([&] { service::favourite(app, dave, priv.id); }), 404);
  EXPECT_EQ(error_status([&] { service::bookmark(app, dave, priv.id); }), 404);
}

TEST_F(Statuses, ReblogFansOutAndUndoes) {
  follow(bob, carol);
  follow(dave, carol, /*show_reblogs=*/false);
  auto s = post(alice, "boost me");
  auto wrapper = service::reblog(app, carol, s.id, std::nullopt);
  EXPECT_EQ(wrapper.reblog_of_id, std::optional<Id>(s.id));
  EXPECT_EQ(service::reblog(app, carol, s.id, std::nullopt).id, wrapper.id);        // once
  EXPECT_EQ(service::reblog(app, carol, wrapper.id, std::nullopt).id, wrapper.id);  // via wrapper
  EXPECT_EQ(status(s.id).reblogs_count, 1);
  EXPECT_TRUE(contains(home(bob), wrapper.id));
  EXPECT_FALSE(contains(home(dave), wrapper.id));  // hides carol's reblogs
  EXPECT_TRUE(contains(home(carol), wrapper.id));
  EXPECT_EQ(count_type(alice, "reblog"), 1);
  EXPECT_EQ(account_record(carol).statuses_count, 1);

  auto original = service::unreblog(app, carol, s.id);
  EXPECT_EQ(original.id, s.id);
  EXPECT_EQ(original.reblogs_count, 0);
  EXPECT_FALSE(contains(home(bob), wrapper.id));
  EXPECT_EQ(count_type(alice, "reblog"), 0);
  EXPECT_EQ(account_record(carol).statuses_count, 0);
}

TEST_F(Statuses, ReblogOfPrivateOrDirectRefused) {
  follow(bob, alice);
  auto priv = post(alice, "private @carol", "private");
  auto direct = post(alice, "direct @carol", "direct");
  EXPECT_EQ(error_status([&] { service::reblog(app, bob, priv.id, std::nullopt); }), 403);
  EXPECT_EQ(error_status([&] { service::reblog(app, carol, direct.id, std::nullopt); }), 403);
  EXPECT_EQ(error_status([&] { service::reblog(app, dave, priv.id, std::nullopt); }), 404);
  EXPECT_EQ(status(priv.id).reblogs_count, 0);
  auto own = service::reblog(app, alice, priv.id, std::string("public"));
  EXPECT_EQ(own.visibility, Visibility::private_);  // keeps the original's audience
}

TEST_F(Statuses, DeleteRemovesEverythingAndRestoresCounters) {
  follow(bob, alice);
  auto parent = post(bob, "parent");
  auto s = post(alice, "@bob doomed #gone", "public", parent.id);
  service::favourite(app, carol, s.id);
  service::bookmark(app, carol, s.id);
  auto wrapper = service::reblog(app, carol, s.id, std::nullopt);
  EXPECT_EQ(status(parent.id).replies_count, 1);
  EXPECT_EQ(error_status([&] { service::delete_status(app, bob, s.id); }), 404);
  auto deleted = service::delete_status(app, alice, s.id);
  EXPECT_EQ(deleted.text, "@bob doomed #gone");
  app.db->read([&](store::Connection& c) {
    EXPECT_FALSE(store::find_status(c, s.id));
    EXPECT_FALSE(store::find_status(c, wrapper.id));
  });
  EXPECT_EQ(status(parent.id).replies_count, 0);
  EXPECT_EQ(account_record(alice).statuses_count, 0);
  EXPECT_EQ(account_record(carol).statuses_count, 0);
  EXPECT_FALSE(contains(home(bob), s.id));
  EXPECT_TRUE(notifications(alice).empty());
  EXPECT_EQ(count_type(bob, "mention"), 0);
}

TEST_F(Statuses, NotifySkipsSelfBlocksMutesAndRemoteAccounts) {
  Id remote = account("zed", "remote.example");
  auto n = [&](Id recipient, Id from) {
    return app.db->write_value([&](store::Connection& c) {
      return service::notify(app, c, recipient, from, "follow", std::nullopt).has_value();
    });
  };
  EXPECT_TRUE(n(alice, bob));
  EXPECT_FALSE(n(alice, alice));
  EXPECT_FALSE(n(remote, alice));
  block(alice, carol);
  EXPECT_FALSE(n(alice, carol));
  mute(alice, dave, /*hide_notifications=*/false);
  EXPECT_TRUE(n(alice, dave));
  mute(alice, dave, /*hide_notifications=*/true);
  EXPECT_FALSE(n(alice, dave));
}

TEST_F(Statuses, HomeFeedHidesBlockedAndMutedAuthors) {
  follow(bob, alice);
  follow(bob, carol);
  auto a = post(alice, "from alice");
  auto c = post(carol, "from carol");
  auto rb = service::reblog(app, carol, a.id, std::nullopt);  // bob already has a: not added
  EXPECT_FALSE(contains(home(bob), rb.id));
  mute(bob, alice);
  std::vector<Id> ids;
  app.db->read([&](store::Connection& conn) {
    store::PageQuery page;
    for (const auto& s :
         store::page_home_feed(conn, bob, store::hidden_account_ids(conn, bob), page))
      ids.push_back(s.id);
  });
  EXPECT_EQ(ids, std::vector<Id>{c.id});
}

TEST_F(Statuses, SubscribersGetStatusNotifications) {
  follow(bob, alice);
  follow(carol, alice);
  app.db->write(
      [&](store::Connection& c) { store::update_follow_options(c, bob, alice, true, true); });
  post(alice, "news");
  post(alice, "secret @bob", "direct");
  auto other = post(dave, "question");
  post(alice, "@dave answer", "public", other.id);  // a reply to someone else: no notification
  EXPECT_EQ(count_type(bob, "status"), 1);
  EXPECT_EQ(count_type(carol, "status"), 0);
}

TEST_F(Statuses, PinRules) {
  auto s = post(alice, "pin me");
  EXPECT_TRUE(service::pin(app, alice, s.id).pinned_at.has_value());
  EXPECT_TRUE(service::pin(app, alice, s.id).pinned_at.has_value());    // twice: no-op
  EXPECT_EQ(error_status([&] { service::pin(app, bob, s.id); }), 422);  // someone else's
  auto direct = post(alice, "dm @bob", "direct");
  EXPECT_EQ(error_status([&] { service::pin(app, alice, direct.id); }), 422);
  auto wrapper = service::reblog(app, alice, post(bob, "theirs").id, std::nullopt);
  EXPECT_EQ(error_status([&] { service::pin(app, alice, wrapper.id); }), 422);
  for (int i = 0; i < 4; ++i) service::pin(app, alice, post(alice, "more").id);
  EXPECT_EQ(error_status([&] { service::pin(app, alice, post(alice, "one too many").id); }), 422);
  EXPECT_FALSE(service::unpin(app, alice, s.id).pinned_at.has_value());
  EXPECT_FALSE(status(s.id).pinned_at.has_value());
}

TEST_F(Statuses, TagTimelineAnyAllNone) {
  auto ab = post(alice, "#a #b");
  auto a = post(alice, "#a");
  auto c = post(alice, "#c");
  post(alice, "#a unlisted", "unlisted");
  auto page = [&](store::TagQuery q) {
    std::vector<Id> ids;
    app.db->read([&](store::Connection& conn) {
      store::PageQuery p;
      for (const auto& s : store::page_tag_timeline(conn, q, {}, {}, p)) ids.push_back(s.id);
    });
    return ids;
  };
  EXPECT_EQ(page({{"a"}, {}, {}}), (std::vector<Id>{a.id, ab.id}));
  EXPECT_EQ(page({{"a", "c"}, {}, {}}), (std::vector<Id>{c.id, a.id, ab.id}));
  EXPECT_EQ(page({{"a"}, {"b"}, {}}), std::vector<Id>{ab.id});
  EXPECT_EQ(page({{"a"}, {}, {"b"}}), std::vector<Id>{a.id});
}

TEST_F(Statuses, SearchDocumentWrittenFromTheRowIsTheOneReadBack) {
  // Posting and receiving write the search document from the status in hand
  // (service::index_new_status); rebuilding the index reads the rows back: the same documents.
  service::NewStatus cw;
  cw.text = "Spoiled <b>ending</b> of #films @bob";
  cw.spoiler_text = "The ending";
  auto posted = service::post_status(app, alice, cw);
  Id remote = account("zed", "remote.test");
  store::Status in;
  in.id = next_id();
  in.account_id = remote;
  in.uri = in.url = "https://remote.test/notes/1";
  in.content = "<p>Hello <a href=\"https://remote.test/tags/cats\">#cats</a> &amp; dogs</p>";
  in.spoiler_text = "pets";
  in.created_at = now_unix_ms();
  auto received = service::receive_status(app, in, {}, {"cats"});
  auto documents = [&] {
    std::vector<std::string> out;
    app.db->read([&](store::Connection& c) {
      for (Id id : {posted.id, received.id})
        for (const auto& row :
             c.query("SELECT document FROM status_search WHERE rowid = ?", {store::Value(id)}).rows)
          out.push_back(row.s(0));
    });
    return out;
  };
  auto written = documents();
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0], "The ending\nSpoiled <b>ending</b> of #films @bob");
  EXPECT_EQ(written[1], "pets\nHello #cats & dogs");
  service::rebuild_search_index(app, 10);
  EXPECT_EQ(documents(), written);
}

}  // namespace
}  // namespace herd
