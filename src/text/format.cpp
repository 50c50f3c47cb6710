#include "text/format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace herd::text {
namespace {

// ---- UTF-8 ----------------------------------------------------------------------------------

constexpr char32_t kReplacement = 0xFFFD;

// Invalid sequences (bad lead or continuation bytes, overlong forms, surrogates, values past
// U+10FFFF) become U+FFFD, one per byte.
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80                ? 1
                 : b >= 0xC2 && b < 0xE0 ? 2
                 : b >= 0xE0 && b < 0xF0 ? 3
                 : b < 0xF5              ? 4
                                         : 0;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      ok = (cont & 0xC0) == 0x80;
      c = (c << 6) | (cont & 0x3F);
    }
    ok = ok && !(len == 3 && c < 0x800) && !(len == 4 && (c < 0x10000 || c > 0x10FFFF)) &&
         !(c >= 0xD800 && c <= 0xDFFF);
    out.push_back(ok ? c : kReplacement);
    i += ok ? len : 1;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
    return;
  }
  int tail = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
  static constexpr unsigned char kLead[] = {0, 0xC0, 0xE0, 0xF0};
  out.push_back(static_cast<char>(kLead[tail] | (c >> (6 * tail))));
  for (int k = tail - 1; k >= 0; --k)
    out.push_back(static_cast<char>(0x80 | ((c >> (6 * k)) & 0x3F)));
}

std::string encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

// The entity Rails' `h` writes for c, or nullptr when c stays as it is.
const char* html_entity(char32_t c) {
  return c == '&'    ? "&amp;"
         : c == '<'  ? "&lt;"
         : c == '>'  ? "&gt;"
         : c == '"'  ? "&quot;"
         : c == '\'' ? "&#39;"
                     : nullptr;
}

void append_escaped(std::string& out, std::u32string_view s) {
  for (char32_t c : s) {
    if (const char* entity = html_entity(c)) {
      out += entity;
    } else {
      append_utf8(out, c);
    }
  }
}

// ---- Character classes (an approximation of Unicode's, without ICU) --------------------------

struct Range {
  char32_t first, last;
};

bool in_ranges(char32_t c, const Range* begin, const Range* end) {
  const Range* it =
      std::upper_bound(begin, end, c, [](char32_t v, const Range& r) { return v < r.first; });
  return it != begin && c <= (it - 1)->last;
}

