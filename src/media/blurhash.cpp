#include "media/blurhash.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace herd::media {

namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

void append_base83(std::string& out, int value, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    int divisor = 1;
    for (int k = 0; k < i; ++k) divisor *= 83;
    out += kAlphabet[static_cast<std::size_t>((value / divisor) % 83)];
  }
}

std::optional<int> read_base83(std::string_view text) {
  int value = 0;
  for (char ch : text) {
    auto digit = kAlphabet.find(ch);
    if (digit == std::string_view::npos) return std::nullopt;
    value = value * 83 + static_cast<int>(digit);
  }
  return value;
}

// The linear value of an 8-bit sRGB channel, via a table (256 entries).
double linear(std::uint8_t value) {
  static const auto table = [] {
    std::vector<double> t(256);
    for (int i = 0; i < 256; ++i) {
      double v = i / 255.0;
      t[static_cast<std::size_t>(i)] =
          v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    }
    return t;
  }();
  return table[value];
}

int to_srgb(double value) {
  double v = std::clamp(value, 0.0, 1.0);
  double s = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
  return static_cast<int>(s * 255 + 0.5);
}

double sign_pow(double value, double exponent) {
  return std::copysign(std::pow(std::abs(value), exponent), value);
}

}  // namespace

std::string blurhash_encode(const std::uint8_t* rgb, int width, int height, int x_components,
                            int y_components) {
  x_components = std::clamp(x_components, 1, 9);
  y_components = std::clamp(y_components, 1, 9);
  if (width <= 0 || height <= 0) return {};
  // cos(π·i·x/W) for every component and column (and likewise for rows): computed once.
  auto basis = [](int components, int size) {
    std::vector<double> table(static_cast<std::size_t>(components * size));
    for (int c = 0; c < components; ++c)
      for (int p = 0; p < size; ++p)
        table[static_cast<std::size_t>(c * size + p)] =
            std::cos(std::numbers::pi * c * p / static_cast<double>(size));
    return table;
  };
  auto column_basis = basis(x_components, width), row_basis = basis(y_components, height);

  std::size_t count = static_cast<std::size_t>(x_components * y_components);
  std::vector<double> factors(count * 3, 0.0);
  std::vector<double> row_sums(static_cast<std::size_t>(x_components) * 3);
  for (int y = 0; y < height; ++y) {
    // Sum the row once per horizontal component, then spread it over the vertical ones.
    std::fill(row_sums.begin(), row_sums.end(), 0.0);
    const std::uint8_t* row = rgb + static_cast<std::size_t>(y) * width * 3;
    for (int x = 0; x < width; ++x) {
      double r = linear(row[x * 3]), g = linear(row[x * 3 + 1]), b = linear(row[x * 3 + 2]);
      for (int i = 0; i < x_components; ++i) {
        double weight = column_basis[static_cast<std::size_t>(i * width + x)];
        row_sums[static_cast<std::size_t>(i * 3)] += weight * r;
        row_sums[static_cast<std::size_t>(i * 3 + 1)] += weight * g;
        row_sums[static_cast<std::size_t>(i * 3 + 2)] += weight * b;
      }
    }
    for (int j = 0; j < y_components; ++j) {
      double weight = row_basis[static_cast<std::size_t>(j * height + y)];
      for (int i = 0; i < x_components; ++i)
        for (int channel = 0; channel < 3; ++channel)
          factors[static_cast<std::size_t>((j * x_components + i) * 3 + channel)] +=
              weight * row_sums[static_cast<std::size_t>(i * 3 + channel)];
    }
  }
  double scale = 1.0 / (static_cast<double>(width) * height);
  for (std::size_t k = 0; k < count; ++k)
    for (int channel = 0; channel < 3; ++channel)
      factors[k * 3 + static_cast<std::size_t>(channel)] *= (k == 0 ? 1.0 : 2.0) * scale;

  std::string hash;
  append_base83(hash, (x_components - 1) + (y_components - 1) * 9, 1);
  double maximum = 1;
  if (count > 1) {
    double actual = 0;
    for (std::size_t k = 3; k < factors.size(); ++k)
      actual = std::max(actual, std::abs(factors[k]));
    int quantised = static_cast<int>(std::clamp(std::floor(actual * 166 - 0.5), 0.0, 82.0));
    maximum = (quantised + 1) / 166.0;
    append_base83(hash, quantised, 1);
  } else {
    append_base83(hash, 0, 1);
  }
  append_base83(hash,
                (to_srgb(factors[0]) << 16) + (to_srgb(factors[1]) << 8) + to_srgb(factors[2]), 4);
  for (std::size_t k = 1; k < count; ++k) {
    int value = 0;
    for (int channel = 0; channel < 3; ++channel) {
      double v = factors[k * 3 + static_cast<std::size_t>(channel)] / maximum;
      int q = static_cast<int>(std::clamp(std::floor(sign_pow(v, 0.5) * 9 + 9.5), 0.0, 18.0));
      value = value * 19 + q;
    }
    append_base83(hash, value, 2);
  }
  return hash;
}

bool blurhash_valid(std::string_view hash) {
  if (hash.size() < 6) return false;
  auto flag = read_base83(hash.substr(0, 1));
  if (!flag) return false;
  int x = *flag % 9 + 1, y = *flag / 9 + 1;
  if (hash.size() != static_cast<std::size_t>(4 + 2 * x * y)) return false;
  return std::all_of(hash.begin(), hash.end(),
                     [](char ch) { return kAlphabet.find(ch) != std::string_view::npos; });
}

std::optional<std::vector<std::uint8_t>> blurhash_decode(std::string_view hash, int width,
                                                         int height, double punch) {
  if (!blurhash_valid(hash) || width <= 0 || height <= 0) return std::nullopt;
  int flag = *read_base83(hash.substr(0, 1));
  int x_components = flag % 9 + 1, y_components = flag / 9 + 1;
  double maximum = (*read_base83(hash.substr(1, 1)) + 1) / 166.0 * punch;
  std::size_t count = static_cast<std::size_t>(x_components * y_components);
  std::vector<double> colors(count * 3);
  int dc = *read_base83(hash.substr(2, 4));
  colors[0] = linear(static_cast<std::uint8_t>(dc >> 16));
  colors[1] = linear(static_cast<std::uint8_t>((dc >> 8) & 255));
  colors[2] = linear(static_cast<std::uint8_t>(dc & 255));
  for (std::size_t k = 1; k < count; ++k) {
    int value = *read_base83(hash.substr(4 + k * 2, 2));
    int quantised[3] = {value / (19 * 19), (value / 19) % 19, value % 19};
    for (int channel = 0; channel < 3; ++channel)
      colors[k * 3 + static_cast<std::size_t>(channel)] =
          sign_pow((quantised[channel] - 9) / 9.0, 2.0) * maximum;
  }
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double sum[3] = {0, 0, 0};
      for (int j = 0; j < y_components; ++j)
        for (int i = 0; i < x_components; ++i) {
          double basis = std::cos(std::numbers::pi * x * i / width) *
                         std::cos(std::numbers::pi * y * j / height);
          std::size_t k = static_cast<std::size_t>(j * x_components + i) * 3;
          for (int channel = 0; channel < 3; ++channel)
            sum[channel] += colors[k + static_cast<std::size_t>(channel)] * basis;
        }
      std::size_t at = (static_cast<std::size_t>(y) * width + x) * 3;
      for (int channel = 0; channel < 3; ++channel)
        pixels[at + static_cast<std::size_t>(channel)] =
            static_cast<std::uint8_t>(to_srgb(sum[channel]));
    }
  return pixels;
}

}  // namespace herd::media
