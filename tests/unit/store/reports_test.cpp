// Reports and account-move storage on both engines (SQLite always; PostgreSQL when
// HERD_TEST_POSTGRES_URL names a server), each test in a fresh database.
#include "store/reports.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"

using namespace herd;
using namespace herd::store;

namespace {

std::unique_ptr<Database> open_fresh(const std::string& backend) {
  std::string url = herd::testing::fresh_database_url(backend, "herd_reports");
  return url.empty() ? nullptr : open_database(url, 4);
}

class ReportStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db = open_fresh(GetParam());
    if (!db) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    migrate(*db);
  }

  Id account(const std::string& username, const std::string& domain = "",
             const std::string& role = "") {
    Account a;
    a.id = next_id();
    a.username = username;
    a.domain = domain;
    a.uri =
        "https://" + (domain.empty() ? std::string("example.com") : domain) + "/users/" + username;
    a.created_at = a.updated_at = 1;
    db->write([&](Connection& c) {
      insert_account(c, a);
      if (!role.empty()) {
        User u;
        u.id = next_id();
        u.account_id = a.id;
        u.email = username + "@example.com";
        u.password_hash = "x";
        u.role = role;
        insert_user(c, u);
      }
    });
    return a.id;
  }

  Report report(Id from, Id about, std::optional<std::string> uri = std::nullopt) {
    Report r;
    r.id = next_id();
    r.account_id = from;
    r.target_account_id = about;
    r.status_ids = {11, 12};
    r.rule_ids = {3};
    r.comment = "spam";
    r.category = "violation";
    r.uri = uri;
    r.created_at = r.updated_at = 5;
    return r;
  }

  std::unique_ptr<Database> db;
};

}  // namespace

TEST_P(ReportStore, RoundTripAndDuplicateUri) {
  Id a = account("a"), b = account("b");
  Report r = report(a, b, "https://remote.example/flags/1");
  EXPECT_TRUE(db->write_value([&](Connection& c) { return insert_report(c, r); }));
  Report again = report(a, b, "https://remote.example/flags/1");
  EXPECT_FALSE(db->write_value([&](Connection& c) { return insert_report(c, again); }));
  // Reports without uri never collide.
  EXPECT_TRUE(db->write_value([&](Connection& c) { return insert_report(c, report(a, b)); }));
  EXPECT_TRUE(db->write_value([&](Connection& c) { return insert_report(c, report(a, b)); }));
  auto found = db->read_value([&](Connection& c) { return find_report(c, r.id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->account_id, a);
  EXPECT_EQ(found->target_account_id, b);
  EXPECT_EQ(found->status_ids, (std::vector<Id>{11, 12}));
  EXPECT_EQ(found->rule_ids, (std::vector<Id>{3}));
  EXPECT_EQ(found->comment, "spam");
  EXPECT_EQ(found->category, "violation");
  EXPECT_EQ(found->uri, "https://remote.example/flags/1");
  EXPECT_FALSE(found->resolved());
  EXPECT_FALSE(found->assigned_account_id);
}

TEST_P(ReportStore, ResolveReopenAssignAndFilters) {
  Id a = account("a"), b = account("b"), c2 = account("c"), mod = account("mod");
  Report first = report(a, b), second = report(c2, b), third = report(a, c2);
  db->write([&](Connection& c) {
    insert_report(c, first);
    insert_report(c, second);
    insert_report(c, third);
  });
  EXPECT_TRUE(
      db->write_value([&](Connection& c) { return set_report_resolved(c, first.id, mod, 9); }));
  EXPECT_TRUE(
      db->write_value([&](Connection& c) { return set_report_assignee(c, second.id, mod, 9); }));
  EXPECT_FALSE(db->write_value([&](Connection& c) { return set_report_assignee(c, 42, mod, 9); }));
  auto page = [&](ReportFilter filter) {
    PageQuery q;
    q.limit = 10;
    std::vector<Id> ids;
    db->read([&](Connection& c) {
      for (const auto& r : page_reports(c, filter, q)) ids.push_back(r.id);
    });
    return ids;
  };
  EXPECT_EQ(page({}), (std::vector<Id>{third.id, second.id}));
  EXPECT_EQ(page({true, std::nullopt, std::nullopt}), (std::vector<Id>{first.id}));
  EXPECT_EQ(page({false, a, std::nullopt}), (std::vector<Id>{third.id}));
  EXPECT_EQ(page({false, std::nullopt, b}), (std::vector<Id>{second.id}));
  auto resolved = db->read_value([&](Connection& c) { return find_report(c, first.id); });
  EXPECT_EQ(resolved->action_taken_at, 9);
  EXPECT_EQ(resolved->action_taken_by_account_id, mod);
  db->write([&](Connection& c) { set_report_resolved(c, first.id, std::nullopt, 10); });
  auto reopened = db->read_value([&](Connection& c) { return find_report(c, first.id); });
  EXPECT_FALSE(reopened->action_taken_at);
  EXPECT_FALSE(reopened->action_taken_by_account_id);
  EXPECT_EQ(reopened->updated_at, 10);
  EXPECT_EQ(db->read_value([&](Connection& c) {
                return find_reports(c, {first.id, third.id});
              }).size(),
            2u);
}

TEST_P(ReportStore, StaffAndNotificationLinks) {
  Id user = account("user", "", "user"), mod = account("mod", "", "moderator"),
     admin = account("admin", "", "admin"), owner = account("owner", "", "owner");
  (void)user;
  auto staff = db->read_value([&](Connection& c) { return staff_account_ids(c); });
  std::sort(staff.begin(), staff.end());
  std::vector<Id> expected{mod, admin, owner};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(staff, expected);

  Notification n;
  n.id = next_id();
  n.account_id = mod;
  n.from_account_id = user;
  n.type = "admin.report";
  n.created_at = 1;
  db->write([&](Connection& c) {
    insert_notification(c, n);
    set_notification_report(c, n.id, 77);
  });
  auto links = db->read_value([&](Connection& c) { return notification_reports(c, {n.id, 5}); });
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0], std::make_pair(n.id, Id{77}));
}

TEST_P(ReportStore, AliasesMovesAndLocalFollowers) {
  Id origin = account("old", "remote.example"), target = account("new", "remote.example");
  Id local = account("local"), remote = account("far", "elsewhere.example");
  EXPECT_TRUE(
      db->read_value([&](Connection& c) { return account_also_known_as(c, target); }).empty());
  db->write([&](Connection& c) {
    set_account_also_known_as(c, target, {"https://remote.example/users/old"});
    set_account_moved_to(c, origin, target);
    for (Id follower : {local, remote}) {
      Follow f;
      f.id = next_id();
      f.account_id = follower;
      f.target_account_id = origin;
      f.show_reblogs = false;
      f.notify = true;
      f.created_at = 1;
      insert_follow(c, f);
    }
  });
  EXPECT_EQ(db->read_value([&](Connection& c) { return account_also_known_as(c, target); }),
            (std::vector<std::string>{"https://remote.example/users/old"}));
  EXPECT_EQ(
      db->read_value([&](Connection& c) { return find_account(c, origin); })->moved_to_account_id,
      target);
  auto followers = db->read_value([&](Connection& c) { return local_followers(c, origin); });
  ASSERT_EQ(followers.size(), 1u);
  EXPECT_EQ(followers[0].account_id, local);
  EXPECT_FALSE(followers[0].show_reblogs);
  EXPECT_TRUE(followers[0].notify);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportStore, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });
