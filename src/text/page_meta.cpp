#include "text/page_meta.hpp"

#include <boost/url.hpp>
#include <cctype>
#include <map>

#include "text/format.hpp"

namespace herd::text {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

// Attributes of the tag starting after "<name"; pos ends after '>'.
std::map<std::string, std::string> attributes(std::string_view html, std::size_t& pos) {
  std::map<std::string, std::string> out;
  while (pos < html.size()) {
    while (pos < html.size() && (space(html[pos]) || html[pos] == '/')) ++pos;
    if (pos >= html.size() || html[pos] == '>') break;
    std::size_t start = pos;
    while (pos < html.size() && !space(html[pos]) && html[pos] != '=' && html[pos] != '>' &&
           html[pos] != '/')
      ++pos;
    std::string name = lower(html.substr(start, pos - start));
    while (pos < html.size() && space(html[pos])) ++pos;
    std::string value;
    if (pos < html.size() && html[pos] == '=') {
      ++pos;
      while (pos < html.size() && space(html[pos])) ++pos;
      if (pos < html.size() && (html[pos] == '"' || html[pos] == '\'')) {
        char quote = html[pos++];
        std::size_t end = html.find(quote, pos);
        if (end == std::string_view::npos) end = html.size();
        value = html.substr(pos, end - pos);
        pos = end < html.size() ? end + 1 : end;
      } else {
        start = pos;
        while (pos < html.size() && !space(html[pos]) && html[pos] != '>') ++pos;
        value = html.substr(start, pos - start);
      }
    }
    if (!name.empty() && !out.count(name)) out.emplace(std::move(name), std::move(value));
  }
  if (pos < html.size()) ++pos;  // '>'
  return out;
}

std::string decoded(std::string_view value) {
  return strip_html(value);  // decodes entities; there are no tags in an attribute value
}

std::string resolve(std::string_view base, std::string_view reference) {
  if (reference.empty()) return "";
  auto ref = boost::urls::parse_uri_reference(reference);
  auto base_url = boost::urls::parse_uri(base);
  if (!ref || !base_url) return "";
  boost::urls::url out;
  if (!boost::urls::resolve(*base_url, *ref, out)) return "";
  std::string scheme(out.scheme());
  if (scheme != "https" && scheme != "http") return "";
  return std::string(out.buffer());
}

std::string language_of(std::string_view value) {
  std::string code = lower(value.substr(0, value.find_first_of("-_")));
  if (code.size() < 2 || code.size() > 3) return "";
  for (char ch : code)
    if (ch < 'a' || ch > 'z') return "";
  return code;
}

}  // namespace

PageMeta parse_page_meta(std::string_view html, std::string_view page_url) {
  std::map<std::string, std::string> meta;  // property or name -> content (first wins)
  std::string title, lang;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (html.substr(pos, 3) == "!--") {
      std::size_t end = html.find("-->", pos);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    std::size_t start = pos;
    while (pos < html.size() && (std::isalnum(static_cast<unsigned char>(html[pos])) ||
                                 html[pos] == '/' || html[pos] == '!'))
      ++pos;
    std::string name = lower(html.substr(start, pos - start));
    if (name == "body" || name == "/head") break;
    auto attrs = attributes(html, pos);
    if (name == "html" && attrs.count("lang")) lang = attrs["lang"];
    if (name == "meta" && attrs.count("content")) {
      std::string key = attrs.count("property") ? attrs["property"] : attrs["name"];
      key = lower(key);
      if (!key.empty() && !meta.count(key)) meta.emplace(key, decoded(attrs["content"]));
    }
    if (name == "title" && title.empty()) {
      std::size_t end = html.find("</", pos);
      if (end == std::string_view::npos) end = html.size();
      title = decoded(html.substr(pos, end - pos));
      pos = end;
    }
  }
  auto first = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* key : keys)
      if (auto it = meta.find(key); it != meta.end() && !it->second.empty()) return it->second;
    return "";
  };
  PageMeta page;
  page.title = first({"og:title", "twitter:title"});
  if (page.title.empty()) page.title = title;
  page.description = first({"og:description", "twitter:description", "description"});
  page.type = first({"og:type"});
  page.site_name = first({"og:site_name"});
  page.author = first({"author", "article:author"});
  page.image = resolve(page_url, first({"og:image", "og:image:url", "twitter:image"}));
  auto number = [&](const char* key) -> std::optional<int> {
    std::string value = first({key});
    if (value.empty() || value.size() > 6) return std::nullopt;
    for (char ch : value)
      if (ch < '0' || ch > '9') return std::nullopt;
    return std::stoi(value);
  };
  page.image_width = number("og:image:width");
  page.image_height = number("og:image:height");
  page.language = language_of(!lang.empty() ? lang : first({"og:locale"}));
  return page;
}

std::vector<std::string> plain_links(std::string_view html) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (pos >= html.size() || (html[pos] != 'a' && html[pos] != 'A')) continue;
    if (pos + 1 < html.size() && !space(html[pos + 1])) continue;
    ++pos;
    auto attrs = attributes(html, pos);
    std::string href = decoded(attrs["href"]);
    std::string kind = lower(attrs["class"]) + " " + lower(attrs["rel"]);
    if (kind.find("mention") != std::string::npos || kind.find("hashtag") != std::string::npos ||
        kind.find("tag") != std::string::npos)
      continue;
    if (href.rfind("https://", 0) != 0 && href.rfind("http://", 0) != 0) continue;
    out.push_back(std::move(href));
  }
  return out;
}

}  // namespace herd::text