// Non-ASCII code points that are not word characters: controls, punctuation, symbols, spaces,
// format characters, private use. Everything else outside ASCII counts as a letter, mark or digit.
constexpr Range kNonWord[] = {
    {0x80, 0xA9},       {0xAB, 0xB4},       {0xB6, 0xB9},       {0xBB, 0xBF},
    {0xD7, 0xD7},       {0xF7, 0xF7},       {0x2C2, 0x2C5},     {0x2D2, 0x2DF},
    {0x2E5, 0x2EB},     {0x2ED, 0x2ED},     {0x2EF, 0x2FF},     {0x37E, 0x37E},
    {0x384, 0x385},     {0x387, 0x387},     {0x3F6, 0x3F6},     {0x482, 0x482},
    {0x55A, 0x55F},     {0x589, 0x58A},     {0x58D, 0x58F},     {0x5BE, 0x5BE},
    {0x5C0, 0x5C0},     {0x5C3, 0x5C3},     {0x5C6, 0x5C6},     {0x5F3, 0x5F4},
    {0x600, 0x60F},     {0x61B, 0x61F},     {0x66A, 0x66D},     {0x6D4, 0x6D4},
    {0x6DD, 0x6DE},     {0x6E9, 0x6E9},     {0x964, 0x965},     {0x970, 0x970},
    {0xE3F, 0xE3F},     {0xE4F, 0xE4F},     {0xE5A, 0xE5B},     {0x10FB, 0x10FB},
    {0x1360, 0x1368},   {0x166D, 0x166E},   {0x1680, 0x1680},   {0x169B, 0x169C},
    {0x16EB, 0x16ED},   {0x17D4, 0x17D6},   {0x17D8, 0x17DB},   {0x1800, 0x180A},
    {0x2000, 0x203E},   {0x2041, 0x2053},   {0x2055, 0x2070},   {0x2074, 0x207E},
    {0x2080, 0x208F},   {0x20A0, 0x20CF},   {0x2100, 0x2101},   {0x2103, 0x2106},
    {0x2108, 0x2109},   {0x2114, 0x2114},   {0x2116, 0x2118},   {0x211E, 0x2123},
    {0x2125, 0x2125},   {0x2127, 0x2127},   {0x2129, 0x2129},   {0x212E, 0x212E},
    {0x213A, 0x213B},   {0x2140, 0x2144},   {0x214A, 0x214D},   {0x214F, 0x215F},
    {0x2189, 0x2BFF},   {0x2CE5, 0x2CEA},   {0x2CF9, 0x2CFF},   {0x2E00, 0x2FFF},
    {0x3000, 0x3004},   {0x3008, 0x3020},   {0x3030, 0x3030},   {0x3036, 0x3037},
    {0x303D, 0x303F},   {0x309B, 0x309C},   {0x30A0, 0x30A0},   {0x30FB, 0x30FB},
    {0x31C0, 0x31EF},   {0x3200, 0x33FF},   {0x4DC0, 0x4DFF},   {0xA490, 0xA4CF},
    {0xA4FE, 0xA4FF},   {0xA60D, 0xA60F},   {0xA673, 0xA673},   {0xA67E, 0xA67E},
    {0xA6F2, 0xA6F7},   {0xA700, 0xA716},   {0xA720, 0xA721},   {0xA789, 0xA78A},
    {0xD800, 0xF8FF},   {0xFB29, 0xFB29},   {0xFD3E, 0xFD3F},   {0xFDFC, 0xFDFF},
    {0xFE10, 0xFE1F},   {0xFE30, 0xFE32},   {0xFE35, 0xFE4C},   {0xFE50, 0xFE6F},
    {0xFEFF, 0xFEFF},   {0xFF01, 0xFF0F},   {0xFF1A, 0xFF20},   {0xFF3B, 0xFF3E},
    {0xFF40, 0xFF40},   {0xFF5B, 0xFF65},   {0xFFE0, 0xFFFF},   {0x1D000, 0x1D24F},
    {0x1D300, 0x1D37F}, {0x1F000, 0x1FBFF}, {0xE0000, 0xE007F}, {0xF0000, 0x10FFFF},
};

// Word characters that are not letters: decimal digits of other scripts, combining diacritics,
// connector punctuation.
constexpr Range kWordNotAlpha[] = {
    {0x300, 0x36F},   {0x660, 0x669},   {0x6F0, 0x6F9},   {0x7C0, 0x7C9},   {0x966, 0x96F},
    {0x9E6, 0x9EF},   {0xA66, 0xA6F},   {0xAE6, 0xAEF},   {0xB66, 0xB6F},   {0xBE6, 0xBEF},
    {0xC66, 0xC6F},   {0xCE6, 0xCEF},   {0xD66, 0xD6F},   {0xE50, 0xE59},   {0xED0, 0xED9},
    {0xF20, 0xF29},   {0x1040, 0x1049}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x203F, 0x2040},
    {0x2054, 0x2054}, {0xFE33, 0xFE34}, {0xFE4D, 0xFE4F}, {0xFF10, 0xFF19}, {0xFF3F, 0xFF3F},
};

template <size_t N>
bool in(char32_t c, const Range (&table)[N]) {
  return in_ranges(c, table, table + N);
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char32_t c) {
  return c >= '0' && c <= '9';
}

// Unicode White_Space.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Ruby's [[:word:]]: letters, marks, decimal digits, connector punctuation.
bool is_word(char32_t c) {
  if (c < 0x80) return is_ascii_alnum(c) || c == '_';
  return !in(c, kNonWord);
}

// Ruby's [[:alpha:]] (letters of any script).
bool is_alpha(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return is_word(c) && !in(c, kWordNotAlpha);
}

// Separators allowed inside a hashtag besides '_': middle dot, katakana middle dot, ZWNJ.
bool is_hashtag_separator(char32_t c) {
  return c == 0xB7 || c == 0x30FB || c == 0x200C;
}

// Latin letters with diacritics (twitter-text's latin_accents, roughly).
bool is_latin_accent(char32_t c) {
  return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x300 && c <= 0x36F) ||
         (c >= 0x1E00 && c <= 0x1EFF);
}

