// Inbox forwarding (federation/forwarding): a remote reply to a local post, received with its body,
// is queued for the local author's remote followers as received, signed by the author, except on
// the reply's own server; unsigned bodies, non-public replies and repeats are not; an Update and a
// Delete are forwarded like the Create. Through the inbox's group commit, as the inbox applies it.
#include "federation/forwarding.hpp"

#include <gtest/gtest.h>

#include "../service/status_fixture.hpp"
#include "federation/inbox_batch.hpp"
#include "federation/outbox.hpp"
#include "store/federation.hpp"
#include "store/group_commit.hpp"

namespace herd {
namespace {

namespace json = boost::json;

constexpr const char* kPublic = "https://www.w3.org/ns/activitystreams#Public";

class Forwarding : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    app.db = store::attach_group_commit(std::move(app.db));
    zed = account_record(account("zed", "remote.example"));
    follow(account("fan", "fans.example"), alice);
    follow(account("neighbour", "remote.example"), alice);  // on the reply's own server
    parent = raw_status(alice, store::Visibility::public_);
  }

  // A Create of zed's reply to alice's post, as text: spaces and an escape herd would not write.
  std::string create(const std::string& id, bool signed_body, const std::string& to = kPublic) {
    std::string signature =
        signed_body ? R"(, "signature": {"type": "RsaSignature2017", "signatureValue": "eA=="})"
                    : "";
    return R"({"type": "Create",  "id": ")" + id + R"(#create", "actor": ")" + zed.uri +
           R"(", "object": {"type": "Note", "id": ")" + id + R"(", "attributedTo": ")" + zed.uri +
           R"(", "inReplyTo": ")" + parent.uri + R"(", "content": "caf\u00e9", "to": [")" + to +
           R"("]})" + signature + "}";
  }

  federation::IngestResult receive(const std::string& body) {
    json::object activity = json::parse(body).as_object();
    return federation::receive_activity_batched(app, activity, zed, {body, zed.uri});
  }

  // The delivery jobs queued so far (taken off the queue).
  std::vector<json::object> jobs() {
    std::vector<json::object> out;
    app.db->write([&](store::Connection& c) {
      for (const auto& job :
           store::claim_jobs(c, federation::kDeliveryQueue, now_unix_ms() + 1000, 60'000, 100)) {
        out.push_back(json::parse(job.payload).as_object());
        store::delete_job(c, job.id);
      }
    });
    return out;
  }

  store::Account zed;
  store::Status parent;
};

TEST_F(Forwarding, SignedPublicReplyGoesToTheAuthorsFollowersAsReceived) {
  std::string body = create("https://remote.example/notes/1", true);
  EXPECT_EQ(receive(body).outcome, federation::Outcome::accepted);
  auto queued = jobs();
  ASSERT_EQ(queued.size(), 1u);  // fan's server; not the neighbour's (the reply's own server)
  EXPECT_EQ(queued[0].at("body").as_string(), body);
  EXPECT_EQ(queued[0].at("signer").to_number<Id>(), alice);
  EXPECT_EQ(queued[0].at("actor").as_string(), "https://fans.example/users/fan");

  EXPECT_EQ(receive(body).outcome, federation::Outcome::accepted);  // a repeat: already here
  EXPECT_TRUE(jobs().empty());
}

TEST_F(Forwarding, UnsignedOrFollowersOnlyRepliesStayHere) {
  EXPECT_EQ(receive(create("https://remote.example/notes/2", false)).outcome,
            federation::Outcome::accepted);
  EXPECT_EQ(receive(create("https://remote.example/notes/3", true,
                           "https://remote.example/users/zed/followers"))
                .outcome,
            federation::Outcome::accepted);
  EXPECT_TRUE(jobs().empty());
}

TEST_F(Forwarding, UpdateAndDeleteAreForwardedLikeTheCreate) {
  std::string id = "https://remote.example/notes/4";
  ASSERT_EQ(receive(create(id, true)).outcome, federation::Outcome::accepted);
  ASSERT_EQ(jobs().size(), 1u);
  std::string update = R"({"type": "Update", "id": ")" + id + R"(#update", "actor": ")" + zed.uri +
                       R"(", "object": {"type": "Note", "id": ")" + id + R"(", "attributedTo": ")" +
                       zed.uri + R"(", "inReplyTo": ")" + parent.uri +
                       R"(", "content": "edited", "updated": "2030-01-01T00:00:00Z", "to": [")" +
                       kPublic + R"("]}, "signature": {"type": "RsaSignature2017"}})";
  EXPECT_EQ(receive(update).outcome, federation::Outcome::accepted);
  auto queued = jobs();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].at("body").as_string(), update);
  std::string del = R"({"type": "Delete", "id": ")" + id + R"(#delete", "actor": ")" + zed.uri +
                    R"(", "object": {"id": ")" + id +
                    R"(", "type": "Tombstone"}, "proof": {"type": "DataIntegrityProof"}})";
  EXPECT_EQ(receive(del).outcome, federation::Outcome::accepted);
  queued = jobs();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].at("body").as_string(), del);
  EXPECT_EQ(queued[0].at("signer").to_number<Id>(), alice);
}

}  // namespace
}  // namespace herd
