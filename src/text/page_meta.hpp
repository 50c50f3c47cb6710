// What a web page says about itself for a link preview: OpenGraph (og:title, og:description,
// og:image, og:type, og:site_name, og:locale), Twitter card and plain <meta name="description">
// / <title> fallbacks, and <html lang>. A tolerant scanner of the document's head, not a full
// HTML parser: it reads tags until </head> or <body>, decodes entities in the values and never
// reads past the input.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::text {

struct PageMeta {
  std::string title, description, type, site_name, author;
  std::string image;  // absolute (resolved against the page URL), or ""
  std::optional<int> image_width, image_height;
  std::string language;  // "en" from lang="en-GB" or og:locale en_GB
};

PageMeta parse_page_meta(std::string_view html, std::string_view page_url);

// The http(s) links of a status's HTML (<a href>), in order, without mentions and hashtags (links
// whose class names "mention" or "hashtag", or with rel="tag").
std::vector<std::string> plain_links(std::string_view html);

}  // namespace herd::text
