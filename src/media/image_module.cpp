// The entry of the image module (media/image_module.hpp), built into the module only: its table,
// and log::write for media/image.cpp, forwarded to the loading process's own.
#include "media/image_module.hpp"

#include "core/log.hpp"

namespace herd {

namespace {
media::LogWrite forward = nullptr;
}

void log::write(std::string_view level, std::string_view message) {
  if (forward) forward(level, message);
}

}  // namespace herd

extern "C" const herd::media::ImageModule* herd_image_module(herd::media::LogWrite log_write) {
  using namespace herd::media;
  herd::forward = log_write;
  init_image_library();
  static const ImageModule table{&read_image_header, &process_image, &preview_image,
                                 &process_profile_image};
  return &table;
}
