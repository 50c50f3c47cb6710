// Turns an uploaded file into what Mastodon stores and serves: the original (metadata stripped,
// oriented, downscaled to Mastodon's limits; an animated GIF becomes an MP4 `gifv`, and a video
// without sound is a `gifv` too, as in Mastodon), the `small`
// preview (images: kSmallPixels; video: its first frame), the blurhash and `meta`.
//
// Images go through media/image (libvips), video and audio through media/av (FFmpeg). Work
// files live in a private folder under `work_dir`, removed afterwards.
#pragma once
#include <boost/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "media/image.hpp"
#include "media/sniff.hpp"

namespace herd::media {

struct ProcessedMedia {
  std::string type;  // image | gifv | video | audio
  Rendition original;
  std::optional<Rendition> small;
  std::optional<std::string> blurhash;
  boost::json::object meta;  // Mastodon's meta, without `focus`
};

// Whether processing this upload takes long enough to go to the media worker (Mastodon's v2
// answers 202 for these): video, audio and animated GIFs. Images are processed at once.
// `header` is read_image_header's result for images (nullptr otherwise).
bool processed_in_background(const Format& format, const ImageHeader* header);

// Processes the upload (422 for files that cannot be processed or are too large).
ProcessedMedia process_media(std::string_view bytes, const Format& format,
                             const std::filesystem::path& work_dir);

// {"width", "height", "size": "WxH", "aspect"}: Mastodon's dimensions object.
boost::json::object dimensions_meta(std::int64_t width, std::int64_t height);

}  // namespace herd::media
