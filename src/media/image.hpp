// Image processing on libvips (Mastodon's Paperclip styles for images): the stored original is
// re-encoded with its EXIF orientation applied and every metadata block (EXIF with GPS, XMP,
// IPTC, comments, ICC after conversion to sRGB) stripped, downscaled to at most
// kOriginalPixels; the `small` preview fits kSmallPixels; the blurhash (4×4 components) is
// computed from the small preview.
//
// Decompression bombs: the pixel size is read from the file's header before any pixel is
// decoded; more than limits::image_matrix_limit pixels is a 422 "Validation failed: File
// dimensions are too large (...)". Only the loader of the sniffed format runs (never libvips'
// "untrusted" loaders such as ImageMagick's); pipelines stream (sequential access, shrink on load
// for JPEG), so memory stays bounded by a few rows of the original and the output.
// Undecodable images are a 422 "Validation failed: File could not be processed".
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/sniff.hpp"

namespace herd::media {

inline constexpr std::int64_t kOriginalPixels = 8'294'400;  // 3840×2160, Mastodon's original
inline constexpr std::int64_t kSmallPixels = 230'400;       // 640×360, Mastodon's small

struct Geometry {
  int width = 0;
  int height = 0;
};

// One stored file of an attachment.
struct Rendition {
  std::string bytes;
  Format format;  // what it was written as (may differ from the upload: AVIF and static GIF)
  Geometry size;
};

struct ProcessedImage {
  Rendition original;
  Rendition small;
  std::string blurhash;
};

// Starts libvips once per process (loaders limited to trusted ones, no operation cache). In herd,
// libvips is loaded with its libraries on the first call of any function here
// (media/image_module.hpp); a server that cannot load it answers 503 to image uploads and logs why.
void init_image_library();

// The oriented size from the header (width and height swapped for EXIF orientations 5-8),
// and whether the image has several frames (an animated GIF or WebP). 422 when unreadable or
// beyond the pixel limit.
struct ImageHeader {
  Geometry size;
  int pages = 1;
  bool profile = false;  // carries an ICC colour profile
};
ImageHeader read_image_header(std::string_view bytes, const Format& format);

// The original and the small preview of an uploaded still image, with the blurhash.
ProcessedImage process_image(std::string_view bytes, const Format& format);

// Only the small preview and its blurhash (a custom thumbnail, a video's first frame).
Rendition preview_image(std::string_view bytes, const Format& format, std::string& blurhash);

// Mastodon's profile image sizes: an avatar fills 400×400, a header 1500×500 (scaled to cover
// the box, up or down, and cropped centred).
inline constexpr Geometry kAvatarBox{400, 400};
inline constexpr Geometry kHeaderBox{1500, 500};

// A stored profile image: `original` is exactly the box, oriented, without metadata; an animated
// GIF or WebP stays animated (every frame cropped so, as GIF or WebP). `still` is the first frame
// as PNG (Mastodon's `static` style, for avatar_static/header_static) when the original is a GIF
// or WebP, and nothing otherwise (still GIFs are written as PNG, AVIF as JPEG). 422 as
// read_image_header, and also when frames × pixels exceed limits::image_matrix_limit.
struct ProfileRenditions {
  Rendition original;
  std::optional<Rendition> still;
};
ProfileRenditions process_profile_image(std::string_view bytes, const Format& format, Geometry box);

// A custom emoji's image (a remote one's local copy) at its own size, as process_profile_image
// makes it for a box of exactly that size: oriented, metadata stripped, an animated GIF or WebP
// still animated with its first frame as `still` (Mastodon's `static` style, for static_url).
ProfileRenditions process_emoji_image(std::string_view bytes, const Format& format);

// The size `size` scaled down (never up) to at most `pixels` pixels, keeping the aspect ratio.
inline Geometry fit_pixels(Geometry size, std::int64_t pixels) {
  std::int64_t area = std::int64_t{size.width} * size.height;
  if (area <= pixels || area == 0) return size;
  double scale = std::sqrt(static_cast<double>(pixels) / static_cast<double>(area));
  return {std::max(1, static_cast<int>(std::floor(size.width * scale))),
          std::max(1, static_cast<int>(std::floor(size.height * scale)))};
}

}  // namespace herd::media
