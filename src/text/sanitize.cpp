#include "text/sanitize.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include "text/format.hpp"

namespace herd::text {

namespace {

const std::string_view kKept[] = {
    "p",  "br",     "span", "a",   "abbr", "del", "s",    "pre", "blockquote", "code",
    "b",  "strong", "u",    "sub", "sup",  "i",   "em",   "h1",  "h2",         "h3",
    "h4", "h5",     "h6",   "ul",  "ol",   "li",  "ruby", "rt",  "rp"};
const std::string_view kDropped[] = {"script",   "style",    "iframe", "object",
                                     "embed",    "svg",      "math",   "noscript",
                                     "template", "textarea", "select", "title"};
const std::string_view kSchemes[] = {"http", "https",  "dat",  "dweb",   "ipfs",  "ipns",
                                     "ssb",  "gopher", "xmpp", "magnet", "gemini"};

template <std::size_t N>
bool in(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes character references (common named ones and numeric); unknown ones stay as text.
std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    std::size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += '&';
      continue;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    bool ok = true;
    if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) ok = false;
      for (char c : digits) {
        int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : hex && std::isxdigit(static_cast<unsigned char>(c))
                    ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                    : -1;
        if (v < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      }
    } else if (name == "amp") {
      cp = '&';
    } else if (name == "lt") {
      cp = '<';
    } else if (name == "gt") {
      cp = '>';
    } else if (name == "quot") {
      cp = '"';
    } else if (name == "apos") {
      cp = '\'';
    } else if (name == "nbsp") {
      cp = 0xA0;
    } else if (name == "hellip") {
      cp = 0x2026;
    } else if (name == "mdash") {
      cp = 0x2014;
    } else if (name == "ndash") {
      cp = 0x2013;
    } else {
      ok = false;
    }
    if (!ok) {
      out += '&';
      continue;
    }
    append_utf8(out, cp);
    i = semi;
  }
  return out;
}

bool allowed_class(std::string_view name) {
  for (std::string_view prefix : {"h-", "p-", "u-", "dt-", "e-"})
    if (name.substr(0, prefix.size()) == prefix) return true;
  return name == "mention" || name == "hashtag" || name == "ellipsis" || name == "invisible";
}

std::string filter_classes(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    std::size_t end = i;
    while (end < value.size() && !std::isspace(static_cast<unsigned char>(value[end]))) ++end;
    std::string_view name = value.substr(i, end - i);
    if (!name.empty() && allowed_class(name)) {
      if (!out.empty()) out += ' ';
      out += name;
    }
    i = end;
  }
  return out;
}

bool allowed_href(std::string_view href) {
  std::size_t colon = href.find(':');
  if (colon == std::string_view::npos) return false;  // relative links lead nowhere useful
  return in(kSchemes, lower(href.substr(0, colon)));
}

struct Attribute {
  std::string name, value;
};

// Parses attributes from text after the tag name up to '>' (position returned).
std::size_t parse_attributes(std::string_view html, std::size_t i, std::vector<Attribute>& out,
                             bool& self_closing) {
  self_closing = false;
  while (i < html.size()) {
    char c = html[i];
    if (c == '>') return i + 1;
    if (c == '/') {
      self_closing = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < html.size() && html[i] != '=' && html[i] != '>' && html[i] != '/' &&
           !std::isspace(static_cast<unsigned char>(html[i])))
      ++i;
    Attribute attribute{lower(html.substr(start, i - start)), ""};
    while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i]))) ++i;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i]))) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        std::size_t end = html.find(quote, i);
        if (end == std::string_view::npos) end = html.size();
        attribute.value = decode_entities(html.substr(i, end - i));
        i = end + 1;
      } else {
        std::size_t end = i;
        while (end < html.size() && html[end] != '>' &&
               !std::isspace(static_cast<unsigned char>(html[end])))
          ++end;
        attribute.value = decode_entities(html.substr(i, end - i));
        i = end;
      }
    }
    if (!attribute.name.empty()) out.push_back(std::move(attribute));
  }
  return html.size();
}

