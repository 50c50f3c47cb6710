// media/image.hpp in herd: the image module (media/image_module.hpp), embedded in the binary by
// the build, is copied to an anonymous memory file and loaded with dlopen on first use, so that
// libvips and its libraries are mapped only in a process that processes images.
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "media/image_module.hpp"

// The module's bytes (the build's image_module.S).
extern "C" const char herd_image_module_start[];
extern "C" const char herd_image_module_end[];

namespace herd::media {

namespace {

void log_write(std::string_view level, std::string_view message) {
  log::write(level, message);
}

const ImageModule* load() {
  int fd = memfd_create("herd-image-module", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  const char* at = herd_image_module_start;
  while (at < herd_image_module_end) {
    ssize_t n = ::write(fd, at, static_cast<std::size_t>(herd_image_module_end - at));
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write the memory file");
    }
    at += n;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ::close(fd);  // the mapping stays
  if (!handle) throw std::runtime_error(dlerror());
  auto entry = reinterpret_cast<decltype(&herd_image_module)>(dlsym(handle, "herd_image_module"));
  if (!entry) throw std::runtime_error("no herd_image_module symbol");
  return entry(&log_write);
}

// The module, loaded once; when it cannot be, every image upload is a 503 and the cause is logged
// (once) for the admin.
const ImageModule& module() {
  static std::once_flag once;
  static const ImageModule* loaded = nullptr;
  std::call_once(once, [] {
    try {
      loaded = load();
      log::info("media: image module loaded (libvips)");
    } catch (const std::exception& error) {
      log::error("media: cannot load the image module: {}", error.what());
    }
  });
  if (!loaded) fail(ErrorKind::unavailable, "Image processing is not available on this server");
  return *loaded;
}

}  // namespace

void init_image_library() {
  module();
}

ImageHeader read_image_header(std::string_view bytes, const Format& format) {
  return module().read_header(bytes, format);
}

ProcessedImage process_image(std::string_view bytes, const Format& format) {
  return module().process(bytes, format);
}

Rendition preview_image(std::string_view bytes, const Format& format, std::string& blurhash) {
  return module().preview(bytes, format, blurhash);
}

ProfileRenditions process_profile_image(std::string_view bytes, const Format& format,
                                        Geometry box) {
  return module().profile(bytes, format, box);
}

ProfileRenditions process_emoji_image(std::string_view bytes, const Format& format) {
  return process_profile_image(bytes, format, read_image_header(bytes, format).size);
}

}  // namespace herd::media
