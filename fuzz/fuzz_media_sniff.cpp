// Media type sniffing and image headers (media/sniff.hpp) on uploaded bytes. Checked: nothing
// reads out of bounds (ASan), a sniffed format has a type, MIME type and extension that map back,
// and dimensions are never zero.
#include "fuzz_input.hpp"
#include "media/sniff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view bytes = fuzz::as_text(data, size);
  if (auto format = media::sniff(bytes)) {
    fuzz::require(!format->type.empty() && !format->content_type.empty(), "a format is named");
    fuzz::require(media::content_type_for_extension(format->extension) == format->content_type,
                  "a sniffed extension maps back to its MIME type");
  }
  if (auto size_read = media::image_dimensions(bytes))
    fuzz::require(size_read->width > 0 && size_read->height > 0, "dimensions are never zero");
  return 0;
}
