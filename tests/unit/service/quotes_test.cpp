// Quote policies (service/quotes): QuoteApproval.current_user for each policy and relationship,
// the policy private and direct statuses get, the RE: fallback; and the FEP-044f note properties
// as parsed from the FEP's own examples (federation/activitystreams).
#include "service/quotes.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "federation/activitystreams.hpp"
#include "federation/quotes.hpp"

namespace herd {
namespace {

store::Status status_with(const std::string& policy, store::Visibility visibility,
                          const std::string& manual = "") {
  store::Status s;
  s.id = 1;
  s.account_id = 10;
  s.uri = "https://example.com/users/alice/statuses/1";
  s.url = "https://example.com/@alice/1";
  s.visibility = visibility;
  s.quote_policy = policy;
  s.quote_policy_manual = manual;
  return s;
}

TEST(QuoteApproval, EachPolicyForEachViewer) {
  using V = store::Visibility;
  store::Relationship none, follower, blocked;
  follower.following = true;
  blocked.blocked_by = true;
  auto pub = status_with("public", V::public_);
  EXPECT_EQ(service::quote_approval_for(pub, 20, none), "automatic");
  EXPECT_EQ(service::quote_approval_for(pub, 0, none), "unknown");
  EXPECT_EQ(service::quote_approval_for(pub, 20, blocked), "denied");
  auto followers = status_with("followers", V::public_);
  EXPECT_EQ(service::quote_approval_for(followers, 20, none), "denied");
  EXPECT_EQ(service::quote_approval_for(followers, 20, follower), "automatic");
  auto nobody = status_with("nobody", V::public_);
  EXPECT_EQ(service::quote_approval_for(nobody, 20, follower), "denied");
  EXPECT_EQ(service::quote_approval_for(nobody, 10, none), "automatic") << "the author";
  auto manual = status_with("nobody", V::public_, "public");
  EXPECT_EQ(service::quote_approval_for(manual, 20, none), "manual");
  auto direct = status_with("public", V::direct);
  EXPECT_EQ(service::quote_approval_for(direct, 10, none), "denied") << "not even the author";
}

TEST(QuoteApproval, PrivateAndDirectAreNobody) {
  EXPECT_EQ(service::effective_quote_policy(store::Visibility::private_, "public"), "nobody");
  EXPECT_EQ(service::effective_quote_policy(store::Visibility::direct, "followers"), "nobody");
  EXPECT_EQ(service::effective_quote_policy(store::Visibility::unlisted, "followers"), "followers");
  EXPECT_EQ(service::read_quote_policy(std::string("followers")), "followers");
  EXPECT_FALSE(service::read_quote_policy(std::string()));
  EXPECT_THROW(service::read_quote_policy(std::string("everyone")), ApiError);
}

TEST(QuoteFallback, PrependedUnlessLinked) {
  auto quoted = status_with("public", store::Visibility::public_);
  EXPECT_EQ(service::with_quote_fallback("<p>hi</p>", "hi", quoted),
            "<p class=\"quote-inline\">RE: <a href=\"https://example.com/@alice/1\">"
            "https://example.com/@alice/1</a></p><p>hi</p>");
  EXPECT_EQ(service::with_quote_fallback("<p>x</p>", "see https://example.com/@alice/1", quoted),
            "<p>x</p>");
}

// The FEP-044f examples: a quote post with its authorization, and a policy for followers.
TEST(QuoteParsing, FepExamples) {
  auto note = boost::json::parse(R"({
    "@context": ["https://www.w3.org/ns/activitystreams",
                 {"quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
                  "quoteAuthorization": "https://w3id.org/fep/044f#quoteAuthorization"}],
    "type": "Note", "id": "https://example.com/users/bob/statuses/1",
    "attributedTo": "https://example.com/users/bob",
    "to": ["https://www.w3.org/ns/activitystreams#Public", "https://example.com/users/alice"],
    "content": "I am quoting alice's post<br/>RE: https://example.com/users/alice/statuses/1",
    "quote": "https://example.com/users/alice/statuses/1",
    "quoteAuthorization": "https://example.com/users/alice/stamps/1"})")
                  .as_object();
  auto post = federation::as::parse_post(note);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->quote, "https://example.com/users/alice/statuses/1");
  EXPECT_EQ(post->quote_authorization, "https://example.com/users/alice/stamps/1");
  EXPECT_FALSE(post->has_quote_policy);

  auto policy = boost::json::parse(R"({
    "interactionPolicy": {"canQuote": {"automaticApproval": "https://example.com/users/alice/followers"}},
    "type": "Note", "id": "https://example.com/users/alice/statuses/1",
    "attributedTo": "https://example.com/users/alice",
    "to": "https://www.w3.org/ns/activitystreams#Public",
    "content": "I allow my followers to quote this post"})")
                    .as_object();
  post = federation::as::parse_post(policy);
  ASSERT_TRUE(post);
  EXPECT_TRUE(post->has_quote_policy);
  EXPECT_EQ(post->quote_automatic,
            std::vector<std::string>{"https://example.com/users/alice/followers"});
  EXPECT_TRUE(post->quote_manual.empty());

  auto misskey = boost::json::parse(R"({"type": "Note", "id": "https://m.example/notes/1",
    "attributedTo": "https://m.example/users/x", "content": "q",
    "_misskey_quote": "https://example.com/users/alice/statuses/1"})")
                     .as_object();
  EXPECT_EQ(federation::as::parse_post(misskey)->quote,
            "https://example.com/users/alice/statuses/1");
}

TEST(QuoteParsing, PolicyOfARemoteNote) {
  store::Account author;
  author.uri = "https://example.com/users/alice";
  author.followers_url = "https://example.com/users/alice/followers";
  federation::as::Post post;
  store::Status status;
  federation::apply_quote_policy(post, author, status);
  EXPECT_EQ(status.quote_policy, "nobody") << "no canQuote: nobody";
  post.has_quote_policy = true;
  post.quote_automatic = {"https://www.w3.org/ns/activitystreams#Public"};
  federation::apply_quote_policy(post, author, status);
  EXPECT_EQ(status.quote_policy, "public");
  post.quote_automatic = {"https://example.com/users/alice"};
  post.quote_manual = {"https://example.com/users/alice/followers"};
  federation::apply_quote_policy(post, author, status);
  EXPECT_EQ(status.quote_policy, "nobody");
  EXPECT_EQ(status.quote_policy_manual, "followers");
}

}  // namespace
}  // namespace herd
