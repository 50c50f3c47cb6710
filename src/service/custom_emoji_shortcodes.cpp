// The shortcode rules of custom emojis (declared in custom_emojis.hpp), apart from the registry so
// that the ActivityStreams reader links without the database (the fuzz targets, fuzz/).
#include <algorithm>
#include <cctype>

#include "service/custom_emojis.hpp"

namespace herd::service {

namespace {

bool shortcode_char(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
}

}  // namespace

bool valid_shortcode(std::string_view shortcode) {
  return shortcode.size() >= 2 && std::all_of(shortcode.begin(), shortcode.end(), shortcode_char);
}

std::vector<std::string> shortcodes_in(std::string_view text) {
  // Mastodon's rule: no letter, digit or ':' right before the opening or after the closing colon.
  auto boundary = [&](std::size_t at) {
    return at >= text.size() ||
           (std::isalnum(static_cast<unsigned char>(text[at])) == 0 && text[at] != ':');
  };
  std::vector<std::string> out;
  for (std::size_t i = text.find(':'); i != std::string_view::npos; i = text.find(':', i + 1)) {
    if (i > 0 && !boundary(i - 1)) continue;
    std::size_t end = i + 1;
    while (end < text.size() && shortcode_char(text[end])) ++end;
    if (end >= text.size() || text[end] != ':' || end - i - 1 < 2 || !boundary(end + 1)) continue;
    std::string code(text.substr(i + 1, end - i - 1));
    if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(std::move(code));
    i = end;
  }
  return out;
}

}  // namespace herd::service