std::string open_tag(const std::string& name, const std::vector<Attribute>& attributes) {
  std::string out = "<" + name;
  for (const Attribute& a : attributes) {
    if (name == "a" && a.name == "href" && allowed_href(a.value)) {
      out += " href=\"" + escape_html(a.value) + "\"";
    } else if ((name == "a" || name == "span") && a.name == "class") {
      std::string classes = filter_classes(a.value);
      if (!classes.empty()) out += " class=\"" + escape_html(classes) + "\"";
    } else if (name == "ol" && a.name == "start") {
      out += " start=\"" + escape_html(a.value) + "\"";
    } else if (name == "ol" && a.name == "reversed") {
      out += " reversed";
    } else if (name == "li" && a.name == "value") {
      out += " value=\"" + escape_html(a.value) + "\"";
    }
  }
  if (name == "a") out += " rel=\"nofollow noopener noreferrer\" target=\"_blank\"";
  return out + ">";
}

}  // namespace

std::string sanitize_html(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::vector<std::string> open;  // allowed elements currently open
  std::size_t i = 0;
  std::size_t text_start = 0;
  auto flush_text = [&](std::size_t end) {
    if (end > text_start)
      out += escape_html(decode_entities(html.substr(text_start, end - text_start)));
  };
  while (i < html.size()) {
    if (html[i] != '<') {
      ++i;
      continue;
    }
    // Comments, doctypes, processing instructions.
    if (html.substr(i, 4) == "<!--") {
      flush_text(i);
      std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      text_start = i;
      continue;
    }
    bool closing = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t name_start = i + (closing ? 2 : 1);
    if (name_start < html.size() && (html[name_start] == '!' || html[name_start] == '?')) {
      flush_text(i);
      std::size_t end = html.find('>', name_start);
      i = end == std::string_view::npos ? html.size() : end + 1;
      text_start = i;
      continue;
    }
    if (name_start >= html.size() || !std::isalpha(static_cast<unsigned char>(html[name_start]))) {
      ++i;  // a lone '<' is text
      continue;
    }
    flush_text(i);
    std::size_t name_end = name_start;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end])))
      ++name_end;
    std::string name = lower(html.substr(name_start, name_end - name_start));
    std::vector<Attribute> attributes;
    bool self_closing = false;
    i = parse_attributes(html, name_end, attributes, self_closing);
    text_start = i;
    if (closing) {
      auto it = std::find(open.rbegin(), open.rend(), name);
      if (it == open.rend()) continue;  // stray closing tag
      // Close everything opened inside it, then it.
      while (!open.empty()) {
        std::string top = open.back();
        open.pop_back();
        out += "</" + top + ">";
        if (top == name) break;
      }
      continue;
    }
    if (in(kDropped, name)) {
      if (self_closing) continue;
      std::string end_tag = "</" + name;
      std::size_t pos = i;
      for (;;) {
        std::size_t found = html.find("</", pos);
        if (found == std::string_view::npos) {
          i = html.size();
          break;
        }
        if (lower(html.substr(found, end_tag.size())) == end_tag) {
          std::size_t close = html.find('>', found);
          i = close == std::string_view::npos ? html.size() : close + 1;
          break;
        }
        pos = found + 2;
      }
      text_start = i;
      continue;
    }
    if (!in(kKept, name)) continue;  // unknown element: drop the tag, keep its text
    if (name == "br") {
      out += "<br>";
      continue;
    }
    out += open_tag(name, attributes);
    if (self_closing) {
      out += "</" + name + ">";
      continue;
    }
    open.push_back(name);
  }
  flush_text(html.size());
  while (!open.empty()) {
    out += "</" + open.back() + ">";
    open.pop_back();
  }
  return out;
}

}  // namespace herd::text
