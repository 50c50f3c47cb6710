#include "text/search_query.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include "core/time.hpp"

namespace herd::text {

namespace {

constexpr std::array<std::string_view, 8> kPrefixes = {"from",   "has",   "is",     "language",
                                                       "before", "after", "during", "in"};

bool space(char ch) {
  return std::isspace(static_cast<unsigned char>(ch)) != 0;
}

// Letters and digits of any script (UTF-8 bytes past ASCII count as letters).
bool has_word_character(std::string_view s) {
  for (char ch : s)
    if (std::isalnum(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) >= 0x80)
      return true;
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Reads a quoted string starting after the opening quote; `i` ends past the closing one.
std::string read_quoted(std::string_view q, size_t& i) {
  size_t end = q.find('"', i);
  if (end == std::string_view::npos) end = q.size();
  std::string out(q.substr(i, end - i));
  i = end < q.size() ? end + 1 : end;
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (space(ch)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += ch;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

SearchQuery parse_search_query(std::string_view q) {
  SearchQuery out;
  out.in = "all";
  size_t i = 0;
  while (i < q.size()) {
    if (space(q[i])) {
      ++i;
      continue;
    }
    bool negated = false;
    if (q[i] == '-' || q[i] == '+') {
      negated = q[i] == '-';
      ++i;
      if (i >= q.size() || space(q[i])) continue;  // a lone operator
    }
    if (q[i] == '"') {
      ++i;
      std::string phrase = collapse_spaces(read_quoted(q, i));
      if (!has_word_character(phrase)) continue;
      (negated ? out.excluded : out.phrases).push_back(std::move(phrase));
      continue;
    }
    size_t start = i;
    while (i < q.size() && !space(q[i]) && q[i] != '"' && q[i] != ':') ++i;
    std::string word(q.substr(start, i - start));
    if (i < q.size() && q[i] == ':' && !word.empty()) {
      ++i;  // an operator: prefix:term or prefix:"quoted term"
      std::string term;
      if (i < q.size() && q[i] == '"') {
        ++i;
        term = collapse_spaces(read_quoted(q, i));
      } else {
        size_t term_start = i;
        while (i < q.size() && !space(q[i])) ++i;
        term = std::string(q.substr(term_start, i - term_start));
      }
      std::string prefix = lower(word);
      bool known = false;
      for (auto name : kPrefixes) known = known || name == prefix;
      if (!known) {  // as Mastodon: searched as the words "prefix term"
        std::string phrase = collapse_spaces(word + " " + term);
        if (has_word_character(phrase)) (negated ? out.excluded : out.phrases).push_back(phrase);
        continue;
      }
      if (term.empty()) continue;
      if (prefix == "in") {
        out.in = lower(term);
        continue;
      }
      if (prefix == "has" || prefix == "is") term = lower(term);
      out.filters.push_back(SearchFilter{prefix, term, negated});
      continue;
    }
    while (i < q.size() && !space(q[i]) && q[i] != '"') ++i;  // a word with a ':' at its end
    word = std::string(q.substr(start, i - start));
    if (!has_word_character(word)) continue;
    (negated ? out.excluded : out.words).push_back(std::move(word));
  }
  return out;
}

std::optional<std::int64_t> search_day_start_ms(std::string_view term) {
  bool digits = !term.empty();
  for (char ch : term) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
  if (digits) {
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(term.data(), term.data() + term.size(), seconds);
    if (ec != std::errc() || ptr != term.data() + term.size()) return std::nullopt;
    return seconds * 1000;
  }
  if (term.size() != 10 || term[4] != '-' || term[7] != '-') return std::nullopt;
  return parse_rfc3339(std::string(term) + "T00:00:00Z");
}

}  // namespace herd::text
