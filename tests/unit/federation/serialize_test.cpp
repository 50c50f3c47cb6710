// What herd publishes: actor documents and Mastodon's addressing rules for each visibility.
#include "federation/serialize.hpp"

#include <gtest/gtest.h>

#include "app.hpp"

namespace json = boost::json;
using namespace herd;
using namespace herd::federation;

namespace {

App make_app() {
  App app;
  app.config.local_domain = "a.example";
  app.config.local_https = true;
  app.set_base_url();
  return app;
}

store::Account local(const App& app, const std::string& name) {
  store::Account a;
  a.id = 1;
  a.username = name;
  a.uri = app.account_uri(name);
  a.url = app.account_url(name);
  a.inbox_url = a.uri + "/inbox";
  a.outbox_url = a.uri + "/outbox";
  a.followers_url = a.uri + "/followers";
  a.following_url = a.uri + "/following";
  a.featured_url = a.uri + "/collections/featured";
  a.public_key_pem = "PEM";
  a.fields_json = R"([{"name":"Site","value":"<a href=\"https://x\">x</a>"}])";
  a.created_at = 1700000000000;
  return a;
}

store::Account remote(const std::string& uri) {
  store::Account a;
  a.id = 2;
  a.username = "bob";
  a.domain = "b.example";
  a.uri = uri;
  return a;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) out.emplace_back(item.as_string());
  return out;
}

}  // namespace

TEST(Serialize, ActorHasWhatMastodonReads) {
  App app = make_app();
  store::Account alice = local(app, "alice");
  alice.locked = true;
  json::object actor = actor_json(app, alice);
  EXPECT_EQ(actor["id"], "https://a.example/users/alice");
  EXPECT_EQ(actor["type"], "Person");
  EXPECT_EQ(actor["preferredUsername"], "alice");
  EXPECT_EQ(actor["manuallyApprovesFollowers"], true);
  EXPECT_EQ(actor["publicKey"].as_object()["id"], "https://a.example/users/alice#main-key");
  EXPECT_EQ(actor["endpoints"].as_object()["sharedInbox"], "https://a.example/inbox");
  EXPECT_EQ(actor["published"], "2023-11-14T22:13:20Z");
  ASSERT_EQ(actor["attachment"].as_array().size(), 1u);
  EXPECT_EQ(actor["attachment"].as_array()[0].as_object()["type"], "PropertyValue");
  EXPECT_EQ(actor["icon"].as_object()["url"], json::value(app.default_avatar_url()));
  alice.bot = true;
  EXPECT_EQ(actor_json(app, alice)["type"], "Service");
  EXPECT_EQ(instance_actor_json(app, "PEM")["type"], "Application");
}

TEST(Serialize, AddressingFollowsVisibility) {
  App app = make_app();
  store::Account alice = local(app, "alice");
  NoteParts parts;
  parts.author = &alice;
  parts.mentions = {remote("https://b.example/users/bob")};
  store::Status s;
  s.uri = app.status_uri("alice", 5);
  std::string followers = "https://a.example/users/alice/followers";
  std::string bob = "https://b.example/users/bob";

  s.visibility = store::Visibility::public_;
  EXPECT_EQ(note_to(s, parts), std::vector<std::string>{kPublicCollection});
  EXPECT_EQ(note_cc(s, parts), (std::vector<std::string>{followers, bob}));
  s.visibility = store::Visibility::unlisted;
  EXPECT_EQ(note_to(s, parts), std::vector<std::string>{followers});
  EXPECT_EQ(note_cc(s, parts), (std::vector<std::string>{kPublicCollection, bob}));
  s.visibility = store::Visibility::private_;
  EXPECT_EQ(note_to(s, parts), std::vector<std::string>{followers});
  EXPECT_EQ(note_cc(s, parts), std::vector<std::string>{bob});
  s.visibility = store::Visibility::direct;
  EXPECT_EQ(note_to(s, parts), std::vector<std::string>{bob});
  EXPECT_TRUE(note_cc(s, parts).empty());

  json::object note = note_json(app, s, parts);
  EXPECT_EQ(note["type"], "Note");
  EXPECT_EQ(strings(note["to"]), std::vector<std::string>{bob});
  ASSERT_EQ(note["tag"].as_array().size(), 1u);
  EXPECT_EQ(note["tag"].as_array()[0].as_object()["name"], "@bob@b.example");
  json::object create = create_activity(app, note);
  EXPECT_EQ(create["id"], json::value(s.uri + "/activity"));
  EXPECT_EQ(create["actor"], json::value(alice.uri));
  EXPECT_FALSE(create["object"].as_object().contains("@context"));
}

TEST(Serialize, DeleteOfAPublicStatusGoesToPublic) {
  App app = make_app();
  store::Account alice = local(app, "alice");
  NoteParts parts;
  parts.author = &alice;
  store::Status s;
  s.uri = app.status_uri("alice", 5);
  s.visibility = store::Visibility::unlisted;
  json::object del = delete_activity(s, parts);
  EXPECT_EQ(strings(del["to"]), std::vector<std::string>{kPublicCollection});
  EXPECT_EQ(strings(del["cc"]),
            std::vector<std::string>{"https://a.example/users/alice/followers"});
  EXPECT_EQ(del["object"].as_object()["type"], "Tombstone");
}

TEST(Serialize, InteractionsEmbedWhatTheyUndo) {
  App app = make_app();
  store::Account alice = local(app, "alice");
  json::object follow = follow_activity("https://a.example/users/alice#follows/9", alice.uri,
                                        "https://b.example/users/bob");
  json::object undo = undo_activity(alice.uri, follow);
  EXPECT_EQ(undo["type"], "Undo");
  EXPECT_EQ(undo["object"].as_object()["id"], "https://a.example/users/alice#follows/9");
  EXPECT_EQ(undo["object"].as_object()["object"], "https://b.example/users/bob");
  json::object accept = accept_activity(alice, follow);
  EXPECT_EQ(accept["type"], "Accept");
  EXPECT_EQ(accept["object"].as_object()["type"], "Follow");
  json::object like = like_activity(alice, "https://b.example/notes/1");
  EXPECT_EQ(like["object"], "https://b.example/notes/1");
  EXPECT_EQ(undo_activity(alice.uri, like)["object"].as_object()["id"], like["id"]);
}
