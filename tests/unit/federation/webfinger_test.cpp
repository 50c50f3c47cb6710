#include "federation/webfinger.hpp"

#include <gtest/gtest.h>

using namespace herd::federation;
using Kind = WebfingerResource::Kind;

TEST(Webfinger, ResourcesNameAnAccountOrTheInstanceActor) {
  auto ask = [](std::string_view resource) {
    return parse_webfinger_resource(resource, "https://example.com", "example.com",
                                    "www.example.com");
  };
  for (auto resource : {"acct:alice@example.com", "alice@EXAMPLE.com", "@alice@www.example.com",
                        "https://example.com/users/alice", "https://example.com/@alice/#x"}) {
    auto asked = ask(resource);
    EXPECT_EQ(asked.kind, Kind::account) << resource;
    EXPECT_EQ(asked.username, "alice") << resource;
  }
  EXPECT_EQ(ask("https://example.com/actor?x").kind, Kind::instance_actor);
  EXPECT_EQ(ask("acct:example.com@example.com").kind, Kind::instance_actor);
  for (auto resource : {"alice@other.example", "alice", "https://other.example/users/alice",
                        "https://example.com/users/alice/statuses/1", "https://example.com/users/"})
    EXPECT_EQ(ask(resource).kind, Kind::unknown) << resource;
}

TEST(Webfinger, AnswersGiveTheSubjectAndTheActivityPubActor) {
  auto finger = parse_webfinger_document(
      R"({"subject":"acct:Fred@Fedify.Test","links":[{"rel":"self","type":"text/html","href":"x"},
          {"rel":"self","type":"application/activity+json","href":"https://fedify.test/users/fred"}]})");
  ASSERT_TRUE(finger);
  EXPECT_EQ(finger->username, "Fred");
  EXPECT_EQ(finger->domain, "fedify.test");
  EXPECT_EQ(finger->self, "https://fedify.test/users/fred");
  EXPECT_FALSE(parse_webfinger_document(R"({"subject":"acct:a@b","links":[]})"));
  EXPECT_FALSE(parse_webfinger_document("[1]"));
  EXPECT_FALSE(parse_webfinger_document("{"));
}
