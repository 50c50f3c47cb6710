// Custom emoji: which shortcodes a text uses, the registry's per-domain lookup, Emoji tags read
// from other servers and written on outgoing notes and actors.
#include "service/custom_emojis.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app.hpp"
#include "federation/activitystreams.hpp"
#include "federation/serialize.hpp"

namespace json = boost::json;
using namespace herd;

namespace {

store::CustomEmoji emoji(const std::string& shortcode, const std::string& domain) {
  store::CustomEmoji e;
  e.id = 7;
  e.shortcode = shortcode;
  e.domain = domain;
  if (domain.empty()) {
    e.file_path = "media/000/000/007/original.png";
    e.content_type = "image/png";
  } else {
    e.image_url = "https://" + domain + "/files/" + shortcode + ".png";
  }
  e.updated_at = 1700000000000;
  return e;
}

std::vector<std::string> codes(const std::vector<store::CustomEmoji>& emojis) {
  std::vector<std::string> out;
  for (const auto& e : emojis) out.push_back(e.shortcode + "@" + e.domain);
  return out;
}

}  // namespace

TEST(CustomEmojis, ShortcodesInText) {
  using V = std::vector<std::string>;
  EXPECT_EQ(service::shortcodes_in("<p>hi :blobcat: and :blob_cat2: :party:<br>:blobcat:</p>"),
            (V{"blobcat", "blob_cat2", "party"}));
  EXPECT_EQ(service::shortcodes_in("a :x: is too short, 10:30:45 is a time, :ab::cd: touch"), V{});
  EXPECT_EQ(service::shortcodes_in(":not closed, :with space: or :dash-ed:"), V{});
  EXPECT_TRUE(service::valid_shortcode("blob_cat2"));
  EXPECT_FALSE(service::valid_shortcode("b"));
  EXPECT_FALSE(service::valid_shortcode("blob-cat"));
}

TEST(CustomEmojis, RegistryLooksUpTheAuthorsDomain) {
  service::CustomEmojiRegistry registry;
  registry.remember({emoji("blobcat", ""), emoji("blobcat", "misskey.test"), emoji("fox", "")});
  EXPECT_EQ(codes(registry.used_in("", {"<p>:fox: :blobcat: :fox:</p>", ":nothere:"})),
            (std::vector<std::string>{"fox@", "blobcat@"}));
  EXPECT_EQ(codes(registry.used_in("misskey.test", {":fox: :blobcat:"})),
            std::vector<std::string>{"blobcat@misskey.test"});
  registry.remember({emoji("fox", "")}, true);
  EXPECT_TRUE(registry.used_in("", {":fox:"}).empty());
}

TEST(CustomEmojis, MisskeyEmojiTagsAreRead) {
  json::object note = json::parse(R"({"type":"Note","tag":[
      {"id":"https://m.test/emojis/blobcat","type":"Emoji","name":":blobcat:",
       "icon":{"type":"Image","mediaType":"image/png","url":"https://m.test/files/blobcat.png"}},
      {"type":"Emoji","name":"bare","icon":"https://m.test/files/bare.gif"},
      {"type":"Emoji","name":":noicon:"},
      {"type":"Hashtag","name":"#cats"}]})")
                          .as_object();
  auto emojis = federation::as::parse_emojis(note);
  ASSERT_EQ(emojis.size(), 2u);
  EXPECT_EQ(emojis[0].shortcode, "blobcat");
  EXPECT_EQ(emojis[0].url, "https://m.test/files/blobcat.png");
  EXPECT_EQ(emojis[0].media_type, "image/png");
  EXPECT_EQ(emojis[1].shortcode, "bare");
  EXPECT_EQ(emojis[1].url, "https://m.test/files/bare.gif");
}

TEST(CustomEmojis, OutgoingNotesAndActorsCarryEmojiTags) {
  App app;
  app.config.local_domain = "a.example";
  app.config.local_https = true;
  app.set_base_url();
  auto& registry = service::custom_emoji_registry();
  registry.remember({emoji("unitcat", ""), emoji("remotecat", "b.example")});
  store::Account alice;
  alice.username = "alice";
  alice.uri = app.account_uri("alice");
  alice.display_name = "Alice :unitcat: :remotecat:";
  store::Status s;
  s.uri = app.status_uri("alice", 5);
  s.content = "<p>hello :unitcat:</p>";
  federation::NoteParts parts;
  parts.author = &alice;
  json::array tags = federation::note_json(app, s, parts)["tag"].as_array();
  ASSERT_EQ(tags.size(), 1u);
  json::object tag = tags[0].as_object();
  EXPECT_EQ(tag["type"], "Emoji");
  EXPECT_EQ(tag["name"], ":unitcat:");
  json::object icon = tag["icon"].as_object();
  EXPECT_EQ(icon["type"], "Image");
  EXPECT_EQ(icon["mediaType"], "image/png");
  EXPECT_EQ(icon["url"],
            "https://a.example/system/media_attachments/files/000/000/007/original.png");
  json::array actor_tags = federation::actor_json(app, alice)["tag"].as_array();
  ASSERT_EQ(actor_tags.size(), 1u);  // the remote domain's :remotecat: is not ours to publish
  EXPECT_EQ(actor_tags[0].as_object()["name"], ":unitcat:");
  registry.remember({emoji("unitcat", ""), emoji("remotecat", "b.example")}, true);
}

TEST(CustomEmojis, UrlsShowTheCopyAndTheStillOnceMade) {
  App app;
  app.config.local_domain = "a.example";
  app.config.local_https = true;
  app.set_base_url();
  const std::string files = "https://a.example/system/media_attachments/files/000/000/007/";
  store::CustomEmoji animated = emoji("wiggle", "b.example");
  EXPECT_EQ(service::emoji_url(app, animated), "https://b.example/files/wiggle.png");
  EXPECT_EQ(service::emoji_static_url(app, animated), "https://b.example/files/wiggle.png");
  animated.file_path = "media/000/000/007/original.gif";  // the copy, with its still
  animated.static_path = "media/000/000/007/static.png";
  EXPECT_EQ(service::emoji_url(app, animated), files + "original.gif");
  EXPECT_EQ(service::emoji_static_url(app, animated), files + "static.png");
  store::CustomEmoji still = emoji("spool", "b.example");
  still.file_path = "media/000/000/007/original.png";
  EXPECT_EQ(service::emoji_static_url(app, still), files + "original.png");
  store::CustomEmoji older = emoji("blobcat", "");
  older.file_path = "media/000/000/007/original.gif";  // added before stills were made
  EXPECT_EQ(service::emoji_static_url(app, older), files + "original.gif");
}
