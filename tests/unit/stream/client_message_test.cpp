#include "stream/client_message.hpp"

#include <gtest/gtest.h>

using namespace herd::stream;
using Kind = ClientMessage::Kind;

TEST(StreamClientMessage, SubscribeAndUnsubscribe) {
  auto m = parse_client_message(
      R"({"type":"subscribe","stream":"hashtag","tag":"cats","only_media":"true"})");
  EXPECT_EQ(m.kind, Kind::subscribe);
  ASSERT_TRUE(m.params);
  EXPECT_EQ(m.params->name, "hashtag");
  EXPECT_EQ(m.params->tag, "cats");
  EXPECT_TRUE(m.params->only_media);
  m = parse_client_message(R"({"type":"unsubscribe","stream":"list","list":1})");
  EXPECT_EQ(m.kind, Kind::unsubscribe);
  ASSERT_TRUE(m.params);
  EXPECT_EQ(m.params->list, "1");
  EXPECT_FALSE(parse_client_message(R"({"type":"subscribe"})").params);
}

TEST(StreamClientMessage, OtherTypesAreIgnoredAndBadShapesAreErrors) {
  EXPECT_EQ(parse_client_message(R"({"type":"ping"})").kind, Kind::ignored);
  EXPECT_EQ(parse_client_message(R"({"type":["subscribe"]})").kind, Kind::ignored);
  EXPECT_EQ(parse_client_message("not json").kind, Kind::malformed);
  EXPECT_EQ(parse_client_message("[]").error, "Malformed message");
  // Before, a tag given as an array escaped as an exception and the client got no answer.
  auto m = parse_client_message(R"({"type":"subscribe","stream":"hashtag","tag":["a"]})");
  EXPECT_EQ(m.kind, Kind::malformed);
  EXPECT_EQ(m.error, "Parameter tag must be a string");
}
