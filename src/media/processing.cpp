#include "media/processing.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <random>

#include "core/error.hpp"
#include "media/av.hpp"

namespace herd::media {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxVideoPixels = 8'294'400;

// A private work folder, removed with everything in it when this goes out of scope.
struct WorkFolder {
  fs::path path;
  explicit WorkFolder(const fs::path& parent) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    path = parent / fmt::format("media-{:016x}", generator());
    fs::create_directories(path);
  }
  ~WorkFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The container ffmpeg writes for a format, keeping what was uploaded.
std::string muxer_for(const Format& format) {
  if (format.extension == "mp4" || format.extension == "m4v") return "mp4";
  if (format.extension == "mov") return "mov";
  if (format.extension == "webm") return "webm";
  if (format.extension == "m4a") return "ipod";
  if (format.extension == "oga" || format.extension == "ogg") return "ogg";
  return format.extension;  // mp3, wav, flac
}

ProcessedMedia process_av(std::string_view bytes, const Format& format, bool animated_gif,
                          const fs::path& work_dir) {
  WorkFolder work(work_dir);
  fs::path input = work.path / ("upload." + format.extension);
  write_file(input, bytes);
  ProcessedMedia out;
  Format written = format;
  fs::path output;
  if (animated_gif) {
    written = Format{"gifv", "video/mp4", "mp4"};
    output = work.path / "original.mp4";
    gif_to_mp4(input, output);
  } else {
    AvInfo before = probe_av(input);
    // Mastodon's video limits: 4K pixels, 120 frames per second.
    if (std::int64_t{before.width} * before.height > kMaxVideoPixels)
      fail(ErrorKind::validation,
           fmt::format("Validation failed: File dimensions are too large ({}x{} pixels; video "
                       "may have at most {} pixels)",
                       before.width, before.height, kMaxVideoPixels));
    bool audio_only = format.type == "audio" || !before.has_video;
    output = work.path / ("original." + format.extension);
    strip_av_metadata(input, output, muxer_for(format), audio_only);
  }
  AvInfo info = probe_av(output);
  // As Mastodon's VideoTranscoder: a video without sound is a gifv (clients loop it, muted).
  bool video = info.has_video && format.type == "video";
  out.type = animated_gif || (video && !info.has_audio) ? "gifv" : video ? "video" : "audio";
  out.original.format = written;
  out.original.format.type = out.type;
  out.original.bytes = read_file(output);
  out.original.size = {info.width, info.height};

  json::object original;
  if (info.has_video && out.type != "audio") {
    original = dimensions_meta(info.width, info.height);
    original.erase("size");
    original.erase("aspect");
    original["frame_rate"] = info.frame_rate;
    std::string frame = first_frame_png(output);
    std::string blurhash;
    out.small = preview_image(frame, Format{"image", "image/png", "png"}, blurhash);
    out.blurhash = blurhash;
    out.meta["small"] = dimensions_meta(out.small->size.width, out.small->size.height);
    out.meta["width"] = info.width;
    out.meta["height"] = info.height;
    out.meta["size"] = fmt::format("{}x{}", info.width, info.height);
    if (info.height > 0) out.meta["aspect"] = static_cast<double>(info.width) / info.height;
    int numerator = 0, denominator = 1;
    if (std::sscanf(info.frame_rate.c_str(), "%d/%d", &numerator, &denominator) == 2 &&
        denominator > 0)
      out.meta["fps"] = static_cast<std::int64_t>(std::lround(double(numerator) / denominator));
  }
  original["duration"] = info.duration;
  original["bitrate"] = info.bitrate;
  out.meta["original"] = std::move(original);
  out.meta["length"] = format_length(info.duration);
  out.meta["duration"] = info.duration;
  if (info.has_audio) {
    out.meta["audio_encode"] = info.audio_codec;
    out.meta["audio_bitrate"] = fmt::format("{} Hz", info.audio_sample_rate);
    out.meta["audio_channels"] = info.audio_channels;
  }
  return out;
}

}  // namespace

json::object dimensions_meta(std::int64_t width, std::int64_t height) {
  return json::object{{"width", width},
                      {"height", height},
                      {"size", std::to_string(width) + "x" + std::to_string(height)},
                      {"aspect", height > 0 ? static_cast<double>(width) / height : 0.0}};
}

bool processed_in_background(const Format& format, const ImageHeader* header) {
  if (format.type != "image") return true;
  return header && format.extension == "gif" && header->pages > 1;
}

ProcessedMedia process_media(std::string_view bytes, const Format& format,
                             const fs::path& work_dir) {
  if (format.type == "image") {
    ImageHeader header = read_image_header(bytes, format);
    if (format.extension == "gif" && header.pages > 1)
      return process_av(bytes, format, true, work_dir);
    ProcessedImage image = process_image(bytes, format);
    ProcessedMedia out;
    out.type = "image";
    out.meta["original"] = dimensions_meta(image.original.size.width, image.original.size.height);
    out.meta["small"] = dimensions_meta(image.small.size.width, image.small.size.height);
    out.original = std::move(image.original);
    out.small = std::move(image.small);
    out.blurhash = std::move(image.blurhash);
    return out;
  }
  return process_av(bytes, format, false, work_dir);
}

}  // namespace herd::media
