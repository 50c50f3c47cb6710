// A whole instance on an in-memory SQLite database with a few local accounts, for the status,
// visibility and notification tests.
#pragma once
#include <gtest/gtest.h>

#include "app.hpp"
#include "core/time.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::testing {

class StatusFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    app.config.local_domain = "example.test";
    app.config.local_https = true;
    app.set_base_url();
    app.db = store::open_database(database_url, database_url.rfind("sqlite", 0) == 0 ? 1 : 2);
    store::migrate(*app.db);
    alice = account("alice");
    bob = account("bob");
    carol = account("carol");
    dave = account("dave");
  }

  // A local account (and its user) with default preferences.
  Id account(const std::string& username, const std::string& domain = "") {
    store::Account a;
    a.id = next_id();
    a.username = username;
    a.domain = domain;
    a.uri = domain.empty() ? app.account_uri(username) : "https://" + domain + "/users/" + username;
    a.url = a.uri;
    a.created_at = a.updated_at = now_unix_ms();
    store::User u;
    u.id = next_id();
    u.account_id = a.id;
    u.email = username + "@example.test";
    u.password_hash = "x";
    u.created_at = a.created_at;
    app.db->write([&](store::Connection& c) {
      store::insert_account(c, a);
      if (domain.empty()) store::insert_user(c, u);
    });
    return a.id;
  }

  void follow(Id follower, Id target, bool show_reblogs = true) {
    app.db->write([&](store::Connection& c) {
      store::Follow f;
      f.id = next_id();
      f.account_id = follower;
      f.target_account_id = target;
      f.show_reblogs = show_reblogs;
      f.created_at = now_unix_ms();
      store::insert_follow(c, f);
    });
  }
  void block(Id account_id, Id target) {
    app.db->write([&](store::Connection& c) {
      store::insert_block(c, next_id(), account_id, target, now_unix_ms());
    });
  }
  void mute(Id account_id, Id target, bool hide_notifications = true) {
    app.db->write([&](store::Connection& c) {
      store::insert_mute(c, next_id(), account_id, target, hide_notifications, std::nullopt,
                         now_unix_ms());
    });
  }

  // A status stored directly (no fan-out), for visibility rules.
  store::Status raw_status(Id author, store::Visibility visibility,
                           std::vector<Id> mentioned = {}) {
    store::Status s;
    s.id = next_id();
    s.account_id = author;
    s.uri = "https://example.test/s/" + std::to_string(s.id);
    s.url = s.uri;
    s.visibility = visibility;
    s.text = s.content = "x";
    s.created_at = now_unix_ms();
    app.db->write([&](store::Connection& c) {
      store::insert_status(c, s);
      store::insert_mentions(c, s.id, mentioned);
    });
    return s;
  }

  std::vector<Id> home(Id account_id) {
    std::vector<Id> ids;
    app.db->read([&](store::Connection& c) {
      store::PageQuery page;
      page.limit = 40;
      for (const auto& s : store::page_home_feed(c, account_id, {}, page)) ids.push_back(s.id);
    });
    return ids;
  }

  store::Status status(Id id) {
    return *app.db->read_value([&](store::Connection& c) { return store::find_status(c, id); });
  }
  store::Account account_record(Id id) {
    return *app.db->read_value([&](store::Connection& c) { return store::find_account(c, id); });
  }

  std::string database_url = "sqlite://:memory:";  // a fixture may pick another before SetUp
  App app;
  Id alice = 0, bob = 0, carol = 0, dave = 0;
};

inline bool contains(const std::vector<Id>& ids, Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace herd::testing
