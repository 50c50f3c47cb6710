// Where a local post goes, on both engines: the home feeds of its author's followers but those
// muting or blocking the author, the followers of its hashtags when it is public, and one delivery
// to each inbox of its author's remote followers (not suspended ones). On PostgreSQL a plain post
// reads all of that before its transaction (service/statuses.cpp, read_post_ahead), a post with
// a mention in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "../fresh_database.hpp"
#include "service/statuses.hpp"
#include "service/tags.hpp"
#include "status_fixture.hpp"

namespace herd {
namespace {

namespace json = boost::json;

class PostFanOut : public testing::StatusFixture,
                   public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    database_url = testing::fresh_database_url(GetParam(), "herd_post_fan_out");
    if (database_url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    StatusFixture::SetUp();
    erin = account("erin");
    zed = remote("zed", "https://remote.example/inbox", "https://remote.example/users/zed/inbox");
    yan = remote("yan", "https://remote.example/inbox", "");  // the same shared inbox
    xan = remote("xan", "", "");                              // no inbox known
    wes = remote("wes", "https://banned.example/inbox", "");
    app.db->write([&](store::Connection& c) {
      c.query("UPDATE accounts SET suspended = 1 WHERE id = ?", {store::Value(wes)});
    });
    for (Id follower : {bob, carol, dave, zed, yan, xan, wes}) follow(follower, alice);
    mute(carol, alice);
    block(dave, alice);
    service::follow_tag(app, erin, "topic");
  }
  Id remote(const std::string& username, const std::string& shared_inbox,
            const std::string& inbox) {
    Id id = account(username, username + ".example");
    app.db->write([&](store::Connection& c) {
      c.query("UPDATE accounts SET shared_inbox_url = ?, inbox_url = ? WHERE id = ?",
              {store::Value(shared_inbox), store::Value(inbox), store::Value(id)});
    });
    return id;
  }
  store::Status post(const std::string& text, const std::string& visibility) {
    service::NewStatus in;
    in.text = text;
    in.visibility = visibility;
    return service::post_status(app, alice, in);
  }
  // The accounts whose home feed holds the status, sorted.
  std::vector<Id> feeds_holding(Id status_id) {
    std::vector<Id> out;
    app.db->read([&](store::Connection& c) {
      for (const auto& row : c.query("SELECT account_id FROM home_feed WHERE status_id = ?",
                                     {store::Value(status_id)})
                                 .rows)
        out.push_back(row.i(0));
    });
    std::sort(out.begin(), out.end());
    return out;
  }
  // Where the status's Create was queued for delivery ("inbox", or "actor:" + the actor to
  // fetch), sorted.
  std::vector<std::string> delivered_to(const std::string& status_uri) {
    std::vector<std::string> out;
    app.db->read([&](store::Connection& c) {
      for (const auto& row :
           c.query("SELECT payload FROM jobs WHERE queue = 'deliveries' ORDER BY id").rows) {
        json::object payload = json::parse(row.s(0)).as_object();
        json::object body = json::parse(payload.at("body").as_string()).as_object();
        if (body.at("object").as_object().at("id").as_string() != status_uri) continue;
        std::string inbox(payload.at("inbox").as_string());
        if (inbox.empty()) inbox = "actor:" + std::string(payload.at("actor").as_string());
        out.push_back(inbox);
      }
    });
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<Id> sorted(std::vector<Id> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  Id erin = 0, zed = 0, yan = 0, xan = 0, wes = 0;
};

TEST_P(PostFanOut, PublicReachesFollowersNotHidingAndTagFollowers) {
  auto status = post("news #topic", "public");
  EXPECT_EQ(feeds_holding(status.id), sorted({alice, bob, erin}));
  EXPECT_EQ(delivered_to(status.uri),
            (std::vector<std::string>{"actor:https://xan.example/users/xan",
                                      "https://remote.example/inbox"}));  // zed's and yan's
}

TEST_P(PostFanOut, UnlistedAndPrivateLeaveTagFollowersOut) {
  for (const char* visibility : {"unlisted", "private"}) {
    auto status = post("news #topic", visibility);
    EXPECT_EQ(feeds_holding(status.id), sorted({alice, bob})) << visibility;
    EXPECT_EQ(delivered_to(status.uri).size(), 2u) << visibility;
  }
}

TEST_P(PostFanOut, AMentionAddsItsAccountAndTheFollowersStay) {
  remote("vic", "https://vic.example/inbox", "");
  auto status = post("hi @vic@vic.example #topic", "public");
  EXPECT_EQ(feeds_holding(status.id), sorted({alice, bob, erin}));
  EXPECT_EQ(
      delivered_to(status.uri),
      (std::vector<std::string>{"actor:https://xan.example/users/xan",
                                "https://remote.example/inbox", "https://vic.example/inbox"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, PostFanOut, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace herd
