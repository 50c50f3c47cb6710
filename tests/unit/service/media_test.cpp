// Media services (service/media) and media on statuses: upload checks, ownership, attaching with
// post_status, removal with delete_status, the disk quota.
#include "service/media.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>

#include "api/mastodon/entities.hpp"
#include "core/error.hpp"
#include "service/statuses.hpp"
#include "status_fixture.hpp"

namespace herd {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string be32(std::uint32_t v) {
  std::string out;
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((v >> shift) & 0xFF));
  return out;
}

std::string chunk(const std::string& type, const std::string& data) {
  std::string body = type + data;
  auto crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return be32(static_cast<std::uint32_t>(data.size())) + body +
         be32(static_cast<std::uint32_t>(crc));
}

// A real, decodable RGB PNG of w×h pixels (a gradient), as libvips must decode uploads.
std::string png(std::uint32_t w, std::uint32_t h) {
  std::string rows;
  for (std::uint32_t y = 0; y < h; ++y) {
    rows.push_back('\0');  // filter: none
    for (std::uint32_t x = 0; x < w; ++x) {
      rows.push_back(static_cast<char>(x * 255 / std::max(w, 1u)));
      rows.push_back(static_cast<char>(y * 255 / std::max(h, 1u)));
      rows.push_back(static_cast<char>(0x80));
    }
  }
  uLongf size = compressBound(static_cast<uLong>(rows.size()));
  std::string deflated(size, '\0');
  compress(reinterpret_cast<Bytef*>(deflated.data()), &size,
           reinterpret_cast<const Bytef*>(rows.data()), static_cast<uLong>(rows.size()));
  deflated.resize(size);
  return std::string("\x89PNG\r\n\x1a\n", 8) +
         chunk("IHDR", be32(w) + be32(h) + std::string("\x08\x02\x00\x00\x00", 5)) +
         chunk("IDAT", deflated) + chunk("IEND", "");
}

class Media : public testing::StatusFixture {
 protected:
  void SetUp() override {
    StatusFixture::SetUp();
    std::string pattern = (fs::temp_directory_path() / "herd-media-service-XXXXXX").string();
    data_dir = mkdtemp(pattern.data());
    app.config.data_dir = data_dir.string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(data_dir, ec);
  }

  store::MediaAttachment upload(Id account, const std::string& bytes = png(40, 30)) {
    service::NewMedia in;
    in.file = bytes;
    return service::upload_media(app, account, in);
  }
  store::Status post(Id author, const std::string& text, std::vector<std::string> media_ids) {
    service::NewStatus in;
    in.text = text;
    in.media_ids = std::move(media_ids);
    return service::post_status(app, author, in);
  }
  // The error's status and message, or (200, "") when fn does not throw.
  std::pair<int, std::string> error_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ApiError& e) {
      return {e.status(), e.what()};
    }
    return {200, ""};
  }
  bool stored(const store::MediaAttachment& m) { return fs::exists(data_dir / m.file); }

  fs::path data_dir;
};

TEST_F(Media, UploadSniffsTheTypeAndReadsTheSize) {
  service::NewMedia in;
  in.file = png(640, 480);
  in.description = "a test image";
  in.focus = "0.5,-0.25";
  auto m = service::upload_media(app, alice, in);
  EXPECT_EQ(m.type, "image");
  EXPECT_EQ(m.content_type, "image/png");
  EXPECT_EQ(m.width, 640);
  EXPECT_EQ(m.height, 480);
  EXPECT_EQ(m.description, "a test image");
  EXPECT_DOUBLE_EQ(*m.focus_x, 0.5);
  EXPECT_DOUBLE_EQ(*m.focus_y, -0.25);
  EXPECT_FALSE(m.status_id);
  EXPECT_TRUE(stored(m));
  EXPECT_EQ(m.file.substr(m.file.size() - 13), "/original.png");

  json::object o = api::media_attachment_json(app, m);
  EXPECT_EQ(o["url"].as_string(),
            "https://example.test/system/media_attachments/files/" + m.file.substr(6));
  EXPECT_EQ(o["preview_url"].as_string(), "https://example.test/system/media_attachments/files/" +
                                              m.file.substr(6, m.file.size() - 6 - 12) +
                                              "small.png");
  EXPECT_EQ(o["meta"].at("original").at("size").as_string(), "640x480");
  // The preview fits Mastodon's 640×360 in pixel count: 553×415 keeps 4:3.
  EXPECT_EQ(o["meta"].at("small").at("size").as_string(), "553x415");
  ASSERT_TRUE(o["blurhash"].is_string());
  EXPECT_EQ(o["blurhash"].as_string().size(), 36u);  // 4×4 components
  EXPECT_TRUE(o["remote_url"].is_null());
}

TEST_F(Media, UploadRefusals) {
  EXPECT_EQ(error_of([&] { upload(alice, "<html><script>alert(1)</script></html>"); }),
            std::make_pair(422, std::string("Validation failed: File content type is invalid")));
  EXPECT_EQ(error_of([&] { upload(alice, ""); }).first, 422);
  EXPECT_EQ(error_of([&] { upload(alice, png(0, 10)); }).first, 422);  // no usable size
  service::NewMedia in;
  in.file = png(1, 1);
  in.description = std::string(1501, 'd');
  EXPECT_EQ(error_of([&] { service::upload_media(app, alice, in); }).first, 422);
  in.description.reset();
  in.thumbnail = "not an image";
  EXPECT_EQ(error_of([&] { service::upload_media(app, alice, in); }).first, 422);
  EXPECT_FALSE(fs::exists(data_dir / "media") && !fs::is_empty(data_dir / "media"));
}

