// Remote HTML is reduced to Mastodon's allow-list before it is stored.
#include "text/sanitize.hpp"

#include <gtest/gtest.h>

using herd::text::sanitize_html;

TEST(Sanitize, KeepsMastodonMarkup) {
  EXPECT_EQ(sanitize_html("<p>Hello <a href=\"https://x.example/@a\" class=\"u-url "
                          "mention\">@<span>a</span></a></p>"),
            "<p>Hello <a href=\"https://x.example/@a\" class=\"u-url mention\" rel=\"nofollow "
            "noopener noreferrer\" target=\"_blank\">@<span>a</span></a></p>");
  EXPECT_EQ(sanitize_html("a<br/>b<br>c"), "a<br>b<br>c");
  EXPECT_EQ(sanitize_html("<ol start=\"3\" reversed><li value=\"2\">x</li></ol>"),
            "<ol start=\"3\" reversed><li value=\"2\">x</li></ol>");
  EXPECT_EQ(sanitize_html("<span class=\"invisible evil h-card\">x</span>"),
            "<span class=\"invisible h-card\">x</span>");
}

TEST(Sanitize, RemovesEverythingElse) {
  EXPECT_EQ(sanitize_html("<script>alert(1)</script><p onclick=\"x()\">hi</p>"), "<p>hi</p>");
  EXPECT_EQ(sanitize_html("<a href=\"javascript:alert(1)\">x</a>"),
            "<a rel=\"nofollow noopener noreferrer\" target=\"_blank\">x</a>");
  EXPECT_EQ(sanitize_html("<img src=x onerror=alert(1)>text"), "text");
  EXPECT_EQ(sanitize_html("<div><p>x</div>"), "<p>x</p>");
  EXPECT_EQ(sanitize_html("<!-- c --><p>a</p><?php x ?>"), "<p>a</p>");
  EXPECT_EQ(sanitize_html("<style>p{}</style><SCRIPT>x</SCRIPT >y"), "y");
  EXPECT_EQ(sanitize_html("</p></span>z<em>open"), "z<em>open</em>");
  EXPECT_EQ(sanitize_html("1 < 2 & 3 > 2"), "1 &lt; 2 &amp; 3 &gt; 2");
  EXPECT_EQ(sanitize_html("&lt;script&gt; &amp;amp; &#x41;&#66; &bogus;"),
            "&lt;script&gt; &amp;amp; AB &amp;bogus;");
  EXPECT_EQ(sanitize_html("<a href=\"https://x/?a=1&amp;b=&quot;2\">l</a>"),
            "<a href=\"https://x/?a=1&amp;b=&quot;2\" rel=\"nofollow noopener noreferrer\" "
            "target=\"_blank\">l</a>");
  EXPECT_EQ(sanitize_html("<p title='x\">y'>t</p>"), "<p>t</p>");
  EXPECT_EQ(sanitize_html("<p"), "<p></p>");
}