// Lower case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other scripts unchanged.
char32_t to_lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
    if (c == 0x178) return 0xFF;
    if (c >= 0x138 && c <= 0x149) return c;
    return c % 2 == 0 ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c >= 0x386 && c <= 0x38F) {
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
  }
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

bool starts_with_ci(std::u32string_view t, size_t i, std::u32string_view ascii_lower) {
  if (i + ascii_lower.size() > t.size()) return false;
  for (size_t k = 0; k < ascii_lower.size(); ++k) {
    if (to_lower(t[i + k]) != ascii_lower[k]) return false;
  }
  return true;
}

// ---- Entity extraction ---------------------------------------------------------------------

enum class Kind { link, mention, hashtag };

struct Entity {
  Kind kind;
  size_t begin = 0, end = 0;                // code point range in the text, sigil included
  size_t name_end = 0;                      // mention: end of the username
  size_t domain_begin = 0, domain_end = 0;  // mention: the domain (empty range when local form)
};

bool is_url_path_char(char32_t c) {
  return !is_space(c) && c >= 0x20 && c != 0x7F && c != '<' && c != '>' && c != '(' && c != ')' &&
         c != '?';
}

bool is_url_path_ending(char32_t c) {
  static constexpr std::u32string_view kNotEnding = U"!*\"'\u300C\u300D;:=,.$%[]~&|@";
  return is_url_path_char(c) && kNotEnding.find(c) == std::u32string_view::npos;
}

bool is_url_query_char(char32_t c) {
  static constexpr std::u32string_view kAllowed = U"!?*'();:&=+$/%#[]-_.,~|@^";
  return is_ascii_alnum(c) || kAllowed.find(c) != std::u32string_view::npos ||
         (c >= 0xA0 && !is_space(c));
}

bool is_url_query_ending(char32_t c) {
  static constexpr std::u32string_view kAllowed = U"_&=#/-";
  return is_ascii_alnum(c) || kAllowed.find(c) != std::u32string_view::npos ||
         (c >= 0xA0 && !is_space(c));
}

// t[i] == '(': the index of the matching ')' when the group is balanced (one nested level at
// most, never empty), else npos.
size_t balanced_paren_end(std::u32string_view t, size_t i) {
  bool any = false, nested = false;
  for (size_t r = i + 1; r < t.size();) {
    char32_t c = t[r];
    if (c == ')') return any ? r : std::u32string_view::npos;
    if (c == '(') {
      if (nested) break;
      size_t s = r + 1;
      while (s < t.size() && is_url_path_char(t[s])) ++s;
      if (s == r + 1 || s >= t.size() || t[s] != ')') break;
      nested = any = true;
      r = s + 1;
      continue;
    }
    if (!is_url_path_char(c)) break;
    any = true;
    ++r;
  }
  return std::u32string_view::npos;
}

std::optional<Entity> match_link(std::u32string_view t, size_t i) {
  if (i > 0) {
    char32_t p = t[i - 1];
    if (is_ascii_alnum(p) || p == '@' || p == '$' || p == '#' || p == 0xFF20 || p == 0xFF03) {
      return std::nullopt;
    }
  }
  size_t p;
  if (starts_with_ci(t, i, U"https://")) {
    p = i + 8;
  } else if (starts_with_ci(t, i, U"http://")) {
    p = i + 7;
  } else {
    return std::nullopt;
  }
  // Host: labels of letters, digits, '-' and '_' separated by single dots.
  const size_t host_begin = p;
  auto host_char = [](char32_t c) { return c == '-' || is_word(c); };
  while (p < t.size() && (host_char(t[p]) || (t[p] == '.' && p > host_begin && t[p - 1] != '.'))) {
    ++p;
  }
  size_t end = p;
  while (end > host_begin && (t[end - 1] == '.' || t[end - 1] == '-' || t[end - 1] == '_')) --end;
  if (end == host_begin || !is_word(t[host_begin])) return std::nullopt;
  Entity e{Kind::link, i, end};
  if (end < p) return e;
  if (p + 1 < t.size() && t[p] == ':' && is_ascii_digit(t[p + 1])) {
    p += 1;
    while (p < t.size() && is_ascii_digit(t[p])) ++p;
    e.end = p;
  }
  if (p < t.size() && t[p] == '/') {
    size_t q = p + 1;
    e.end = q;
    while (q < t.size()) {
      if (t[q] == '(') {
        size_t close = balanced_paren_end(t, q);
        if (close == std::u32string_view::npos) break;
        q = close + 1;
        e.end = q;
        continue;
      }
      if (!is_url_path_char(t[q])) break;
      if (is_url_path_ending(t[q])) e.end = q + 1;
      ++q;
    }
  }
  if (e.end < t.size() && t[e.end] == '?') {
    size_t q = e.end + 1;
    size_t last = 0;
    for (; q < t.size() && is_url_query_char(t[q]); ++q) {
      if (is_url_query_ending(t[q])) last = q + 1;
    }
    if (last != 0) e.end = last;
  }
  return e;
}

