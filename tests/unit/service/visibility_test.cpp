// Who may see a status (service/visibility): the pure rule, then the rule applied to stored
// statuses, follows, mentions, blocks, suspensions and reblogs; and the account statuses page that
// applies the same rule in SQL.
#include "service/visibility.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "status_fixture.hpp"

namespace herd {
namespace {

using service::ViewerFacts;
using service::visible;
using store::Visibility;
using testing::contains;

ViewerFacts anonymous() {
  return ViewerFacts{};
}
ViewerFacts signed_in() {
  ViewerFacts f;
  f.signed_in = true;
  return f;
}

// ---- the rule -----------------------------------------------------------------------------------

TEST(VisibilityRule, PublicAndUnlistedForEveryone) {
  for (Visibility v : {Visibility::public_, Visibility::unlisted}) {
    EXPECT_TRUE(visible(v, anonymous()));
    EXPECT_TRUE(visible(v, signed_in()));
  }
}

TEST(VisibilityRule, PublicHiddenFromAViewerTheAuthorBlocks) {
  ViewerFacts f = signed_in();
  f.blocked_by_author = true;
  EXPECT_FALSE(visible(Visibility::public_, f));
  EXPECT_FALSE(visible(Visibility::unlisted, f));
}

TEST(VisibilityRule, PrivateForFollowersAndMentionedOnly) {
  EXPECT_FALSE(visible(Visibility::private_, anonymous()));
  EXPECT_FALSE(visible(Visibility::private_, signed_in()));
  ViewerFacts follower = signed_in();
  follower.follows_author = true;
  EXPECT_TRUE(visible(Visibility::private_, follower));
  ViewerFacts mentioned = signed_in();
  mentioned.mentioned = true;
  EXPECT_TRUE(visible(Visibility::private_, mentioned));
}

TEST(VisibilityRule, DirectForMentionedOnlyNotFollowers) {
  ViewerFacts follower = signed_in();
  follower.follows_author = true;
  EXPECT_FALSE(visible(Visibility::direct, follower));
  EXPECT_FALSE(visible(Visibility::direct, anonymous()));
  ViewerFacts mentioned = signed_in();
  mentioned.mentioned = true;
  EXPECT_TRUE(visible(Visibility::direct, mentioned));
}

TEST(VisibilityRule, AuthorSeesOwnUnlessSuspended) {
  ViewerFacts author = signed_in();
  author.is_author = true;
  for (Visibility v :
       {Visibility::public_, Visibility::unlisted, Visibility::private_, Visibility::direct})
    EXPECT_TRUE(visible(v, author));
  author.author_suspended = true;
  EXPECT_FALSE(visible(Visibility::public_, author));
  ViewerFacts anyone;
  anyone.author_suspended = true;
  EXPECT_FALSE(visible(Visibility::public_, anyone));
}

// ---- the rule on stored data --------------------------------------------------------------------

class StoredVisibility : public testing::StatusFixture {
 protected:
  bool sees(Id viewer, const store::Status& s) {
    return app.db->read_value([&](store::Connection& c) { return service::can_see(c, viewer, s); });
  }
  bool may_reblog(Id viewer, const store::Status& s) {
    return app.db->read_value(
        [&](store::Connection& c) { return service::can_reblog(c, viewer, s); });
  }
};

TEST_F(StoredVisibility, PrivateStatus) {
  follow(bob, alice);
  auto s = raw_status(alice, Visibility::private_, {carol});
  EXPECT_TRUE(sees(alice, s));
  EXPECT_TRUE(sees(bob, s));    // follower
  EXPECT_TRUE(sees(carol, s));  // mentioned
  EXPECT_FALSE(sees(dave, s));  // stranger
  EXPECT_FALSE(sees(0, s));     // anonymous
}

TEST_F(StoredVisibility, DirectStatus) {
  follow(bob, alice);
  auto s = raw_status(alice, Visibility::direct, {carol});
  EXPECT_TRUE(sees(alice, s));
  EXPECT_TRUE(sees(carol, s));
  EXPECT_FALSE(sees(bob, s));  // a follower who is not mentioned
  EXPECT_FALSE(sees(dave, s));
  EXPECT_FALSE(sees(0, s));
}

TEST_F(StoredVisibility, PublicAndUnlistedWithBlocks) {
  auto pub = raw_status(alice, Visibility::public_);
  auto unlisted = raw_status(alice, Visibility::unlisted);
  EXPECT_TRUE(sees(0, pub));
  EXPECT_TRUE(sees(dave, unlisted));
  block(alice, dave);
  EXPECT_FALSE(sees(dave, pub));
  EXPECT_FALSE(sees(dave, unlisted));
  EXPECT_TRUE(sees(0, pub));  // the block is about dave, not about the status
  // Bob blocking alice does not hide her public posts from him (Mastodon's rule).
  block(bob, alice);
  EXPECT_TRUE(sees(bob, pub));
}

TEST_F(StoredVisibility, SuspendedAuthorHiddenFromEveryone) {
  auto s = raw_status(alice, Visibility::public_);
  app.db->write([&](store::Connection& c) {
    c.query("UPDATE accounts SET suspended = 1 WHERE id = ?", {store::Value(alice)});
  });
  EXPECT_FALSE(sees(0, s));
  EXPECT_FALSE(sees(bob, s));
  EXPECT_FALSE(sees(alice, s));
}

TEST_F(StoredVisibility, ReblogNeedsTheOriginalVisibleToo) {
  auto original = raw_status(alice, Visibility::public_);
  store::Status wrapper = raw_status(bob, Visibility::public_);
  app.db->write([&](store::Connection& c) {
    c.query("UPDATE statuses SET reblog_of_id = ? WHERE id = ?",
            {store::Value(original.id), store::Value(wrapper.id)});
  });
  wrapper.reblog_of_id = original.id;
  EXPECT_TRUE(sees(dave, wrapper));
  block(alice, dave);
  EXPECT_FALSE(sees(dave, wrapper));
  EXPECT_TRUE(sees(carol, wrapper));
}

TEST_F(StoredVisibility, FindVisibleStatusIsNotFoundWhenHidden) {
  auto s = raw_status(alice, Visibility::private_);
  app.db->read([&](store::Connection& c) {
    EXPECT_EQ(service::find_visible_status(c, alice, s.id).id, s.id);
    try {
      service::find_visible_status(c, dave, s.id);
      ADD_FAILURE() << "expected not_found";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 404);
    }
    EXPECT_THROW(service::find_visible_status(c, alice, s.id + 12345), ApiError);
  });
}

TEST_F(StoredVisibility, VisibleOnlyKeepsOrderAndFilters) {
  follow(bob, alice);
  auto a = raw_status(alice, Visibility::public_);
  auto b = raw_status(alice, Visibility::private_);
  auto c = raw_status(alice, Visibility::direct, {bob});
  auto d = raw_status(alice, Visibility::direct);
  auto e = raw_status(carol, Visibility::private_);
  auto kept = app.db->read_value([&](store::Connection& conn) {
    return service::visible_only(conn, bob, {e, d, c, b, a});
  });
  std::vector<Id> ids;
  for (const auto& s : kept) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<Id>{c.id, b.id, a.id}));
}