TEST_F(Media, FocusParsing) {
  EXPECT_EQ(service::parse_focus("0.5,-0.25"), std::make_pair(0.5, -0.25));
  EXPECT_EQ(service::parse_focus("2,-3"), std::make_pair(1.0, -1.0));
  EXPECT_EQ(service::parse_focus("x,0.1"), std::make_pair(0.0, 0.1));
  EXPECT_EQ(service::parse_focus(" 0.3, +0.4"), std::make_pair(0.3, 0.4));
  EXPECT_EQ(service::parse_focus("0.7"), std::make_pair(0.7, 0.0));
  EXPECT_EQ(service::parse_focus("nan,inf"), std::make_pair(0.0, 0.0));
}

TEST_F(Media, OnlyTheOwnerSeesUpdatesOrDeletes) {
  auto m = upload(alice);
  EXPECT_EQ(service::find_own_media(app, alice, m.id).id, m.id);
  EXPECT_EQ(error_of([&] { service::find_own_media(app, bob, m.id); }).first, 404);
  service::MediaUpdate update;
  update.description = "alt text";
  update.focus = "-1,1";
  EXPECT_EQ(error_of([&] { service::update_media(app, bob, m.id, update); }).first, 404);
  EXPECT_EQ(error_of([&] { service::delete_media(app, bob, m.id); }).first, 404);
  auto updated = service::update_media(app, alice, m.id, update);
  EXPECT_EQ(updated.description, "alt text");
  EXPECT_DOUBLE_EQ(*updated.focus_x, -1.0);
  update = {};
  update.description = "";
  EXPECT_FALSE(service::update_media(app, alice, m.id, update).description);  // "" clears
  service::delete_media(app, alice, m.id);
  EXPECT_FALSE(stored(m));
  EXPECT_EQ(error_of([&] { service::find_own_media(app, alice, m.id); }).first, 404);
}

TEST_F(Media, PostingAttachesInOrderAndAllowsEmptyText) {
  auto a = upload(alice), b = upload(alice, png(10, 10));
  store::Status s = post(alice, "", {std::to_string(b.id), std::to_string(a.id)});
  EXPECT_TRUE(s.has_media);
  EXPECT_TRUE(status(s.id).has_media);
  auto media =
      app.db->read_value([&](store::Connection& c) { return store::load_status_media(c, {s.id}); });
  ASSERT_EQ(media[s.id].size(), 2u);
  EXPECT_EQ(media[s.id][0].id, b.id);  // the order given
  EXPECT_EQ(media[s.id][1].id, a.id);

  store::Status stored_status = status(s.id);
  json::object rendered = app.db->read_value([&](store::Connection& c) {
    return api::StatusRenderer(app, c, alice).render_one(stored_status);
  });
  ASSERT_EQ(rendered["media_attachments"].as_array().size(), 2u);
  EXPECT_EQ(rendered["media_attachments"].as_array()[0].at("id").as_string(), std::to_string(b.id));

  // Attached media can no longer be updated, deleted or attached again.
  service::MediaUpdate update;
  update.description = "late";
  EXPECT_EQ(error_of([&] { service::update_media(app, alice, a.id, update); }).first, 404);
  EXPECT_EQ(error_of([&] { service::delete_media(app, alice, a.id); }).first, 422);
  EXPECT_EQ(error_of([&] { post(alice, "again", {std::to_string(a.id)}); }).first, 422);
  EXPECT_EQ(error_of([&] { post(alice, "", {}); }).first, 422);  // blank without media
}

TEST_F(Media, PostingRefusesOthersMediaUnknownIdsAndMoreThanFour) {
  auto mine = upload(alice), theirs = upload(bob);
  auto [code, message] = error_of([&] { post(alice, "x", {std::to_string(theirs.id)}); });
  EXPECT_EQ(code, 422);
  EXPECT_NE(message.find(std::to_string(theirs.id)), std::string::npos);
  EXPECT_EQ(error_of([&] { post(alice, "x", {"12345"}); }).first, 422);
  EXPECT_EQ(error_of([&] { post(alice, "x", {"not-an-id"}); }).first, 422);
  std::vector<std::string> five;
  for (int i = 0; i < 5; ++i) five.push_back(std::to_string(upload(alice).id));
  EXPECT_EQ(error_of([&] { post(alice, "x", five); }).first, 422);
  // Nothing was attached by the refused posts.
  EXPECT_FALSE(service::find_own_media(app, alice, mine.id).status_id);
  EXPECT_FALSE(service::find_own_media(app, bob, theirs.id).status_id);
  five.pop_back();
  EXPECT_TRUE(post(alice, "four", five).has_media);
}

TEST_F(Media, DeletingTheStatusDeletesItsMedia) {
  auto m = upload(alice);
  store::Status s = post(alice, "with a picture", {std::to_string(m.id)});
  EXPECT_TRUE(stored(m));
  service::delete_status(app, alice, s.id);
  EXPECT_FALSE(stored(m));
  EXPECT_EQ(error_of([&] { service::find_own_media(app, alice, m.id); }).first, 404);
}

TEST_F(Media, DiskQuotaRefusesTheUpload) {
  app.config.disk_quota_bytes = 16;  // smaller than any PNG with its chunks
  auto [code, message] = error_of([&] { upload(alice); });
  EXPECT_EQ(code, 422);
  EXPECT_EQ(message.rfind("Disk quota exceeded: ", 0), 0u) << message;
  EXPECT_NE(message.find(" of 16 B used"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(data_dir / "media") && !fs::is_empty(data_dir / "media"));
}

}  // namespace
}  // namespace herd