// [a-z0-9_]+ ([.-]+ [a-z0-9_]+)*, or with `word` for the domain form; returns the end.
template <typename Pred>
size_t match_dotted(std::u32string_view t, size_t p, Pred word) {
  if (p >= t.size() || !word(t[p])) return p;
  while (p < t.size() && word(t[p])) ++p;
  for (;;) {
    size_t r = p;
    while (r < t.size() && (t[r] == '.' || t[r] == '-')) ++r;
    if (r == p || r >= t.size() || !word(t[r])) return p;
    p = r;
    while (p < t.size() && word(t[p])) ++p;
  }
}

std::optional<Entity> match_mention(std::u32string_view t, size_t i) {
  if (i > 0 && (is_word(t[i - 1]) || t[i - 1] == '=' || t[i - 1] == '/')) return std::nullopt;
  auto username_char = [](char32_t c) { return is_ascii_alnum(c) || c == '_'; };
  size_t name_end = match_dotted(t, i + 1, username_char);
  if (name_end == i + 1) return std::nullopt;
  Entity e{Kind::mention, i, name_end, name_end, name_end, name_end};
  if (name_end + 1 < t.size() && t[name_end] == '@' && is_word(t[name_end + 1])) {
    size_t d = match_dotted(t, name_end + 1, is_word);
    if (d + 1 < t.size() && t[d] == ':' && is_ascii_digit(t[d + 1])) {
      ++d;
      while (d < t.size() && is_ascii_digit(t[d])) ++d;
    }
    e.domain_begin = name_end + 1;
    e.domain_end = e.end = d;
  }
  if (e.end < t.size()) {
    char32_t c = t[e.end];
    if (c == '@' || c == 0xFF20 || is_latin_accent(c) || t.substr(e.end, 3) == U"://") {
      return std::nullopt;
    }
  }
  return e;
}

std::optional<Entity> match_hashtag(std::u32string_view t, size_t i) {
  if (i > 0 && (is_word(t[i - 1]) || t[i - 1] == '/' || t[i - 1] == ')' || t[i - 1] == '=')) {
    return std::nullopt;
  }
  size_t p = i + 1;
  if (p >= t.size() || !is_word(t[p])) return std::nullopt;
  size_t q = p;
  while (q < t.size() && (is_word(t[q]) || is_hashtag_separator(t[q]))) ++q;
  // "#tagged https://..." typed without the space: "#taggedhttps://x" -> "#tagged". Cut before
  // the rules below, which hold for what remains (found by fuzz_format_status: "#1https://x" gave
  // the digits-only tag "1").
  if (t.substr(q, 3) == U"://") {
    for (std::u32string_view scheme : {U"https", U"http"}) {
      if (q - p > scheme.size() && t.substr(q - scheme.size(), scheme.size()) == scheme) {
        q -= scheme.size();
        break;
      }
    }
  }
  while (!is_word(t[q - 1])) --q;  // a separator never ends a name
  bool named = false;              // not only digits and underscores
  for (size_t k = p; k < q && !named; ++k) named = is_alpha(t[k]) || is_hashtag_separator(t[k]);
  if (!named) return std::nullopt;
  return Entity{Kind::hashtag, i, q};
}

