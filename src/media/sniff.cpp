#include "media/sniff.hpp"

#include <array>
#include <vector>

namespace herd::media {

namespace {

bool starts_with(std::string_view bytes, std::string_view prefix, std::size_t at = 0) {
  return bytes.size() >= at + prefix.size() && bytes.substr(at, prefix.size()) == prefix;
}

std::uint8_t byte_at(std::string_view b, std::size_t i) {
  return static_cast<std::uint8_t>(b[i]);
}

// Readers: callers check bounds first.
std::uint32_t be16(std::string_view b, std::size_t i) {
  return (std::uint32_t{byte_at(b, i)} << 8) | byte_at(b, i + 1);
}
std::uint32_t be32(std::string_view b, std::size_t i) {
  return (be16(b, i) << 16) | be16(b, i + 2);
}
std::uint32_t le16(std::string_view b, std::size_t i) {
  return byte_at(b, i) | (std::uint32_t{byte_at(b, i + 1)} << 8);
}
std::uint32_t le24(std::string_view b, std::size_t i) {
  return le16(b, i) | (std::uint32_t{byte_at(b, i + 2)} << 16);
}
std::uint32_t le32(std::string_view b, std::size_t i) {
  return le16(b, i) | (le16(b, i + 2) << 16);
}

Format format(const char* type, const char* content_type, const char* extension) {
  return Format{type, content_type, extension};
}

// The major and compatible brands of an ISO base media file's leading ftyp box.
std::vector<std::string_view> ftyp_brands(std::string_view b) {
  std::vector<std::string_view> brands;
  if (b.size() < 16 || !starts_with(b, "ftyp", 4)) return brands;
  std::size_t size = be32(b, 0);
  if (size < 16) return brands;
  if (size > b.size()) size = b.size();
  brands.push_back(b.substr(8, 4));  // major brand; 12..16 is the minor version
  for (std::size_t i = 16; i + 4 <= size; i += 4) brands.push_back(b.substr(i, 4));
  return brands;
}

std::optional<Format> sniff_iso_media(std::string_view b) {
  auto brands = ftyp_brands(b);
  if (brands.empty()) return std::nullopt;
  auto has = [&](std::string_view brand) {
    for (auto x : brands)
      if (x == brand) return true;
    return false;
  };
  std::string_view major = brands.front();
  if (major == "M4A " || major == "M4B ") return format("audio", "audio/mp4", "m4a");
  if (has("avif") || has("avis")) return format("image", "image/avif", "avif");
  if (major == "qt  ") return format("video", "video/quicktime", "mov");
  static constexpr std::array<std::string_view, 17> video_brands = {
      "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1",
      "dash", "M4V ", "M4VH", "M4VP", "mmp4", "MSNV", "3gp4", "3gp5"};
  for (auto brand : video_brands)
    if (has(brand)) return format("video", "video/mp4", "mp4");
  return std::nullopt;
}

// An MPEG audio frame header without an ID3 tag in front.
bool mpeg_audio_frame(std::string_view b) {
  if (b.size() < 4 || byte_at(b, 0) != 0xFF || (byte_at(b, 1) & 0xE0) != 0xE0) return false;
  unsigned version = (byte_at(b, 1) >> 3) & 3, layer = (byte_at(b, 1) >> 1) & 3;
  unsigned bitrate = byte_at(b, 2) >> 4, rate = (byte_at(b, 2) >> 2) & 3;
  return version != 1 && layer != 0 && bitrate != 15 && bitrate != 0 && rate != 3;
}

std::optional<Dimensions> nonzero(std::uint32_t width, std::uint32_t height) {
  if (width == 0 || height == 0) return std::nullopt;
  return Dimensions{width, height};
}

std::optional<Dimensions> jpeg_dimensions(std::string_view b) {
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (byte_at(b, i) != 0xFF) return std::nullopt;
    std::uint8_t marker = byte_at(b, i + 1);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      i += 2;  // markers without a segment
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end, or scan data before a frame
    std::size_t length = be16(b, i + 2);
    if (length < 2) return std::nullopt;
    bool frame =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (i + 9 > b.size()) return std::nullopt;
      return nonzero(be16(b, i + 7), be16(b, i + 5));
    }
    i += 2 + length;
  }
  return std::nullopt;
}

