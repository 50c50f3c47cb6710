// media/sniff: the type of an upload from its bytes, and image sizes from their headers.
#include "media/sniff.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herd::media {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}
std::string be32(std::uint32_t v) {
  return bytes({int(v >> 24) & 0xFF, int(v >> 16) & 0xFF, int(v >> 8) & 0xFF, int(v) & 0xFF});
}
std::string le16(std::uint32_t v) {
  return bytes({int(v) & 0xFF, int(v >> 8) & 0xFF});
}
std::string le24(std::uint32_t v) {
  return bytes({int(v) & 0xFF, int(v >> 8) & 0xFF, int(v >> 16) & 0xFF});
}
std::string le32(std::uint32_t v) {
  return le16(v & 0xFFFF) + le16(v >> 16);
}

std::string png(std::uint32_t w, std::uint32_t h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(w) + be32(h) +
         bytes({8, 2, 0, 0, 0}) + be32(0) + be32(0) + "IEND" + be32(0);
}

// SOI, an APP0 (JFIF) segment, a DQT, then a baseline or progressive frame header.
std::string jpeg(std::uint32_t w, std::uint32_t h, int sof = 0xC0) {
  std::string out =
      bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}) + "JFIF" + bytes({0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
  out += bytes({0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01});  // a (short) quantisation table
  out += bytes({0xFF, sof, 0x00, 0x11, 0x08}) + bytes({int(h >> 8), int(h & 0xFF)}) +
         bytes({int(w >> 8), int(w & 0xFF)}) + bytes({3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
  out += bytes({0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9});
  return out;
}

std::string gif(std::uint32_t w, std::uint32_t h) {
  return "GIF89a" + le16(w) + le16(h) + bytes({0xF7, 0, 0}) + ";";
}

std::string riff(const std::string& form, const std::string& chunks) {
  return "RIFF" + le32(static_cast<std::uint32_t>(4 + chunks.size())) + form + chunks;
}

std::string webp_vp8(std::uint32_t w, std::uint32_t h) {
  std::string data = bytes({0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A}) + le16(w) + le16(h) + "xxxx";
  return riff("WEBP", "VP8 " + le32(static_cast<std::uint32_t>(data.size())) + data);
}
std::string webp_vp8l(std::uint32_t w, std::uint32_t h) {
  std::uint32_t bits = (w - 1) | ((h - 1) << 14);
  std::string data = bytes({0x2F}) + le32(bits) + "xxxx";
  return riff("WEBP", "VP8L" + le32(static_cast<std::uint32_t>(data.size())) + data);
}
std::string webp_vp8x(std::uint32_t w, std::uint32_t h) {
  std::string data = bytes({0x10, 0, 0, 0}) + le24(w - 1) + le24(h - 1);
  return riff("WEBP", "VP8X" + le32(static_cast<std::uint32_t>(data.size())) + data);
}

std::string ftyp(const std::string& major, const std::vector<std::string>& compatible) {
  std::string brands;
  for (const auto& b : compatible) brands += b;
  return be32(static_cast<std::uint32_t>(16 + brands.size())) + "ftyp" + major + be32(0) + brands;
}

std::string avif(std::uint32_t w, std::uint32_t h) {
  return ftyp("avif", {"avif", "mif1", "miaf"}) + be32(20) + "ispe" + be32(0) + be32(w) + be32(h);
}

TEST(Sniff, Images) {
  EXPECT_EQ(sniff(png(3, 2))->content_type, "image/png");
  EXPECT_EQ(sniff(png(3, 2))->extension, "png");
  EXPECT_EQ(sniff(jpeg(3, 2))->content_type, "image/jpeg");
  EXPECT_EQ(sniff(gif(3, 2))->content_type, "image/gif");
  EXPECT_EQ(sniff(webp_vp8(3, 2))->content_type, "image/webp");
  EXPECT_EQ(sniff(avif(3, 2))->content_type, "image/avif");
  for (const auto& image : {png(1, 1), jpeg(1, 1), gif(1, 1), webp_vp8l(1, 1), avif(1, 1)})
    EXPECT_EQ(sniff(image)->type, "image");
}

TEST(Sniff, VideoAndAudio) {
  auto mp4 = sniff(ftyp("isom", {"isom", "iso2", "avc1", "mp41"}) + "moov");
  ASSERT_TRUE(mp4);
  EXPECT_EQ(mp4->type, "video");
  EXPECT_EQ(mp4->content_type, "video/mp4");
  EXPECT_EQ(sniff(ftyp("mp42", {"mp42", "mp41"}))->extension, "mp4");
  EXPECT_EQ(sniff(ftyp("qt  ", {"qt  "}))->content_type, "video/quicktime");
  auto m4a = sniff(ftyp("M4A ", {"M4A ", "mp42", "isom"}));
  EXPECT_EQ(m4a->type, "audio");
  EXPECT_EQ(m4a->content_type, "audio/mp4");
  EXPECT_FALSE(sniff(ftyp("heic", {"mif1", "heic"})));  // HEIC is not supported

  std::string webm =
      bytes({0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84}) + "webm" +
      bytes({0x42, 0x87, 0x81, 0x04});
  EXPECT_EQ(sniff(webm)->content_type, "video/webm");
  std::string mkv = bytes({0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x88}) + "matroska";
  EXPECT_FALSE(sniff(mkv));

  EXPECT_EQ(sniff("ID3\x04\x00\x00\x00\x00\x00\x00rest")->content_type, "audio/mpeg");
  EXPECT_EQ(sniff(bytes({0xFF, 0xFB, 0x90, 0x64, 0, 0}))->content_type, "audio/mpeg");
  EXPECT_EQ(sniff("OggS\x00\x02rest")->content_type, "audio/ogg");
  EXPECT_EQ(sniff("fLaC\x00\x00\x00\x22")->content_type, "audio/flac");
  auto wav = sniff(riff("WAVE", "fmt " + le32(16) + std::string(16, '\0')));
  EXPECT_EQ(wav->content_type, "audio/wav");
  EXPECT_EQ(wav->type, "audio");
}

TEST(Sniff, RefusesEverythingElse) {
  EXPECT_FALSE(sniff(""));
  EXPECT_FALSE(sniff("hello, world"));
  EXPECT_FALSE(sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
  EXPECT_FALSE(sniff("<!DOCTYPE html><html><script>alert(1)</script>"));
  EXPECT_FALSE(sniff("%PDF-1.7\n"));
  EXPECT_FALSE(sniff(bytes({0x50, 0x4B, 0x03, 0x04})));  // zip
  EXPECT_FALSE(sniff(bytes({0x7F, 'E', 'L', 'F'})));
  EXPECT_FALSE(sniff(std::string("\x89PNG", 4)));        // truncated signature
  EXPECT_FALSE(sniff(bytes({0xFF, 0xF1, 0x50, 0x80})));  // AAC ADTS, not MPEG audio layer 1-3
  EXPECT_FALSE(sniff(riff("AVI ", "LIST")));
}

TEST(ImageDimensions, EachFormat) {
  auto check = [](const std::string& image, std::uint32_t w, std::uint32_t h) {
    auto size = image_dimensions(image);
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(size->width, w);
    EXPECT_EQ(size->height, h);
  };
  check(png(640, 480), 640, 480);
  check(png(1, 70000), 1, 70000);
  check(jpeg(1920, 1080), 1920, 1080);
  check(jpeg(300, 200, 0xC2), 300, 200);  // progressive
  check(gif(500, 20), 500, 20);
  check(webp_vp8(320, 240), 320, 240);
  check(webp_vp8l(16383, 1), 16383, 1);
  check(webp_vp8x(4000, 3000), 4000, 3000);
  check(avif(1024, 768), 1024, 768);
}

TEST(ImageDimensions, JpegSkipsFillBytesAndMarkersWithoutSegments) {
  std::string image = jpeg(10, 20);
  image.insert(2, bytes({0xFF, 0xFF}));  // fill bytes before APP0
  auto size = image_dimensions(image);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 10u);
  EXPECT_EQ(size->height, 20u);
  // DHT (C4) is not a frame header even though it sits among the SOF markers.
  std::string with_dht =
      bytes({0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x04, 0x00, 0x00}) + jpeg(7, 9).substr(2);
  size = image_dimensions(with_dht);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 7u);
}

TEST(ImageDimensions, TruncatedOrMalformedIsNullopt) {
  for (const std::string& image : {png(10, 10), jpeg(10, 10), gif(10, 10), webp_vp8(10, 10),
                                   webp_vp8l(10, 10), webp_vp8x(10, 10), avif(10, 10)}) {
    // Every prefix is safe to read; prefixes cut inside the header give no size.
    for (std::size_t n = 0; n < image.size(); ++n) (void)image_dimensions(image.substr(0, n));
  }
  EXPECT_FALSE(image_dimensions(png(10, 10).substr(0, 20)));
  EXPECT_FALSE(image_dimensions(gif(10, 10).substr(0, 9)));
  EXPECT_FALSE(image_dimensions(jpeg(10, 10).substr(0, 30)));
  EXPECT_FALSE(image_dimensions(png(0, 10)));  // a zero size is no size
  EXPECT_FALSE(image_dimensions(jpeg(10, 0)));
  std::string no_frame = bytes({0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9});
  EXPECT_FALSE(image_dimensions(no_frame));
  std::string bad_length = bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xC0});
  EXPECT_FALSE(image_dimensions(bad_length));
  std::string huge_length = bytes({0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0, 0, 0, 0});
  EXPECT_FALSE(image_dimensions(huge_length));
  EXPECT_FALSE(image_dimensions("not an image at all"));
  EXPECT_FALSE(image_dimensions(ftyp("isom", {"isom"})));  // a video has no image header
}

TEST(ContentTypeForExtension, KnownAndUnknown) {
  EXPECT_EQ(content_type_for_extension("png"), "image/png");
  EXPECT_EQ(content_type_for_extension("jpeg"), "image/jpeg");
  EXPECT_EQ(content_type_for_extension("mp4"), "video/mp4");
  EXPECT_EQ(content_type_for_extension("html"), "");
  EXPECT_EQ(content_type_for_extension(""), "");
  // Every extension sniff() gives is servable.
  for (const auto& sample : {png(1, 1), jpeg(1, 1), gif(1, 1), webp_vp8(1, 1), avif(1, 1)})
    EXPECT_EQ(content_type_for_extension(sniff(sample)->extension), sniff(sample)->content_type);
}

}  // namespace
}  // namespace herd::media
