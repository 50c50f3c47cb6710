// Reports (file_report validation, staff notifications, admin actions) and move_followers on an
// in-memory instance.
#include "service/reports.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "service/relationships.hpp"
#include "status_fixture.hpp"
#include "store/notifications.hpp"
#include "store/reports.hpp"

namespace herd {
namespace {

class Reports : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    app.db->write([&](store::Connection& c) {
      c.query("UPDATE users SET role = 'moderator' WHERE account_id = ?", {store::Value(dave)});
      store::Rule rule;
      rule.id = 500;
      rule.text = "be nice";
      store::insert_rule(c, rule);
    });
  }
  int error_status(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ApiError& e) {
      return e.status();
    }
    return 0;
  }
  std::vector<store::Notification> notifications_of(Id account) {
    return app.db->read_value([&](store::Connection& c) {
      store::PageQuery page;
      page.limit = 40;
      return store::page_notifications(c, account, {}, page);
    });
  }
};

TEST_F(Reports, FilesAReportAndNotifiesStaff) {
  auto status = raw_status(bob, store::Visibility::public_);
  service::ReportRequest in;
  in.target_account_id = bob;
  in.status_ids = {status.id, status.id};
  in.comment = "spam!";
  in.category = "spam";
  store::Report report = service::file_report(app, alice, in);
  EXPECT_EQ(report.account_id, alice);
  EXPECT_EQ(report.target_account_id, bob);
  EXPECT_EQ(report.status_ids, std::vector<Id>{status.id});
  EXPECT_EQ(report.category, "spam");
  EXPECT_FALSE(report.forwarded);  // a local target: nothing to forward
  auto staff = notifications_of(dave);
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_EQ(staff[0].type, "admin.report");
  EXPECT_EQ(staff[0].from_account_id, alice);
  EXPECT_TRUE(notifications_of(carol).empty());
  auto links = app.db->read_value(
      [&](store::Connection& c) { return store::notification_reports(c, {staff[0].id}); });
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].second, report.id);
}

TEST_F(Reports, RulesMakeAViolation) {
  service::ReportRequest in;
  in.target_account_id = bob;
  in.rule_ids = {500};
  in.category = "spam";
  EXPECT_EQ(service::file_report(app, alice, in).category, "violation");
  in.rule_ids = {501};
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 422);
}

TEST_F(Reports, RefusesBadInput) {
  service::ReportRequest in;
  in.target_account_id = 12345;
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 404);
  in.target_account_id = bob;
  in.status_ids = {raw_status(carol, store::Visibility::public_).id};  // not bob's
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 404);
  in.status_ids.clear();
  in.comment = std::string(1001, 'x');
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 422);
  in.comment = std::string(1000, 'x');
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 0);
  in.comment = "";
  in.category = "nonsense";
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 422);
}

TEST_F(Reports, AdminActions) {
  service::ReportRequest in;
  in.target_account_id = bob;
  Id id = service::file_report(app, alice, in).id;
  auto resolved = service::resolve_report(app, id, dave);
  EXPECT_TRUE(resolved.resolved());
  EXPECT_EQ(resolved.action_taken_by_account_id, dave);
  EXPECT_FALSE(service::reopen_report(app, id).resolved());
  EXPECT_EQ(service::assign_report(app, id, dave).assigned_account_id, dave);
  EXPECT_FALSE(service::assign_report(app, id, std::nullopt).assigned_account_id);
  EXPECT_EQ(error_status([&] { service::resolve_report(app, 999, dave); }), 404);
}

TEST_F(Reports, ReceivedReportsAreStoredOnce) {
  Id remote = account("mod", "remote.example");
  auto first =
      service::receive_report(app, remote, bob, {}, "from afar", "https://remote.example/f/1");
  ASSERT_TRUE(first);
  EXPECT_FALSE(
      service::receive_report(app, remote, bob, {}, "again", "https://remote.example/f/1"));
  EXPECT_EQ(notifications_of(dave).size(), 1u);
}

TEST_F(Reports, ReceivedReportsAttachWhatTheReporterServerMaySee) {
  Id remote = account("mod", "remote.example");
  Id friend_there = account("pal", "remote.example");
  auto open = raw_status(bob, store::Visibility::unlisted);
  auto followers_only = raw_status(bob, store::Visibility::private_);
  auto dm_there = raw_status(bob, store::Visibility::direct, {friend_there});
  auto dm_elsewhere = raw_status(bob, store::Visibility::direct, {carol});
  auto not_bobs = raw_status(carol, store::Visibility::public_);
  auto report = service::receive_report(
      app, remote, bob, {open.id, followers_only.id, dm_there.id, dm_elsewhere.id, not_bobs.id, 1},
      "", "https://remote.example/f/2");
  ASSERT_TRUE(report);
  std::vector<Id> expected{open.id, dm_there.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(report->status_ids, expected);
  follow(friend_there, bob);  // a follower there: followers-only posts may be attached
  report = service::receive_report(app, remote, bob, {followers_only.id}, "",
                                   "https://remote.example/f/3");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status_ids, std::vector<Id>{followers_only.id});
}

TEST_F(Reports, LocalReportersAttachOnlyWhatTheyCanSee) {
  auto hidden = raw_status(bob, store::Visibility::direct, {carol});
  service::ReportRequest in;
  in.target_account_id = bob;
  in.status_ids = {hidden.id};
  EXPECT_EQ(error_status([&] { service::file_report(app, alice, in); }), 404);
  EXPECT_EQ(error_status([&] { service::file_report(app, carol, in); }), 0);
}

TEST_F(Reports, MoveFollowersKeepsTheirChoices) {
  follow(alice, carol, false);
  follow(bob, carol);
  app.db->write([&](store::Connection& c) {
    c.query("UPDATE follows SET notify = 1 WHERE account_id = ?", {store::Value(alice)});
  });
  EXPECT_EQ(service::move_followers(app, carol, dave), 2);
  EXPECT_EQ(account_record(carol).moved_to_account_id, dave);
  app.db->read([&](store::Connection& c) {
    EXPECT_FALSE(store::is_following(c, alice, carol));
    EXPECT_FALSE(store::is_following(c, bob, carol));
    auto moved = store::find_follow(c, alice, dave);
    ASSERT_TRUE(moved);
    EXPECT_FALSE(moved->show_reblogs);
    EXPECT_TRUE(moved->notify);
    EXPECT_TRUE(store::is_following(c, bob, dave));
  });
}

TEST_F(Reports, MoveLeavesBlockedFollowersWhereTheyAre) {
  follow(alice, carol);
  block(dave, alice);
  EXPECT_EQ(service::move_followers(app, carol, dave), 0);
  app.db->read([&](store::Connection& c) {
    EXPECT_TRUE(store::is_following(c, alice, carol));
    EXPECT_FALSE(store::is_following(c, alice, dave));
  });
}

}  // namespace
}  // namespace herd
