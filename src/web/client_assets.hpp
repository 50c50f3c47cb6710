// The web client's built files (webui/, bundled by esbuild during the CMake build), embedded in the
// binary. webui/build.mjs generates the definitions (client_assets.cpp in the build folder).
#pragma once
#include <span>
#include <string_view>

namespace herd::web {

// One content-hashed file ("app-3FJ2K.js") with its precompressed variants.
struct ClientAsset {
  std::string_view name;
  std::string_view content_type;
  std::string_view identity, gzip, brotli;
};

std::span<const ClientAsset> client_assets();
// Names of the entry script and style sheet the HTML shell loads.
std::string_view client_entry_script();
std::string_view client_entry_style();
// Chunks the entry script imports statically (preloaded by the shell).
std::span<const std::string_view> client_entry_preloads();

}  // namespace herd::web
