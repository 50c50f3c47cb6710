#include "media/image.hpp"

#include <vips/vips.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "media/blurhash.hpp"

namespace herd::media {

namespace {

struct ImageRef {
  VipsImage* image = nullptr;
  ImageRef() = default;
  ImageRef(const ImageRef&) = delete;
  ImageRef& operator=(const ImageRef&) = delete;
  ~ImageRef() {
    if (image) g_object_unref(image);
  }
  VipsImage** out() { return &image; }
};

// libvips' message for the last failure (its error buffer is process-wide), then cleared.
std::string vips_message() {
  std::string message = vips_error_buffer();
  vips_error_clear();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

[[noreturn]] void unprocessable(std::string_view what) {
  log::info("media: image not processed: {}: {}", what, vips_message());
  fail(ErrorKind::validation, "Validation failed: File could not be processed");
}

// The header of `bytes` through the sniffed format's own loader (nothing decoded yet).
void open_header(std::string_view bytes, const Format& format, ImageRef& out) {
  void* data = const_cast<char*>(bytes.data());
  int rc = -1;
  if (format.extension == "jpeg")
    rc = vips_jpegload_buffer(data, bytes.size(), out.out(), "access", VIPS_ACCESS_SEQUENTIAL,
                              nullptr);
  else if (format.extension == "png")
    rc = vips_pngload_buffer(data, bytes.size(), out.out(), "access", VIPS_ACCESS_SEQUENTIAL,
                             nullptr);
  else if (format.extension == "gif")
    rc = vips_gifload_buffer(data, bytes.size(), out.out(), "access", VIPS_ACCESS_SEQUENTIAL,
                             nullptr);
  else if (format.extension == "webp")
    rc = vips_webpload_buffer(data, bytes.size(), out.out(), "access", VIPS_ACCESS_SEQUENTIAL,
                              nullptr);
  else if (format.extension == "avif")
    rc = vips_heifload_buffer(data, bytes.size(), out.out(), "access", VIPS_ACCESS_SEQUENTIAL,
                              nullptr);
  else
    fail(ErrorKind::validation, "Validation failed: File content type is invalid");
  if (rc != 0) unprocessable("header");
}

// What a still image is written as: JPEG, PNG and WebP stay so; AVIF becomes JPEG (as Mastodon
// converts it) and a (still) GIF becomes PNG.
Format output_format(const Format& input) {
  if (input.extension == "avif") return Format{"image", "image/jpeg", "jpeg"};
  if (input.extension == "gif") return Format{"image", "image/png", "png"};
  return input;
}

std::string save(VipsImage* image, const Format& format) {
  void* buffer = nullptr;
  std::size_t length = 0;
  int rc;
  if (format.extension == "jpeg")
    rc = vips_jpegsave_buffer(image, &buffer, &length, "Q", 90, "strip", TRUE, "optimize_coding",
                              TRUE, "interlace", TRUE, nullptr);
  else if (format.extension == "webp")
    rc = vips_webpsave_buffer(image, &buffer, &length, "Q", 90, "strip", TRUE, nullptr);
  else
    rc = vips_pngsave_buffer(image, &buffer, &length, "strip", TRUE, "compression", 6, nullptr);
  if (rc != 0) unprocessable("save");
  std::string bytes(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return bytes;
}

// A rendition of at most `pixels` pixels: decoded with shrink-on-load where the format allows,
// oriented (EXIF orientation applied, then dropped), converted to sRGB when it carries a colour
// profile.
void thumbnail(std::string_view bytes, const ImageHeader& header, bool has_profile,
               std::int64_t pixels, ImageRef& out) {
  Geometry target = fit_pixels(header.size, pixels);
  void* data = const_cast<char*>(bytes.data());
  int rc = has_profile
               ? vips_thumbnail_buffer(data, bytes.size(), out.out(), target.width, "height",
                                       target.height, "size", VIPS_SIZE_DOWN, "export_profile",
                                       "srgb", nullptr)
               : vips_thumbnail_buffer(data, bytes.size(), out.out(), target.width, "height",
                                       target.height, "size", VIPS_SIZE_DOWN, nullptr);
  if (rc != 0) unprocessable("resize");
}

// The blurhash of an image: transparency flattened onto white, sRGB, 8 bits.
std::string blurhash_of(VipsImage* image) {
  ImageRef flat, rgb, bytes;
  VipsImage* current = image;
  if (vips_image_hasalpha(current)) {
    VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    int rc = vips_flatten(current, flat.out(), "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (rc != 0) unprocessable("flatten");
    current = flat.image;
  }
  if (vips_colourspace(current, rgb.out(), VIPS_INTERPRETATION_sRGB, nullptr) != 0)
    unprocessable("colourspace");
  if (vips_cast_uchar(rgb.image, bytes.out(), nullptr) != 0) unprocessable("cast");
  int width = vips_image_get_width(bytes.image), height = vips_image_get_height(bytes.image);
  int bands = vips_image_get_bands(bytes.image);
  std::size_t length = 0;
  auto* memory = static_cast<std::uint8_t*>(vips_image_write_to_memory(bytes.image, &length));
  if (!memory) unprocessable("blurhash pixels");
  std::unique_ptr<std::uint8_t, decltype(&g_free)> owned(memory, &g_free);
  if (bands != 3) {  // vips_colourspace gives 3 bands (4 with alpha, which was flattened)
    std::string packed;
    packed.reserve(static_cast<std::size_t>(width) * height * 3);
    for (std::size_t i = 0; i + static_cast<std::size_t>(bands) <= length;
         i += static_cast<std::size_t>(bands))
      packed.append(reinterpret_cast<const char*>(memory + i), 3);
    return blurhash_encode(reinterpret_cast<const std::uint8_t*>(packed.data()), width, height);
  }
  return blurhash_encode(memory, width, height);
}

bool has_profile(VipsImage* header) {
  return vips_image_get_typeof(header, VIPS_META_ICC_NAME) != 0;
}

Rendition small_rendition(std::string_view bytes, const ImageHeader& header, bool profile,
                          const Format& format, std::string& blurhash) {
  ImageRef small, memory;
  thumbnail(bytes, header, profile, kSmallPixels, small);
  // Small enough to keep in memory, so that saving and hashing decode it once.
  if (!(memory.image = vips_image_copy_memory(small.image))) unprocessable("small");
  Rendition out;
  out.format = format;
  out.bytes = save(memory.image, format);
  out.size = {vips_image_get_width(memory.image), vips_image_get_height(memory.image)};
  blurhash = blurhash_of(memory.image);
  return out;
}

bool animatable(const Format& format) {
  return format.extension == "gif" || format.extension == "webp";
}

std::string save_animated(VipsImage* image, const Format& format) {
  void* buffer = nullptr;
  std::size_t length = 0;
  int rc = format.extension == "gif"
               ? vips_gifsave_buffer(image, &buffer, &length, "strip", TRUE, nullptr)
               : vips_webpsave_buffer(image, &buffer, &length, "Q", 90, "strip", TRUE, nullptr);
  if (rc != 0) unprocessable("save animation");
  std::string bytes(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return bytes;
}

// Every frame of an animation scaled to cover `box` and cropped centred: the frames are scaled
// as one tall strip by vips_thumbnail (which keeps them apart), then each is cut out in order,
// so the sequential decoder is read once, top to bottom.
void fill_animation(std::string_view bytes, const ImageHeader& header, Geometry box,
                    ImageRef& out) {
  double scale = std::max(static_cast<double>(box.width) / header.size.width,
                          static_cast<double>(box.height) / header.size.height);
  int width = std::max(box.width, static_cast<int>(std::lround(header.size.width * scale)));
  int height = std::max(box.height, static_cast<int>(std::lround(header.size.height * scale)));
  ImageRef strip;
  void* data = const_cast<char*>(bytes.data());
  if (vips_thumbnail_buffer(data, bytes.size(), strip.out(), width, "height", height, "size",
                            VIPS_SIZE_BOTH, "option_string", "n=-1", nullptr) != 0)
    unprocessable("resize animation");
  int strip_width = vips_image_get_width(strip.image);
  int page_height = vips_image_get_page_height(strip.image);
  int pages = std::max(1, vips_image_get_height(strip.image) / page_height);
  int crop_width = std::min(box.width, strip_width),
      crop_height = std::min(box.height, page_height);
  std::vector<VipsImage*> frames(static_cast<std::size_t>(pages), nullptr);
  auto release = [&] {
    for (VipsImage* frame : frames)
      if (frame) g_object_unref(frame);
  };
  for (int i = 0; i < pages; ++i)
    if (vips_extract_area(strip.image, &frames[static_cast<std::size_t>(i)],
                          (strip_width - crop_width) / 2,
                          i * page_height + (page_height - crop_height) / 2, crop_width,
                          crop_height, nullptr) != 0) {
      release();
      unprocessable("crop animation");
    }
  ImageRef joined;
  int rc = vips_arrayjoin(frames.data(), joined.out(), pages, "across", 1, nullptr);
  release();
  if (rc != 0 || vips_copy(joined.image, out.out(), nullptr) != 0) unprocessable("join animation");
  vips_image_set_int(out.image, "page-height", crop_height);
}

}  // namespace

ProfileRenditions process_profile_image(std::string_view bytes, const Format& format,
                                        Geometry box) {
  ImageHeader header = read_image_header(bytes, format);
  ProfileRenditions out;
  if (header.pages > 1 && animatable(format)) {
    if (std::int64_t{header.size.width} * header.size.height * header.pages >
        limits::image_matrix_limit)
      fail(ErrorKind::validation, "Validation failed: File dimensions are too large (" +
                                      std::to_string(header.pages) + " frames of " +
                                      std::to_string(header.size.width) + "x" +
                                      std::to_string(header.size.height) + " pixels)");
    ImageRef animation, memory, first;
    fill_animation(bytes, header, box, animation);
    // At most image_matrix_limit pixels were decoded; the cropped frames are kept in memory once
    // so that the animation and its first frame are written without decoding twice.
    if (!(memory.image = vips_image_copy_memory(animation.image))) unprocessable("animation");
    out.original.format = format;
    out.original.bytes = save_animated(memory.image, format);
    out.original.size = {vips_image_get_width(memory.image),
                         vips_image_get_page_height(memory.image)};
    if (vips_extract_area(memory.image, first.out(), 0, 0, out.original.size.width,
                          out.original.size.height, nullptr) != 0)
      unprocessable("first frame");
    Format png{"image", "image/png", "png"};
    out.still = Rendition{save(first.image, png), png, out.original.size};
    return out;
  }
  ImageRef filled;
  void* data = const_cast<char*>(bytes.data());
  int rc =
      header.profile
          ? vips_thumbnail_buffer(data, bytes.size(), filled.out(), box.width, "height", box.height,
                                  "size", VIPS_SIZE_BOTH, "crop", VIPS_INTERESTING_CENTRE,
                                  "export_profile", "srgb", nullptr)
          : vips_thumbnail_buffer(data, bytes.size(), filled.out(), box.width, "height", box.height,
                                  "size", VIPS_SIZE_BOTH, "crop", VIPS_INTERESTING_CENTRE, nullptr);
  if (rc != 0) unprocessable("resize");
  ImageRef memory;
  if (!(memory.image = vips_image_copy_memory(filled.image))) unprocessable("profile image");
  out.original.format = output_format(format);
  out.original.bytes = save(memory.image, out.original.format);
  out.original.size = {vips_image_get_width(memory.image), vips_image_get_height(memory.image)};
  if (out.original.format.extension == "webp") {
    Format png{"image", "image/png", "png"};
    out.still = Rendition{save(memory.image, png), png, out.original.size};
  }
  return out;
}

void init_image_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("herd") != 0) {
      log::error("media: libvips did not start: {}", vips_message());
      return;
    }
    vips_block_untrusted_set(TRUE);  // ImageMagick, PDF, SVG and other risky loaders: never
    vips_cache_set_max(0);           // no operation cache: each upload is seen once
    vips_concurrency_set(1);         // handler threads already run uploads side by side
  });
}

ImageHeader read_image_header(std::string_view bytes, const Format& format) {
  init_image_library();
  ImageRef image;
  open_header(bytes, format, image);
  ImageHeader header;
  header.size = {vips_image_get_width(image.image), vips_image_get_height(image.image)};
  header.pages = std::max(1, vips_image_get_n_pages(image.image));
  header.profile = has_profile(image.image);
  std::int64_t area = std::int64_t{header.size.width} * header.size.height;
  if (area > limits::image_matrix_limit)
    fail(ErrorKind::validation,
         "Validation failed: File dimensions are too large (" + std::to_string(header.size.width) +
             "x" + std::to_string(header.size.height) + " pixels; at most " +
             std::to_string(limits::image_matrix_limit) + " pixels are accepted)");
  if (area <= 0) unprocessable("empty image");
  if (vips_image_get_orientation_swap(image.image))
    std::swap(header.size.width, header.size.height);
  return header;
}

ProcessedImage process_image(std::string_view bytes, const Format& format) {
  ImageHeader header = read_image_header(bytes, format);
  bool profile = header.profile;
  ProcessedImage out;
  Format written = output_format(format);
  {
    ImageRef original;
    thumbnail(bytes, header, profile, kOriginalPixels, original);
    out.original.format = written;
    out.original.bytes = save(original.image, written);
    out.original.size = {vips_image_get_width(original.image),
                         vips_image_get_height(original.image)};
  }
  out.small = small_rendition(bytes, header, profile, written, out.blurhash);
  return out;
}

Rendition preview_image(std::string_view bytes, const Format& format, std::string& blurhash) {
  ImageHeader header = read_image_header(bytes, format);
  return small_rendition(bytes, header, header.profile, output_format(format), blurhash);
}

}  // namespace herd::media
