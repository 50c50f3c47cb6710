// Polls over ActivityPub: a status with a poll is published as a Question (oneOf/anyOf, counts,
// endTime, closed, votersCount), survives a round trip through the parser, a vote is a named Note,
// and Questions from other servers become polls (closed, compacted, nameMap).
#include "federation/polls.hpp"

#include <gtest/gtest.h>

#include "app.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/serialize.hpp"

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

store::Account author(const App& app) {
  store::Account a;
  a.id = 1;
  a.username = "alice";
  a.uri = app.account_uri("alice");
  a.followers_url = a.uri + "/followers";
  return a;
}

store::Poll poll(bool multiple, bool hide_totals, std::int64_t expires_at) {
  store::Poll p;
  p.id = 7;
  p.status_id = 9;
  p.account_id = 1;
  p.options = {{"Tea", 3}, {"Coffee", 1}};
  p.votes_count = 4;
  p.voters_count = 3;
  p.multiple = multiple;
  p.hide_totals = hide_totals;
  p.expires_at = expires_at;
  return p;
}

json::object question(const App& app, const store::Poll& p) {
  store::Account a = author(app);
  store::Status s;
  s.id = 9;
  s.account_id = 1;
  s.uri = app.status_uri("alice", 9);
  s.url = app.status_url("alice", 9);
  s.content = "<p>Which?</p>";
  s.created_at = 1700000000000;
  NoteParts parts;
  parts.author = &a;
  parts.poll = &p;
  return note_json(app, s, parts);
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

std::int64_t total_items(const json::value& option) {
  return option.at("replies").at("totalItems").to_number<std::int64_t>();
}

}  // namespace

TEST(FederationPolls, SingleChoicePollIsAQuestionWithOneOf) {
  App app = make_app();
  std::int64_t end = now_unix_ms() + 3600 * 1000;
  json::object q = question(app, poll(false, false, end));
  EXPECT_EQ(q.at("type"), "Question");
  ASSERT_TRUE(q.contains("oneOf"));
  EXPECT_FALSE(q.contains("anyOf"));
  const json::array& options = q.at("oneOf").as_array();
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options[0].at("type"), "Note");
  EXPECT_EQ(options[0].at("name"), "Tea");
  EXPECT_EQ(options[0].at("replies").at("type"), "Collection");
  EXPECT_EQ(total_items(options[0]), 3);
  EXPECT_EQ(total_items(options[1]), 1);
  EXPECT_EQ(str(q.at("endTime")), rfc3339(end).substr(0, 19) + "Z");
  EXPECT_FALSE(q.contains("closed"));
  EXPECT_EQ(q.at("votersCount").to_number<std::int64_t>(), 3);
  EXPECT_EQ(q.at("content"), "<p>Which?</p>");
}

TEST(FederationPolls, MultipleChoiceUsesAnyOfAndAnEndedPollIsClosed) {
  App app = make_app();
  std::int64_t end = now_unix_ms() - 1000;
  json::object q = question(app, poll(true, false, end));
  ASSERT_TRUE(q.contains("anyOf"));
  EXPECT_FALSE(q.contains("oneOf"));
  EXPECT_EQ(q.at("closed"), q.at("endTime"));
}