std::vector<Entity> extract(std::u32string_view t, bool with_hashtags) {
  std::vector<Entity> out;
  for (size_t i = 0; i < t.size();) {
    char32_t c = t[i];
    std::optional<Entity> e;
    if (c == 'h' || c == 'H') {
      e = match_link(t, i);
    } else if (c == '@') {
      e = match_mention(t, i);
    } else if (with_hashtags && (c == '#' || c == 0xFF03)) {
      e = match_hashtag(t, i);
    }
    if (e) {
      i = e->end;
      out.push_back(*e);
    } else {
      ++i;
    }
  }
  return out;
}

// ---- Rendering ----------------------------------------------------------------------------

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// "https://Example.com:8443/x" -> "example.com:8443".
std::string authority_of(std::string_view base_url) {
  size_t scheme = base_url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? base_url : base_url.substr(scheme + 3);
  return lower_ascii(rest.substr(0, rest.find('/')));
}

void render_link(std::string& out, std::u32string_view url) {
  size_t prefix = 0;
  if (url.starts_with(U"https://")) prefix = 8;
  if (url.starts_with(U"http://")) prefix = 7;
  if (prefix != 0 && url.substr(prefix).starts_with(U"www.")) prefix += 4;
  std::u32string_view rest = url.substr(prefix);
  const bool cutoff = rest.size() > 30;
  out += "<a href=\"";
  append_escaped(out, url);
  out += "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">";
  out += "<span class=\"invisible\">";
  append_escaped(out, url.substr(0, prefix));
  out += cutoff ? "</span><span class=\"ellipsis\">" : "</span><span class=\"\">";
  append_escaped(out, rest.substr(0, 30));
  out += "</span><span class=\"invisible\">";
  if (cutoff) append_escaped(out, rest.substr(30));
  out += "</span></a>";
}

void render_hashtag(std::string& out, std::string_view base_url, std::u32string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string href(base_url);
  href += "/tags/";
  for (unsigned char b : encode(name)) {  // Rails escapes non-ASCII path bytes
    href += b < 0x80 ? std::string(1, static_cast<char>(b))
                     : std::string{'%', kHex[b >> 4], kHex[b & 0xF]};
  }
  out += "<a href=\"";
  out += escape_html(href);
  out += "\" class=\"mention hashtag\" rel=\"tag\">#<span>";
  append_escaped(out, name);
  out += "</span></a>";
}

void render_mention(std::string& out, const MentionTarget& target) {
  out += "<span class=\"h-card\" translate=\"no\"><a href=\"";
  out += escape_html(target.url);
  out += "\" class=\"u-url mention\">@<span>";
  out += escape_html(target.username);
  out += "</span></a></span>";
}

template <typename T>
void push_unique(std::vector<T>& v, T value) {
  if (std::find(v.begin(), v.end(), value) == v.end()) v.push_back(std::move(value));
}

// Rails' simple_format on already-escaped text: "\n\n+" separates <p>s, "\n" is <br />.
std::string paragraphs(std::string_view body) {
  std::string out;
  size_t i = 0;
  while (i < body.size()) {
    size_t blank = body.find("\n\n", i);
    std::string_view para = body.substr(i, blank == std::string_view::npos ? blank : blank - i);
    out += "<p>";
    for (size_t nl; (nl = para.find('\n')) != std::string_view::npos; para.remove_prefix(nl + 1)) {
      out.append(para.substr(0, nl)).append("<br />");
    }
    out.append(para).append("</p>");
    if (blank == std::string_view::npos) break;
    i = blank;
    while (i < body.size() && body[i] == '\n') ++i;
  }
  return out;
}

