// Internal to media/: libvips and the libraries it brings (GLib, librsvg, OpenEXR, HDF5, ICU...,
// some 10 MiB resident once mapped and relocated) are loaded when the first image is processed,
// not at start. media/image.cpp, the only user of libvips, is built as a shared module with its
// own links and embedded in the binary (CMakeLists.txt); media/image_loader.cpp implements
// media/image.hpp in herd by loading that module on first use and calling through this table.
// media/image_module.cpp is the module's entry.
#pragma once
#include <string>
#include <string_view>

#include "media/image.hpp"

namespace herd::media {

struct ImageModule {
  ImageHeader (*read_header)(std::string_view bytes, const Format& format);
  ProcessedImage (*process)(std::string_view bytes, const Format& format);
  Rendition (*preview)(std::string_view bytes, const Format& format, std::string& blurhash);
  ProfileRenditions (*profile)(std::string_view bytes, const Format& format, Geometry box);
};

// herd's log::write, which the module's log lines go through.
using LogWrite = void (*)(std::string_view level, std::string_view message);

}  // namespace herd::media

// The module's one exported symbol: starts libvips (once) and returns the table. Errors thrown
// through the table are herd's (ApiError: 422 for an image that cannot be processed).
extern "C" const herd::media::ImageModule* herd_image_module(herd::media::LogWrite log_write);