TEST(FederationPolls, HiddenTotalsAreZeroUntilTheEnd) {
  App app = make_app();
  json::object open = question(app, poll(false, true, now_unix_ms() + 60'000));
  EXPECT_EQ(total_items(open.at("oneOf").as_array()[0]), 0);
  json::object ended = question(app, poll(false, true, now_unix_ms() - 60'000));
  EXPECT_EQ(total_items(ended.at("oneOf").as_array()[0]), 3);
}

TEST(FederationPolls, QuestionRoundTripsThroughTheParser) {
  App app = make_app();
  std::int64_t end = (now_unix_ms() / 1000 + 3600) * 1000;
  json::object q = question(app, poll(true, false, end));
  auto post = as::parse_post(q);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->type, "Question");
  auto parsed = poll_of(*post);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->options.size(), 2u);
  EXPECT_EQ(parsed->options[0].title, "Tea");
  EXPECT_EQ(parsed->options[0].votes_count, 3);
  EXPECT_EQ(parsed->options[1].title, "Coffee");
  EXPECT_TRUE(parsed->multiple);
  EXPECT_EQ(parsed->expires_at, end);
  EXPECT_EQ(parsed->voters_count, 3);
  EXPECT_EQ(parsed->uri, std::optional<std::string>(app.status_uri("alice", 9)));
}

TEST(FederationPolls, UpdateOfAQuestionCarriesItWhole) {
  App app = make_app();
  json::object q = question(app, poll(false, false, now_unix_ms() + 60'000));
  json::object update = update_question_activity(q, 1700000000123);
  EXPECT_EQ(update.at("type"), "Update");
  EXPECT_EQ(str(update.at("id")), app.status_uri("alice", 9) + "#updates/1700000000123");
  EXPECT_EQ(str(update.at("actor")), app.account_uri("alice"));
  EXPECT_EQ(update.at("object").at("type"), "Question");
  EXPECT_FALSE(update.at("object").as_object().contains("@context"));
  EXPECT_EQ(update.at("to"), q.at("to"));
}

TEST(FederationPolls, VoteIsANamedNoteWithoutContent) {
  App app = make_app();
  store::Account voter = author(app);
  json::object create = vote_activity(voter, 42, "Coffee", "https://b.example/users/bob/statuses/1",
                                      "https://b.example/users/bob");
  EXPECT_EQ(create.at("type"), "Create");
  EXPECT_EQ(str(create.at("id")), voter.uri + "#votes/42/activity");
  EXPECT_EQ(create.at("to"), "https://b.example/users/bob");
  const json::object& note = create.at("object").as_object();
  EXPECT_EQ(note.at("type"), "Note");
  EXPECT_EQ(str(note.at("id")), voter.uri + "#votes/42");
  EXPECT_EQ(note.at("name"), "Coffee");
  EXPECT_EQ(note.at("inReplyTo"), "https://b.example/users/bob/statuses/1");
  EXPECT_EQ(str(note.at("attributedTo")), voter.uri);
  EXPECT_FALSE(note.contains("content"));
  auto post = as::parse_post(note);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->name, "Coffee");
  EXPECT_TRUE(post->content.empty());
  EXPECT_EQ(post->in_reply_to, "https://b.example/users/bob/statuses/1");
  EXPECT_FALSE(post->poll);
}

TEST(FederationPolls, RemoteQuestionsBecomePolls) {
  // Compacted keys, nameMap titles, a closed time without endTime, no votersCount.
  json::object q = json::parse(R"({"type": "as:Question", "id": "https://x.example/q/2",
    "attributedTo": "https://x.example/users/a", "content": "<p>Q</p>",
    "closed": "2020-01-01T00:00:00Z",
    "as:oneOf": [{"type": "Note", "nameMap": {"en": "<b>Yes</b>"}, "replies": {"totalItems": 5}},
                 {"type": "Note", "name": "No"}]})")
                       .as_object();
  auto post = as::parse_post(q);
  ASSERT_TRUE(post);
  auto p = poll_of(*post);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->multiple);
  ASSERT_EQ(p->options.size(), 2u);
  EXPECT_EQ(p->options[0].title, "Yes");  // markup stripped
  EXPECT_EQ(p->options[0].votes_count, 5);
  EXPECT_EQ(p->options[1].votes_count, 0);
  EXPECT_EQ(p->expires_at, 1577836800000);
  EXPECT_TRUE(p->expired(now_unix_ms()));
  EXPECT_FALSE(p->voters_count);

  // closed: true with a future endTime: ended now.
  q["closed"] = true;
  q["endTime"] = "2099-01-01T00:00:00Z";
  auto closed = poll_of(*as::parse_post(q));
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed->expired(now_unix_ms() + 1));

  // A Note is not a poll; a Question without options neither.
  EXPECT_FALSE(poll_of(*as::parse_post(
      json::parse(R"({"type":"Note","id":"https://x/n","content":"x"})").as_object())));
  EXPECT_FALSE(poll_of(*as::parse_post(
      json::parse(R"({"type":"Question","id":"https://x/q","content":"x"})").as_object())));
}
