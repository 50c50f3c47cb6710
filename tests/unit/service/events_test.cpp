// Services and federation, one direction (DESIGN.md): a service records events and the
// subscribers queue the side effects in its transaction. Checks that no service reaches the
// federation outbox or the mailer itself, and that federation's jobs follow the recorded events:
// in their order, and only when the transaction commits.
#include "service/events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "service/relationships.hpp"
#include "status_fixture.hpp"

namespace herd {
namespace {

namespace json = boost::json;

// Every line of src/service/ (but events.cpp, where the subscribers are wired) that includes a
// federation outbox header or the mailer, or calls an outbox hook or mail function.
TEST(ServiceLayering, NoServiceCallsTheOutboxOrTheMailer) {
  std::filesystem::path dir = std::filesystem::path(HERD_SOURCE_DIR) / "src" / "service";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  const std::regex forbidden(
      R"(#include\s+"(federation/(outbox|featured|quotes|polls|moderation|subscriber)|mail/[a-z_]+)\.hpp")"
      R"(|\bfederation::(on_\w+|enqueue_delivery|kDeliveryQueue)|\bmail::)");
  std::vector<std::string> offending;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename() == "events.cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number)
      if (std::regex_search(line, forbidden))
        offending.push_back(entry.path().filename().string() + ":" + std::to_string(number) + ": " +
                            line);
  }
  EXPECT_GT(files, 20);
  std::ostringstream list;
  for (const auto& line : offending) list << "\n  " << line;
  EXPECT_TRUE(offending.empty()) << "record a service::Event instead:" << list.str();
}

class Events : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    zed = account("zed", "remote.example");
    app.db->write([&](store::Connection& c) {
      c.query(
          "UPDATE accounts SET inbox_url = ? WHERE id = ?",
          {store::Value(std::string("https://remote.example/users/zed/inbox")), store::Value(zed)});
    });
  }
  // The activities queued for delivery, oldest first.
  std::vector<json::object> deliveries() {
    return app.db->read_value([&](store::Connection& c) {
      std::vector<json::object> out;
      for (const auto& row :
           c.query("SELECT payload FROM jobs WHERE queue = 'deliveries' ORDER BY id").rows) {
        json::object payload = json::parse(row.s(0)).as_object();
        EXPECT_EQ(payload.at("inbox").as_string(), "https://remote.example/users/zed/inbox");
        out.push_back(json::parse(payload.at("body").as_string()).as_object());
      }
      return out;
    });
  }
  Id zed = 0;
};

TEST_F(Events, FollowThenUnfollowDeliverFollowThenItsUndo) {
  service::follow(app, alice, zed, {});
  service::unfollow(app, alice, zed);
  auto sent = deliveries();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("type").as_string(), "Follow");
  EXPECT_EQ(sent[0].at("object").as_string(), "https://remote.example/users/zed");
  EXPECT_EQ(sent[1].at("type").as_string(), "Undo");
  EXPECT_EQ(sent[1].at("object").as_object().at("id"), sent[0].at("id"));
}

TEST_F(Events, BlockEndsTheFollowBeforeBlocking) {
  service::follow(app, alice, zed, {});
  service::block(app, alice, zed);
  service::unblock(app, alice, zed);
  auto sent = deliveries();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].at("type").as_string(), "Follow");
  EXPECT_EQ(sent[1].at("type").as_string(), "Undo");
  EXPECT_EQ(sent[1].at("object").as_object().at("type").as_string(), "Follow");
  EXPECT_EQ(sent[2].at("type").as_string(), "Block");
  EXPECT_EQ(sent[3].at("type").as_string(), "Undo");
  EXPECT_EQ(sent[3].at("object").as_object().at("id"), sent[2].at("id"));
}

TEST_F(Events, RolledBackWriteQueuesNothing) {
  EXPECT_THROW(app.db->write([&](store::Connection& c) {
    service::record(app, c, service::Event(service::EventKind::blocked).by(alice).with_target(zed));
    throw std::runtime_error("the write fails after its event");
  }),
               std::runtime_error);
  EXPECT_TRUE(deliveries().empty());
  app.db->write([&](store::Connection& c) {
    service::record(app, c, service::Event(service::EventKind::blocked).by(alice).with_target(zed));
  });
  ASSERT_EQ(deliveries().size(), 1u);
  EXPECT_EQ(deliveries()[0].at("type").as_string(), "Block");
}

TEST_F(Events, LocalActionsFederateNothing) {
  service::follow(app, alice, bob, {});
  service::block(app, alice, carol);
  EXPECT_TRUE(deliveries().empty());
}

}  // namespace
}  // namespace herd
