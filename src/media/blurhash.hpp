// BlurHash (https://blurha.sh): a short base-83 string describing an image's colours as a few
// cosine components, decoded by clients into a blurred placeholder. Written from the published
// algorithm description: sRGB is linearised, each component is the mean of pixel × cos(πix/W) ×
// cos(πjy/H) (normalised ×2 except the DC term), the DC term is sent as 24-bit sRGB and the AC
// terms quantised to 19 levels per channel after a square-root curve, scaled by their maximum.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::media {

// The hash of an 8-bit RGB image (`rgb` holds width*height*3 bytes, rows top to bottom) with
// x_components × y_components (each 1..9) components; Mastodon uses 4 × 4.
std::string blurhash_encode(const std::uint8_t* rgb, int width, int height, int x_components = 4,
                            int y_components = 4);

// Decodes a hash into width*height*3 RGB bytes (`punch` scales the AC terms, 1 = as encoded);
// nullopt when the hash is malformed (wrong length for its size flag, a character outside the
// alphabet). Used by tests and by anyone checking a hash.
std::optional<std::vector<std::uint8_t>> blurhash_decode(std::string_view hash, int width,
                                                         int height, double punch = 1.0);

// Whether `hash` is well formed (alphabet and length).
bool blurhash_valid(std::string_view hash);

}  // namespace herd::media
