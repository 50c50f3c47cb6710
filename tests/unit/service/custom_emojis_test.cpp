// Custom emoji: which shortcodes a text uses, the registry's per-domain lookup, Emoji tags read
// from other servers and written on outgoing notes and actors.
#include "service/custom_emojis.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "../fresh_database.hpp"
#include "app.hpp"
#include "federation/activitystreams.hpp"
#include "federation/serialize.hpp"
#include "store/custom_emojis.hpp"

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

// A new SQLite database with these emojis in its table.
std::unique_ptr<store::Database> database_with(const std::vector<store::CustomEmoji>& emojis) {
  auto db = store::open_database(herd::testing::fresh_database_url("sqlite", "herd_emojis"), 2);
  store::migrate(*db);
  Id id = 7;
  db->write([&](store::Connection& c) {
    for (store::CustomEmoji e : emojis) {
      e.id = id++;
      store::upsert_custom_emoji(c, e);
    }
  });
  return db;
}

std::vector<service::CustomEmojiRegistry::Key> keys_of(
    const std::vector<store::CustomEmoji>& emojis) {
  std::vector<service::CustomEmojiRegistry::Key> out;
  for (const auto& e : emojis) out.emplace_back(e.domain, e.shortcode);
  return out;
}

void delete_emoji(store::Database& db, const std::string& shortcode, const std::string& domain) {
  db.write([&](store::Connection& c) { store::delete_custom_emoji(c, shortcode, domain); });
}

// Runs `after_read` once, right after the `nth` read of `inner` (as another thread that got there
// between a load's read and its keeping what it read).
class InterleavedDatabase : public store::Database {
 public:
  InterleavedDatabase(store::Database& inner, int nth, std::function<void()> after_read)
      : inner_(inner), nth_(nth), after_read_(std::move(after_read)) {}
  void read(const std::function<void(store::Connection&)>& fn) override {
    inner_.read(fn);
    if (--nth_ == 0) after_read_();
  }
  void write(const std::function<void(store::Connection&)>& fn) override { inner_.write(fn); }
  store::Dialect dialect() const override { return inner_.dialect(); }
  std::uint64_t generation() override { return inner_.generation(); }

 private:
  store::Database& inner_;
  int nth_;
  std::function<void()> after_read_;
};

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
  std::vector<store::CustomEmoji> emojis{emoji("blobcat", ""), emoji("blobcat", "misskey.test"),
                                         emoji("fox", "")};
  auto db = database_with(emojis);
  service::CustomEmojiRegistry registry;
  registry.reload(*db, keys_of(emojis));
  EXPECT_EQ(codes(registry.used_in("", {"<p>:fox: :blobcat: :fox:</p>", ":nothere:"})),
            (std::vector<std::string>{"fox@", "blobcat@"}));
  EXPECT_EQ(codes(registry.used_in("misskey.test", {":fox: :blobcat:"})),
            std::vector<std::string>{"blobcat@misskey.test"});
  delete_emoji(*db, "fox", "");
  registry.reload(*db, {{"", "fox"}});  // no longer in the table: forgotten
  EXPECT_TRUE(registry.used_in("", {":fox:"}).empty());
  EXPECT_EQ(codes(registry.used_in("", {":blobcat:"})), std::vector<std::string>{"blobcat@"});
}

// A domain block deletes the domain's emojis and refreshes the registry while a remote media job,
// having just recorded an emoji's copy, reloads it: the job read the table before the delete and
// keeps what it read after the refresh. The emoji must stay gone (test_remote_media's reject_media
// case saw it back now and then).
TEST(CustomEmojis, ALoadThatReadBeforeADeleteDoesNotBringTheEmojiBack) {
  auto db = database_with({emoji("palette", "painter.test"), emoji("spool", "other.test")});
  service::CustomEmojiRegistry registry;
  registry.refresh(*db);
  ASSERT_EQ(registry.used_in("painter.test", {":palette:"}).size(), 1u);
  InterleavedDatabase job_view(*db, 1, [&] {
    delete_emoji(*db, "palette", "painter.test");  // the block, between the job's read and keep
    registry.refresh(*db);
  });
  registry.reload(job_view, {{"painter.test", "palette"}});
  EXPECT_TRUE(registry.used_in("painter.test", {":palette:"}).empty());
  EXPECT_EQ(registry.used_in("other.test", {":spool:"}).size(), 1u);

  // The other way round: a refresh that read the table (its fingerprint, then every row) before a
  // job's change, and keeps what it read after the job's reload, does not undo it.
  db->write([](store::Connection& c) {
    store::CustomEmoji wiggle = emoji("wiggle", "other.test");
    wiggle.id = 20;
    store::upsert_custom_emoji(c, wiggle);
  });
  InterleavedDatabase periodic(*db, 2, [&] {
    db->write([](store::Connection& c) {
      auto row = store::find_custom_emoji(c, "wiggle", "other.test");
      store::set_custom_emoji_file(c, row->id, row->image_url, "media/copy.gif", "", 1800000000000);
    });
    registry.reload(*db, {{"other.test", "wiggle"}});
  });
  registry.refresh(periodic);
  auto shown = registry.used_in("other.test", {":wiggle:"});
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].file_path, "media/copy.gif");
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
  auto db = database_with({emoji("unitcat", ""), emoji("remotecat", "b.example")});
  auto& registry = service::custom_emoji_registry();
  registry.reload(*db, {{"", "unitcat"}, {"b.example", "remotecat"}});
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
  delete_emoji(*db, "unitcat", "");
  delete_emoji(*db, "remotecat", "b.example");
  registry.reload(*db, {{"", "unitcat"}, {"b.example", "remotecat"}});
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
