// Link preview metadata from a page's head, and the plain links of a status's HTML.
#include "text/page_meta.hpp"

#include <gtest/gtest.h>

using herd::text::parse_page_meta;
using herd::text::plain_links;

TEST(PageMeta, OpenGraphWinsAndValuesAreDecoded) {
  auto meta = parse_page_meta(
      "<html lang='pt-BR'><head><title>Plain</title>"
      "<meta property=\"og:title\" content=\"Caf&#233; &amp; bar\">"
      "<META NAME=description CONTENT='from meta'>"
      "<meta property=og:description content=\"from og\">"
      "<meta property=\"og:image\" content=\"../img/a.png\"><meta property=og:image:width content=640>"
      "</head><body><meta property=og:title content=ignored></body></html>",
      "https://example.com/news/story");
  EXPECT_EQ(meta.title, "Café & bar");
  EXPECT_EQ(meta.description, "from og");
  EXPECT_EQ(meta.image, "https://example.com/img/a.png");
  EXPECT_EQ(meta.image_width, 640);
  EXPECT_FALSE(meta.image_height);
  EXPECT_EQ(meta.language, "pt");
}

TEST(PageMeta, FallbacksCommentsAndBrokenInput) {
  auto meta = parse_page_meta(
      "<!-- <meta property=og:title content=hidden> --><title>The &lt;real&gt; one</title>"
      "<meta name=twitter:description content=tweet><meta property=og:image content='javascript:x'>",
      "http://example.org/");
  EXPECT_EQ(meta.title, "The <real> one");
  EXPECT_EQ(meta.description, "tweet");
  EXPECT_EQ(meta.image, "");  // only http(s) images
  // An unterminated value runs to the end of the input, never past it.
  EXPECT_EQ(parse_page_meta("<meta property='og:title' content='unterminated", "https://a/").title,
            "unterminated");
  EXPECT_EQ(parse_page_meta("<title>no end", "https://a/").title, "no end");
  EXPECT_EQ(parse_page_meta("", "https://a/").title, "");
}

TEST(PageMeta, PlainLinksSkipMentionsAndHashtags) {
  auto links = plain_links(
      "<p><span class=\"h-card\"><a href=\"https://x.test/@bob\" class=\"u-url mention\">@bob</a>"
      "</span> <a href=\"https://x.test/tags/cats\" class=\"mention hashtag\" rel=\"tag\">#cats</a> "
      "<a href=\"https://news.test/a?b=1&amp;c=2\" rel=\"nofollow noopener\">news</a> "
      "<a href=\"mailto:me@x.test\">mail</a> <abbr>x</abbr> <a href='http://second.test/'>2</a></p>");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0], "https://news.test/a?b=1&c=2");
  EXPECT_EQ(links[1], "http://second.test/");
}