TEST_F(StoredVisibility, ReblogRules) {
  follow(bob, alice);
  auto pub = raw_status(alice, Visibility::public_);
  auto unlisted = raw_status(alice, Visibility::unlisted);
  auto priv = raw_status(alice, Visibility::private_, {carol});
  auto direct = raw_status(alice, Visibility::direct, {carol});
  EXPECT_TRUE(may_reblog(bob, pub));
  EXPECT_TRUE(may_reblog(bob, unlisted));
  EXPECT_FALSE(may_reblog(bob, priv));      // a follower
  EXPECT_FALSE(may_reblog(carol, priv));    // mentioned
  EXPECT_FALSE(may_reblog(carol, direct));  // mentioned
  EXPECT_FALSE(may_reblog(alice, direct));  // not even the author
  EXPECT_TRUE(may_reblog(alice, priv));     // Mastodon lets the author boost own private posts
  EXPECT_FALSE(may_reblog(0, pub));
  block(bob, alice);
  EXPECT_FALSE(may_reblog(bob, pub));  // the viewer blocks the author
}

// ---- the same rule in SQL: an account's statuses page -------------------------------------------

class AccountStatuses : public testing::StatusFixture {
 protected:
  std::vector<Id> page(Id viewer, const store::AccountStatusesFilter& filter = {}) {
    std::vector<Id> ids;
    app.db->read([&](store::Connection& c) {
      store::PageQuery q;
      q.limit = 40;
      for (const auto& s : store::page_account_statuses(c, alice, viewer, filter, q))
        ids.push_back(s.id);
    });
    return ids;
  }
};