FormattedStatus format_text(std::string_view plain_text, std::string_view base_url,
                            const MentionResolver& resolve, bool multiline) {
  FormattedStatus result;
  std::string normalised;  // "\r\n" and "\r" -> "\n"
  normalised.reserve(plain_text.size());
  for (size_t k = 0; k < plain_text.size(); ++k) {
    normalised.push_back(plain_text[k] == '\r' ? '\n' : plain_text[k]);
    if (plain_text[k] == '\r' && k + 1 < plain_text.size() && plain_text[k + 1] == '\n') ++k;
  }
  std::u32string t = decode_utf8(normalised);
  size_t first = 0, last = t.size();
  while (first < last && is_space(t[first])) ++first;
  while (last > first && is_space(t[last - 1])) --last;
  std::u32string_view text = std::u32string_view(t).substr(first, last - first);
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  const std::string local_authority = authority_of(base_url);

  std::string body;
  size_t done = 0;
  for (const Entity& e : extract(text, true)) {
    append_escaped(body, text.substr(done, e.begin - done));
    std::u32string_view whole = text.substr(e.begin, e.end - e.begin);
    done = e.end;
    if (e.kind == Kind::link) {
      render_link(body, whole);
      push_unique(result.links, encode(whole));
    } else if (e.kind == Kind::hashtag) {
      std::u32string_view name = whole.substr(1);
      render_hashtag(body, base_url, name);
      std::u32string lowered;
      for (char32_t c : name) lowered.push_back(to_lower(c));
      push_unique(result.tags, encode(lowered));
    } else {
      std::optional<MentionTarget> target;
      if (resolve) {
        std::string username = encode(text.substr(e.begin + 1, e.name_end - e.begin - 1));
        std::string domain = encode(text.substr(e.domain_begin, e.domain_end - e.domain_begin));
        if (lower_ascii(domain) == local_authority) domain.clear();
        target = resolve(username, domain);
      }
      if (!target) {
        append_escaped(body, whole);
        continue;
      }
      render_mention(body, *target);
      bool seen = std::any_of(result.mentions.begin(), result.mentions.end(),
                              [&](const MentionTarget& m) { return m.id == target->id; });
      if (!seen) result.mentions.push_back(std::move(*target));
    }
  }
  append_escaped(body, text.substr(done));
  result.html = multiline ? paragraphs(body) : std::move(body);
  return result;
}

// ---- HTML to text ---------------------------------------------------------------------------

// Decodes the entity at html[i] == '&'; returns the bytes consumed (0 when not an entity).
size_t decode_entity(std::string_view html, size_t i, std::string& out) {
  size_t semi = html.find(';', i + 1);
  if (semi == std::string_view::npos || semi - i > 12 || semi == i + 1) return 0;
  std::string_view name = html.substr(i + 1, semi - i - 1);
  if (name[0] == '#') {
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    uint32_t value = 0;
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
    if (end != digits.data() + digits.size()) return 0;  // not all digits
    bool valid = error == std::errc() && value != 0 && value < 0x110000 &&
                 !(value >= 0xD800 && value <= 0xDFFF);
    append_utf8(out, valid ? value : kReplacement);
    return semi - i + 1;
  }
  static constexpr std::pair<std::string_view, char32_t> kNamed[] = {
      {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},
      {"apos", '\''},    {"nbsp", 0xA0},    {"hellip", 0x2026}, {"mdash", 0x2014},
      {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C},
      {"rdquo", 0x201D}, {"laquo", 0xAB},   {"raquo", 0xBB},    {"middot", 0xB7},
      {"bull", 0x2022},  {"copy", 0xA9},    {"reg", 0xAE},      {"trade", 0x2122},
      {"shy", 0xAD},     {"zwj", 0x200D},   {"zwnj", 0x200C},   {"euro", 0x20AC},
  };
  for (const auto& [entity, c] : kNamed) {
    if (entity == name) {
      append_utf8(out, c);
      return semi - i + 1;
    }
  }
  return 0;
}

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Where "</name" (any case) starts at or after `from`, or npos.
size_t find_closing_tag(std::string_view html, size_t from, std::string_view name) {
  for (size_t k = html.find("</", from); k != std::string_view::npos; k = html.find("</", k + 2)) {
    if (lower_ascii(html.substr(k + 2, name.size())) == name) return k;
  }
  return std::string_view::npos;
}

constexpr std::string_view kBlockElements =
    " p div blockquote li ul ol h1 h2 h3 h4 h5 h6 pre table tr hr section article header footer "
    "dl dt dd figure figcaption ";
// Elements whose content is not text (dropped with the element).
constexpr std::string_view kRawTextElements =
    " script style iframe svg math noscript template title textarea xmp noembed noframes object ";

