// What an uploaded file is, judged from its bytes alone (the client's filename and Content-Type
// are never trusted): the formats Mastodon accepts, their attachment type, a canonical MIME type
// and file extension, and an image's pixel size read from its header.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd::media {

struct Format {
  std::string type;          // Mastodon's attachment type: image | video | audio
  std::string content_type;  // canonical MIME type, e.g. "image/png"
  std::string extension;     // without the dot, e.g. "png"
};

struct Dimensions {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// The format of these bytes: PNG, JPEG, GIF, WebP, AVIF (images); MP4/M4V, QuickTime, WebM
// (videos); MP3, Ogg, WAV, FLAC, M4A (audio). nullopt for anything else.
std::optional<Format> sniff(std::string_view bytes);

// The pixel size of a PNG (IHDR), JPEG (the first SOFn frame), GIF (logical screen), WebP
// (VP8, VP8L, VP8X) or AVIF (ispe) image; nullopt when the header is missing, truncated or
// gives a zero size. Never reads past the end of `bytes`.
std::optional<Dimensions> image_dimensions(std::string_view bytes);

// The MIME type for one of sniff()'s extensions ("png" -> "image/png"); "" when unknown.
std::string content_type_for_extension(std::string_view extension);

}  // namespace herd::media
