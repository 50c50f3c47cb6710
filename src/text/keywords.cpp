#include "text/keywords.hpp"

namespace herd::text {

namespace {

struct CodePoint {
  char32_t value;
  std::size_t offset;  // byte offset in the text
};

// Decodes UTF-8; a malformed byte reads as U+FFFD and decoding goes on after it.
std::vector<CodePoint> decode(std::string_view text) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto b = static_cast<unsigned char>(text[i]);
    char32_t cp = 0xFFFD;
    std::size_t length = 1;
    std::size_t extra = b < 0x80           ? 0
                        : (b >> 5) == 0x6  ? 1
                        : (b >> 4) == 0xE  ? 2
                        : (b >> 3) == 0x1E ? 3
                                           : 9;
    if (extra == 0) {
      cp = b;
    } else if (extra <= 3 && i + extra < text.size()) {
      char32_t value = b & (0x3F >> extra);
      bool valid = true;
      for (std::size_t k = 1; valid && k <= extra; ++k) {
        auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) valid = false;
        value = (value << 6) | (next & 0x3F);
      }
      if (valid) {
        cp = value;
        length = extra + 1;
      }
    }
    out.push_back(CodePoint{cp, i});
    i += length;
  }
  return out;
}

bool in(char32_t c, char32_t first, char32_t last) {
  return c >= first && c <= last;
}

}  // namespace

char32_t fold_case(char32_t c) {
  if (c < 0x80) return in(c, 'A', 'Z') ? c + 32 : c;
  if (in(c, 0xC0, 0xDE) && c != 0xD7) return c + 32;
  if (in(c, 0x100, 0x137) || in(c, 0x14A, 0x177)) return (c % 2 == 0) ? c + 1 : c;
  if (in(c, 0x139, 0x148) || in(c, 0x179, 0x17E)) return (c % 2 == 1) ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  if (in(c, 0x391, 0x3A9) && c != 0x3A2) return c + 32;
  if (c == 0x3C2) return 0x3C3;  // final sigma folds to sigma
  if (c == 0x386) return 0x3AC;
  if (in(c, 0x388, 0x38A)) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (in(c, 0x38E, 0x38F)) return c + 63;
  if (in(c, 0x400, 0x40F)) return c + 80;
  if (in(c, 0x410, 0x42F)) return c + 32;
  if (in(c, 0x460, 0x481) || in(c, 0x48A, 0x4BF)) return (c % 2 == 0) ? c + 1 : c;
  if (in(c, 0x531, 0x556)) return c + 48;
  if (in(c, 0x1E00, 0x1E95) || in(c, 0x1EA0, 0x1EFF)) return (c % 2 == 0) ? c + 1 : c;
  if (c == 0x1E9E) return 0xDF;
  if (in(c, 0xFF21, 0xFF3A)) return c + 32;
  return c;
}

bool is_word_character(char32_t c) {
  if (c < 0x80) return in(c, 'a', 'z') || in(c, 'A', 'Z') || in(c, '0', '9') || c == '_';
  if (in(c, 0x80, 0xBF)) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (in(c, 0x2000, 0x206F) || in(c, 0x20A0, 0x20CF)) return false;  // punctuation, currency
  if (in(c, 0x2190, 0x2BFF)) return false;                           // arrows, symbols, boxes
  if (in(c, 0x3000, 0x3003) || in(c, 0x3008, 0x3020) || c == 0x3030) return false;
  if (in(c, 0xE000, 0xF8FF) || in(c, 0xFE30, 0xFE4F)) return false;
  if (in(c, 0xFF00, 0xFF0F) || in(c, 0xFF1A, 0xFF20) || in(c, 0xFF5B, 0xFF65)) return false;
  if (in(c, 0xFF3B, 0xFF40)) return c == 0xFF3F;
  if (in(c, 0x1F000, 0x1FAFF)) return false;  // emoji and pictographs
  if (c == 0xFFFD) return false;
  return true;
}

void KeywordMatcher::add(std::string_view keyword, bool whole_word) {
  Keyword k;
  for (const auto& cp : decode(keyword)) k.folded.push_back(fold_case(cp.value));
  if (k.folded.empty()) return;
  if (whole_word) {
    k.boundary_before = is_word_character(k.folded.front());
    k.boundary_after = is_word_character(k.folded.back());
  }
  keywords_.push_back(std::move(k));
}

std::optional<std::string> KeywordMatcher::find(std::string_view text) const {
  if (keywords_.empty()) return std::nullopt;
  std::vector<CodePoint> points = decode(text);
  for (auto& p : points) p.value = fold_case(p.value);
  const std::size_t n = points.size();
  auto byte_at = [&](std::size_t index) { return index < n ? points[index].offset : text.size(); };
  for (std::size_t i = 0; i < n; ++i) {
    bool boundary_before = i == 0 || !is_word_character(points[i - 1].value);
    for (const auto& k : keywords_) {
      const std::size_t length = k.folded.size();
      if (length > n - i || points[i].value != k.folded[0]) continue;
      if (k.boundary_before && !boundary_before) continue;
      bool same = true;
      for (std::size_t j = 1; j < length && same; ++j) same = points[i + j].value == k.folded[j];
      if (!same) continue;
      if (k.boundary_after && i + length < n && is_word_character(points[i + length].value))
        continue;
      std::size_t from = byte_at(i), to = byte_at(i + length);
      return std::string(text.substr(from, to - from));
    }
  }
  return std::nullopt;
}

}  // namespace herd::text