TEST_F(AccountStatuses, AppliesVisibilityForEachViewer) {
  follow(bob, alice);
  auto pub = raw_status(alice, Visibility::public_);
  auto unlisted = raw_status(alice, Visibility::unlisted);
  auto priv = raw_status(alice, Visibility::private_);
  auto direct = raw_status(alice, Visibility::direct, {carol});
  EXPECT_EQ(page(0), (std::vector<Id>{unlisted.id, pub.id}));
  EXPECT_EQ(page(dave), (std::vector<Id>{unlisted.id, pub.id}));
  EXPECT_EQ(page(bob), (std::vector<Id>{priv.id, unlisted.id, pub.id}));
  EXPECT_EQ(page(carol), (std::vector<Id>{direct.id, unlisted.id, pub.id}));
  EXPECT_EQ(page(alice), (std::vector<Id>{direct.id, priv.id, unlisted.id, pub.id}));
  block(alice, dave);
  EXPECT_TRUE(page(dave).empty());
}

TEST_F(AccountStatuses, Filters) {
  auto plain = raw_status(alice, Visibility::public_);
  auto reply = raw_status(alice, Visibility::public_);
  auto self_reply = raw_status(alice, Visibility::public_);
  auto reblog = raw_status(alice, Visibility::public_);
  auto pinned = raw_status(alice, Visibility::public_);
  auto other = raw_status(bob, Visibility::public_);
  app.db->write([&](store::Connection& c) {
    using store::Value;
    c.query("UPDATE statuses SET in_reply_to_id = ?, in_reply_to_account_id = ? WHERE id = ?",
            {Value(other.id), Value(bob), Value(reply.id)});
    c.query("UPDATE statuses SET in_reply_to_id = ?, in_reply_to_account_id = ? WHERE id = ?",
            {Value(plain.id), Value(alice), Value(self_reply.id)});
    c.query("UPDATE statuses SET reblog_of_id = ? WHERE id = ?",
            {Value(other.id), Value(reblog.id)});
    c.query("UPDATE statuses SET pinned_at = 1 WHERE id = ?", {Value(pinned.id)});
    store::link_tags(c, plain.id, {store::find_or_create_tag(c, "herd", 0)});
  });
  store::AccountStatusesFilter f;
  f.exclude_replies = true;
  EXPECT_FALSE(contains(page(dave, f), reply.id));
  EXPECT_TRUE(contains(page(dave, f), self_reply.id));
  f = {};
  f.exclude_reblogs = true;
  EXPECT_FALSE(contains(page(dave, f), reblog.id));
  EXPECT_TRUE(contains(page(dave), reblog.id));
  f = {};
  f.pinned = true;
  EXPECT_EQ(page(dave, f), std::vector<Id>{pinned.id});
  f = {};
  f.tagged = "#HERD";
  EXPECT_EQ(page(dave, f), std::vector<Id>{plain.id});
  f = {};
  f.only_media = true;
  EXPECT_TRUE(page(dave, f).empty());
}

}  // namespace
}  // namespace herd