// Whether `name` is one of the space-separated words of `list`.
bool one_of(std::string_view list, std::string_view name) {
  if (name.empty()) return false;
  for (size_t at = list.find(name); at != std::string_view::npos; at = list.find(name, at + 1)) {
    if (list[at - 1] == ' ' && list[at + name.size()] == ' ') return true;
  }
  return false;
}

}  // namespace

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (const char* entity = html_entity(static_cast<unsigned char>(c))) {
      out += entity;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

FormattedStatus format_status(std::string_view plain_text, std::string_view base_url,
                              const MentionResolver& resolve) {
  return format_text(plain_text, base_url, resolve, true);
}

FormattedStatus format_account_note(std::string_view plain_text, std::string_view base_url,
                                    const MentionResolver& resolve) {
  return format_text(plain_text, base_url, resolve, true);
}

FormattedStatus format_field_value(std::string_view plain_text, std::string_view base_url,
                                   const MentionResolver& resolve) {
  return format_text(plain_text, base_url, resolve, false);
}

std::optional<std::string> hashtag_name(std::string_view name) {
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  if (name.empty()) return std::nullopt;
  auto formatted = format_text("#" + std::string(name), "", {}, false);
  // The whole name must be the hashtag ("a b" would find "a").
  if (formatted.tags.size() != 1 || formatted.tags.front().size() != name.size())
    return std::nullopt;
  return formatted.tags.front();
}

std::string strip_html(std::string_view html) {
  std::string out;
  bool block_pending = false;  // a block boundary was crossed: next text starts after "\n\n"
  auto begin_text = [&] {
    if (block_pending && !out.empty()) {
      size_t newlines = 0;
      while (newlines < out.size() && out[out.size() - 1 - newlines] == '\n') ++newlines;
      if (newlines < 2) out.append(2 - newlines, '\n');
    }
    block_pending = false;
  };
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<' && html.substr(i, 4) == "<!--") {
      size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    bool closing = c == '<' && i + 1 < html.size() && html[i + 1] == '/';
    size_t name_at = i + (closing ? 2 : 1);
    // "<" + letter, "</" + letter, "<!" or "<?" open markup; any other "<" is text.
    bool markup = c == '<' && name_at < html.size() &&
                  (is_ascii_letter(html[name_at]) ||
                   (!closing && (html[name_at] == '!' || html[name_at] == '?')));
    if (markup) {
      size_t name_end = name_at;
      while (name_end < html.size() && (is_ascii_letter(html[name_end]) ||
                                        (html[name_end] >= '0' && html[name_end] <= '9'))) {
        ++name_end;
      }
      std::string name = lower_ascii(html.substr(name_at, name_end - name_at));
      size_t j = name_end;
      char quote = 0;
      for (; j < html.size(); ++j) {
        if (quote != 0) {
          if (html[j] == quote) quote = 0;
        } else if (html[j] == '"' || html[j] == '\'') {
          quote = html[j];
        } else if (html[j] == '>') {
          break;
        }
      }
      bool self_closing = j < html.size() && j > name_end && html[j - 1] == '/';
      i = j < html.size() ? j + 1 : html.size();
      if (name == "br") {
        out += '\n';
        block_pending = false;
      } else if (one_of(kBlockElements, name)) {
        block_pending = true;
      } else if (!closing && !self_closing && one_of(kRawTextElements, name)) {
        size_t close = find_closing_tag(html, i, name);
        if (close == std::string_view::npos) break;
        size_t gt = html.find('>', close);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
      }
      continue;
    }
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      // Source whitespace: nothing at the start of a line or between blocks.
      bool line_start = out.empty() || out.back() == '\n';
      if (!block_pending && !(line_start && c != ' ')) out += ' ';
      ++i;
      continue;
    }
    begin_text();
    if (c == '&') {
      size_t used = decode_entity(html, i, out);
      if (used != 0) {
        i += used;
        continue;
      }
    }
    out += c;
    ++i;
  }
  size_t first = out.find_first_not_of(" \n");
  if (first == std::string::npos) return "";
  size_t last = out.find_last_not_of(" \n");
  return out.substr(first, last - first + 1);
}

size_t count_characters(std::string_view plain_text) {
  std::u32string t = decode_utf8(plain_text);
  size_t count = 0, done = 0;
  for (const Entity& e : extract(t, false)) {
    count += e.begin - done;
    count += e.kind == Kind::link ? 23 : e.name_end - e.begin;
    done = e.end;
  }
  return count + (t.size() - done);
}

}  // namespace herd::text
