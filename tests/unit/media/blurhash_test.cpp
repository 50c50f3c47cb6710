// media/blurhash: the encoder against what the algorithm promises (size flag, length, the DC term
// is the image's mean colour, the AC terms carry where colours are), checked through the decoder.
#include "media/blurhash.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "media/image.hpp"

namespace herd::media {
namespace {

std::vector<std::uint8_t> solid(int width, int height, std::uint8_t r, std::uint8_t g,
                                std::uint8_t b) {
  std::vector<std::uint8_t> out;
  for (int i = 0; i < width * height; ++i) out.insert(out.end(), {r, g, b});
  return out;
}

// Left half one colour, right half another.
std::vector<std::uint8_t> halves(int width, int height) {
  std::vector<std::uint8_t> out;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (x < width / 2)
        out.insert(out.end(), {220, 30, 30});
      else
        out.insert(out.end(), {30, 30, 220});
  return out;
}

TEST(Blurhash, LengthAndSizeFlagFollowTheComponents) {
  auto pixels = solid(16, 8, 10, 200, 90);
  std::string hash = blurhash_encode(pixels.data(), 16, 8, 4, 4);
  EXPECT_EQ(hash.size(), 4u + 2 * 16);
  EXPECT_EQ(hash[0], 'U');  // (4-1) + (4-1)*9 = 30
  EXPECT_EQ(blurhash_encode(pixels.data(), 16, 8, 1, 1).size(), 6u);
  std::string wide = blurhash_encode(pixels.data(), 16, 8, 9, 2);
  EXPECT_EQ(wide.size(), 4u + 2 * 18);
  EXPECT_TRUE(blurhash_valid(hash));
  EXPECT_TRUE(blurhash_valid(wide));
}

// The discrete cosine sums of a flat image are not exactly zero for odd components, so single
// pixels of the decoded image wander; its mean colour (in linear light) is the image's.
TEST(Blurhash, ASolidImageDecodesToItsColourOnAverage) {
  auto pixels = solid(20, 10, 10, 200, 90);
  std::string hash = blurhash_encode(pixels.data(), 20, 10);
  auto decoded = blurhash_decode(hash, 32, 32);
  ASSERT_TRUE(decoded);
  auto to_linear = [](double v) {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  auto to_srgb = [](double v) {
    return 255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055);
  };
  double sum[3] = {0, 0, 0};
  for (std::size_t i = 0; i < decoded->size(); i += 3)
    for (int c = 0; c < 3; ++c) sum[c] += to_linear((*decoded)[i + static_cast<std::size_t>(c)]);
  double count = static_cast<double>(decoded->size() / 3);
  EXPECT_NEAR(to_srgb(sum[0] / count), 10, 4);
  EXPECT_NEAR(to_srgb(sum[1] / count), 200, 4);
  EXPECT_NEAR(to_srgb(sum[2] / count), 90, 4);
}

TEST(Blurhash, TheDcTermIsTheMeanColourInLinearLight) {
  auto pixels = halves(32, 16);
  std::string hash = blurhash_encode(pixels.data(), 32, 16, 1, 1);
  auto decoded = blurhash_decode(hash, 1, 1);
  ASSERT_TRUE(decoded);
  // Mean of 220 and 30 in linear light, back to sRGB: about 163 (not the naive 125).
  EXPECT_NEAR((*decoded)[0], 163, 2);
  EXPECT_NEAR((*decoded)[1], 30, 2);
  EXPECT_NEAR((*decoded)[2], 163, 2);
}

TEST(Blurhash, ColoursStayWhereTheyWere) {
  auto pixels = halves(64, 32);
  std::string hash = blurhash_encode(pixels.data(), 64, 32);
  auto decoded = blurhash_decode(hash, 32, 16);
  ASSERT_TRUE(decoded);
  auto at = [&](int x, int y, int channel) {
    return (*decoded)[static_cast<std::size_t>((y * 32 + x) * 3 + channel)];
  };
  EXPECT_GT(at(2, 8, 0), at(2, 8, 2) + 80) << "the left edge is red";
  EXPECT_GT(at(29, 8, 2), at(29, 8, 0) + 80) << "the right edge is blue";
}

TEST(Blurhash, MalformedHashesAreRefused) {
  EXPECT_FALSE(blurhash_valid(""));
  EXPECT_FALSE(blurhash_valid("00000"));
  EXPECT_FALSE(blurhash_valid("LEHV6nWB2yk8pyo0adR*.7kCMdn"));  // one character short
  EXPECT_FALSE(blurhash_valid("LEHV6nWB2yk8pyo0adR*.7kCMd\"j"));
  EXPECT_FALSE(blurhash_decode("LEHV6nWB2yk8pyo0adR*.7kCMdnjX", 4, 4));
  // The example on blurha.sh: 4×3 components, 28 characters.
  EXPECT_TRUE(blurhash_valid("LEHV6nWB2yk8pyo0adR*.7kCMdnj"));
  EXPECT_TRUE(blurhash_decode("LEHV6nWB2yk8pyo0adR*.7kCMdnj", 32, 32));
}

TEST(ImageGeometry, FitPixelsKeepsTheAspectAndNeverUpscales) {
  Geometry small = fit_pixels({4000, 3000}, kSmallPixels);
  EXPECT_LE(std::int64_t{small.width} * small.height, kSmallPixels);
  EXPECT_NEAR(static_cast<double>(small.width) / small.height, 4.0 / 3.0, 0.01);
  EXPECT_EQ(small.width, 554);
  Geometry same = fit_pixels({300, 200}, kSmallPixels);
  EXPECT_EQ(same.width, 300);
  EXPECT_EQ(same.height, 200);
  Geometry original = fit_pixels({6000, 4000}, kOriginalPixels);
  EXPECT_LE(std::int64_t{original.width} * original.height, kOriginalPixels);
}

}  // namespace
}  // namespace herd::media