std::optional<Dimensions> webp_dimensions(std::string_view b) {
  if (starts_with(b, "VP8 ", 12)) {
    if (b.size() < 30) return std::nullopt;
    if (byte_at(b, 23) != 0x9D || byte_at(b, 24) != 0x01 || byte_at(b, 25) != 0x2A)
      return std::nullopt;
    return nonzero(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
  }
  if (starts_with(b, "VP8L", 12)) {
    if (b.size() < 25 || byte_at(b, 20) != 0x2F) return std::nullopt;
    std::uint32_t bits = le32(b, 21);
    return nonzero((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (starts_with(b, "VP8X", 12) && b.size() >= 30)
    return nonzero(le24(b, 24) + 1, le24(b, 27) + 1);
  return std::nullopt;
}

// The first 'ispe' (image spatial extents) property: version/flags, width, height.
std::optional<Dimensions> avif_dimensions(std::string_view b) {
  std::string_view head = b.substr(0, std::min<std::size_t>(b.size(), 1 << 16));
  std::size_t at = head.find("ispe");
  if (at == std::string_view::npos || at + 16 > b.size()) return std::nullopt;
  return nonzero(be32(b, at + 8), be32(b, at + 12));
}

}  // namespace

std::optional<Format> sniff(std::string_view b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n")) return format("image", "image/png", "png");
  if (starts_with(b, "\xFF\xD8\xFF")) return format("image", "image/jpeg", "jpeg");
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a"))
    return format("image", "image/gif", "gif");
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8))
    return format("image", "image/webp", "webp");
  if (starts_with(b, "RIFF") && starts_with(b, "WAVE", 8))
    return format("audio", "audio/wav", "wav");
  if (auto iso = sniff_iso_media(b)) return iso;
  if (starts_with(b, "\x1A\x45\xDF\xA3")) {  // EBML: WebM names its DocType early
    std::string_view head = b.substr(0, std::min<std::size_t>(b.size(), 64));
    if (head.find("webm") != std::string_view::npos) return format("video", "video/webm", "webm");
    return std::nullopt;
  }
  if (starts_with(b, "OggS")) return format("audio", "audio/ogg", "ogg");
  if (starts_with(b, "fLaC")) return format("audio", "audio/flac", "flac");
  if (starts_with(b, "ID3") || mpeg_audio_frame(b)) return format("audio", "audio/mpeg", "mp3");
  return std::nullopt;
}

std::optional<Dimensions> image_dimensions(std::string_view b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n")) {
    if (b.size() < 24 || !starts_with(b, "IHDR", 12)) return std::nullopt;
    return nonzero(be32(b, 16), be32(b, 20));
  }
  if (starts_with(b, "\xFF\xD8\xFF")) return jpeg_dimensions(b);
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) {
    if (b.size() < 10) return std::nullopt;
    return nonzero(le16(b, 6), le16(b, 8));
  }
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return webp_dimensions(b);
  if (auto format = sniff_iso_media(b); format && format->extension == "avif")
    return avif_dimensions(b);
  return std::nullopt;
}

std::string content_type_for_extension(std::string_view extension) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> types = {{
      {"png", "image/png"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"},
      {"webm", "video/webm"},
      {"m4a", "audio/mp4"},
      {"mp3", "audio/mpeg"},
      {"ogg", "audio/ogg"},
      {"wav", "audio/wav"},
      {"flac", "audio/flac"},
  }};
  for (const auto& [ext, type] : types)
    if (ext == extension) return std::string(type);
  return "";
}

}  // namespace herd::media
