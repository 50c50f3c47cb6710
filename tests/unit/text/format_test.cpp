#include "text/format.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace herd::text {
namespace {

constexpr std::string_view kBase = "https://example.com";

// Known accounts: alice (local), bob@remote.example, carol@localhost:3000.
std::optional<MentionTarget> resolve(std::string_view username, std::string_view domain) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string user = lower(username), host = lower(domain);
  if (user == "alice" && host.empty()) {
    return MentionTarget{"1", "alice", "alice", "https://example.com/@alice"};
  }
  if (user == "bob" && host == "remote.example") {
    return MentionTarget{"2", "bob", "bob@remote.example", "https://remote.example/@bob"};
  }
  if (user == "carol" && host == "localhost:3000") {
    return MentionTarget{"3", "carol", "carol@localhost:3000", "http://localhost:3000/@carol"};
  }
  if (user == "dot.ted" && host.empty()) {
    return MentionTarget{"4", "dot.ted", "dot.ted", "https://example.com/@dot.ted"};
  }
  return std::nullopt;
}

FormattedStatus fmt(std::string_view text) {
  return format_status(text, kBase, resolve);
}
std::string html(std::string_view text) {
  return fmt(text).html;
}

const std::string kAliceHtml =
    R"(<span class="h-card" translate="no"><a href="https://example.com/@alice" )"
    R"(class="u-url mention">@<span>alice</span></a></span>)";
const std::string kBobHtml =
    R"(<span class="h-card" translate="no"><a href="https://remote.example/@bob" )"
    R"(class="u-url mention">@<span>bob</span></a></span>)";

std::string tag_html(std::string_view name, std::string_view href_name = {}) {
  std::string href(href_name.empty() ? name : href_name);
  return R"(<a href="https://example.com/tags/)" + href +
         R"(" class="mention hashtag" rel="tag">#<span>)" + std::string(name) + "</span></a>";
}

std::string link_html(std::string_view href, std::string_view prefix, std::string_view shown,
                      std::string_view hidden, bool ellipsis) {
  return R"(<a href=")" + std::string(href) +
         R"(" target="_blank" rel="nofollow noopener noreferrer" translate="no">)" +
         R"(<span class="invisible">)" + std::string(prefix) + R"(</span><span class=")" +
         (ellipsis ? "ellipsis" : "") + R"(">)" + std::string(shown) +
         R"(</span><span class="invisible">)" + std::string(hidden) + "</span></a>";
}

std::vector<std::string> usernames(const FormattedStatus& s) {
  std::vector<std::string> out;
  for (const auto& m : s.mentions) out.push_back(m.acct);
  return out;
}

using Strings = std::vector<std::string>;

// ---- escaping and paragraphs ----

TEST(EscapeHtml, EscapesTheFiveCharacters) {
  EXPECT_EQ(escape_html(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain é 日本"), "plain é 日本");
  EXPECT_EQ(escape_html(""), "");
}

TEST(FormatStatus, PlainTextIsOneParagraph) {
  EXPECT_EQ(html("Hello world"), "<p>Hello world</p>");
}

TEST(FormatStatus, EmptyAndBlankGiveEmptyHtml) {
  EXPECT_EQ(html(""), "");
  EXPECT_EQ(html(" \n\t\n "), "");
}

TEST(FormatStatus, ScriptIsEscaped) {
  EXPECT_EQ(html("<script>alert('x')</script>"),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
  EXPECT_EQ(html("a & b \"c\" <b>d</b>"), "<p>a &amp; b &quot;c&quot; &lt;b&gt;d&lt;/b&gt;</p>");
  EXPECT_EQ(html("&lt;already&gt;"), "<p>&amp;lt;already&amp;gt;</p>");
}

TEST(FormatStatus, ParagraphsAndLineBreaks) {
  EXPECT_EQ(html("one\ntwo"), "<p>one<br />two</p>");
  EXPECT_EQ(html("one\n\ntwo"), "<p>one</p><p>two</p>");
  EXPECT_EQ(html("one\n\n\n\ntwo\nthree"), "<p>one</p><p>two<br />three</p>");
  EXPECT_EQ(html("one\r\ntwo\r\n\r\nthree\rfour"), "<p>one<br />two</p><p>three<br />four</p>");
}

TEST(FormatStatus, LeadingAndTrailingWhitespaceTrimmed) {
  EXPECT_EQ(html("\n\n  hello  \n\n"), "<p>hello</p>");
  EXPECT_EQ(html("a  b"), "<p>a  b</p>");  // inner spaces kept
}

TEST(FormatStatus, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(html("a\xff"
                 "b"),
            "<p>a\xEF\xBF\xBD"
            "b</p>");
  EXPECT_EQ(html("\xC3"), "<p>\xEF\xBF\xBD</p>");                  // truncated sequence
  EXPECT_EQ(html("\xC0\xBC"), "<p>\xEF\xBF\xBD\xEF\xBF\xBD</p>");  // overlong '<'
  EXPECT_EQ(html("日本語 ✓"), "<p>日本語 ✓</p>");
}

// ---- mentions ----

TEST(FormatStatus, LocalMention) {
  auto s = fmt("Hello @alice!");
  EXPECT_EQ(s.html, "<p>Hello " + kAliceHtml + "!</p>");
  ASSERT_EQ(s.mentions.size(), 1u);
  EXPECT_EQ(s.mentions[0].id, "1");
  EXPECT_EQ(s.mentions[0].acct, "alice");
}

TEST(FormatStatus, RemoteMentionShowsUsernameOnly) {
  auto s = fmt("@bob@remote.example hi");
  EXPECT_EQ(s.html, "<p>" + kBobHtml + " hi</p>");
  EXPECT_EQ(usernames(s), Strings{"bob@remote.example"});
}

TEST(FormatStatus, MentionOfLocalDomainIsLocal) {
  EXPECT_EQ(html("@alice@example.com"), "<p>" + kAliceHtml + "</p>");
  EXPECT_EQ(html("@alice@EXAMPLE.com"), "<p>" + kAliceHtml + "</p>");
  auto s = format_status("@carol@localhost:3000", "http://localhost:3000/", resolve);
  // carol is only known remotely in this resolver: the local form is not found.
  EXPECT_EQ(s.html, "<p>@carol@localhost:3000</p>");
}

TEST(FormatStatus, MentionWithPort) {
  auto s = fmt("cc @carol@localhost:3000: look");
  EXPECT_EQ(usernames(s), Strings{"carol@localhost:3000"});
  EXPECT_NE(s.html.find(R"(href="http://localhost:3000/@carol")"), std::string::npos);
  EXPECT_NE(s.html.find("</span></a></span>: look</p>"), std::string::npos);
}

TEST(FormatStatus, UnknownMentionStaysText) {
  auto s = fmt("hi @nobody and @nobody@else.example and @<b>");
  EXPECT_EQ(s.html, "<p>hi @nobody and @nobody@else.example and @&lt;b&gt;</p>");
  EXPECT_TRUE(s.mentions.empty());
}

TEST(FormatStatus, MentionCaseInsensitiveResolution) {
  auto s = fmt("@ALICE");
  EXPECT_EQ(s.html, "<p>" + kAliceHtml + "</p>");  // the account's own username is shown
}

TEST(FormatStatus, MentionsUniqueInOrder) {
  auto s = fmt("@bob@remote.example @alice @bob@remote.example @Alice");
  EXPECT_EQ(usernames(s), (Strings{"bob@remote.example", "alice"}));
}

TEST(FormatStatus, MentionBoundaries) {
  EXPECT_EQ(html("mail me: alice@example.com"), "<p>mail me: alice@example.com</p>");
  EXPECT_EQ(html("x=@alice"), "<p>x=@alice</p>");
  EXPECT_EQ(html("/@alice"), "<p>/@alice</p>");
  EXPECT_EQ(html("(@alice)"), "<p>(" + kAliceHtml + ")</p>");
  EXPECT_EQ(html("@alice."), "<p>" + kAliceHtml + ".</p>");
  EXPECT_EQ(html("@alice, @bob@remote.example."), "<p>" + kAliceHtml + ", " + kBobHtml + ".</p>");
  EXPECT_EQ(html("@alice@"), "<p>@alice@</p>");  // followed by '@': not a mention
  EXPECT_EQ(html("@alicé"), "<p>@alicé</p>");    // followed by an accented letter
  EXPECT_EQ(
      html("@dot.ted"),
      R"(<p><span class="h-card" translate="no"><a href="https://example.com/@dot.ted" class="u-url mention">@<span>dot.ted</span></a></span></p>)");
  EXPECT_EQ(html("@"), "<p>@</p>");
}

TEST(FormatStatus, NoResolverMeansNoMentions) {
  auto s = format_status("@alice hi", kBase, MentionResolver{});
  EXPECT_EQ(s.html, "<p>@alice hi</p>");
  EXPECT_TRUE(s.mentions.empty());
}

TEST(FormatStatus, ResolverReceivesUsernameAndDomain) {
  std::vector<std::pair<std::string, std::string>> calls;
  MentionResolver spy = [&](std::string_view user, std::string_view domain) {
    calls.emplace_back(user, domain);
    return std::optional<MentionTarget>{};
  };
  format_status("@a @b@Remote.Example @c@example.com @d.e-f@x.y", kBase, spy);
  EXPECT_EQ(calls, (std::vector<std::pair<std::string, std::string>>{
                       {"a", ""}, {"b", "Remote.Example"}, {"c", ""}, {"d.e-f", "x.y"}}));
}

TEST(FormatStatus, MentionTargetIsEscaped) {
  MentionResolver evil = [](std::string_view, std::string_view) {
    return std::optional<MentionTarget>{MentionTarget{"9", "<x>", "x", "https://a/\"onclick"}};
  };
  auto s = format_status("@x", kBase, evil);
  EXPECT_EQ(s.html, R"(<p><span class="h-card" translate="no"><a href="https://a/&quot;onclick" )"
                    R"(class="u-url mention">@<span>&lt;x&gt;</span></a></span></p>)");
}

// ---- hashtags ----

TEST(FormatStatus, Hashtag) {
  auto s = fmt("I like #Cats and #dogs");
  EXPECT_EQ(s.html, "<p>I like " + tag_html("Cats") + " and " + tag_html("dogs") + "</p>");
  EXPECT_EQ(s.tags, (Strings{"cats", "dogs"}));
}

TEST(FormatStatus, HashtagsUniqueLowercased) {
  EXPECT_EQ(fmt("#Foo #foo #FOO #bar").tags, (Strings{"foo", "bar"}));
}

TEST(FormatStatus, DigitsOnlyIsNotAHashtag) {
  auto s = fmt("#123 and #1a and #a1 and #_1 and #_a");
  EXPECT_EQ(s.tags, (Strings{"1a", "a1", "_a"}));
  EXPECT_NE(s.html.find("<p>#123 and "), std::string::npos);
  EXPECT_NE(s.html.find(" and #_1 and "), std::string::npos);
}

TEST(FormatStatus, HashtagMustStartAWord) {
  EXPECT_EQ(html("foo#bar"), "<p>foo#bar</p>");
  EXPECT_EQ(html("a/#b"), "<p>a/#b</p>");
  EXPECT_EQ(html("(#tag)"), "<p>(" + tag_html("tag") + ")</p>");
  EXPECT_EQ(html("#tag."), "<p>" + tag_html("tag") + ".</p>");
  EXPECT_EQ(html("#tag#other"), "<p>" + tag_html("tag") + "#other</p>");
  EXPECT_EQ(html("# nothing"), "<p># nothing</p>");
  EXPECT_EQ(html("#"), "<p>#</p>");
  EXPECT_EQ(html("line\n#tag"), "<p>line<br />" + tag_html("tag") + "</p>");
}

TEST(FormatStatus, UnicodeHashtags) {
  auto s = fmt("#日本語 #Café #ÉTÉ #Привет #straße");
  EXPECT_EQ(s.tags, (Strings{"日本語", "café", "été", "привет", "straße"}));
  EXPECT_NE(s.html.find(tag_html("日本語", "%E6%97%A5%E6%9C%AC%E8%AA%9E")), std::string::npos);
  EXPECT_NE(s.html.find(tag_html("Café", "Caf%C3%A9")), std::string::npos);
}

TEST(FormatStatus, HashtagStopsAtPunctuationAndEmoji) {
  EXPECT_EQ(fmt("#tag… #two、 #three🎉 #four’s").tags, (Strings{"tag", "two", "three", "four"}));
}

TEST(FormatStatus, HashtagSeparators) {
  EXPECT_EQ(fmt("#foo_bar #a·b #end·").tags, (Strings{"foo_bar", "a·b", "end"}));
  EXPECT_EQ(fmt("#12·34").tags, Strings{"12·34"});
}

TEST(FormatStatus, FullwidthHashSign) {
  auto s = fmt("＃タグ");
  EXPECT_EQ(s.tags, Strings{"タグ"});
}

TEST(FormatStatus, HashtagGluedToUrlDropsScheme) {
  auto s = fmt("#newshttps://example.org/x");
  EXPECT_EQ(s.tags, Strings{"news"});
  // Found by fuzz_format_status: what remains follows the hashtag rules (no digits-only name,
  // no separator at the end).
  s = fmt("#1https://example.org/x #a\u00b7https://example.org/y");
  EXPECT_EQ(s.tags, Strings{"a"});
  EXPECT_EQ(s.links, Strings{"https://example.org/y"});  // a link never follows a digit
}

// ---- links ----

TEST(FormatStatus, ShortLink) {
  auto s = fmt("see https://example.org/page ok");
  EXPECT_EQ(s.html,
            "<p>see " +
                link_html("https://example.org/page", "https://", "example.org/page", "", false) +
                " ok</p>");
  EXPECT_EQ(s.links, Strings{"https://example.org/page"});
}

TEST(FormatStatus, LongLinkIsShortenedTo30Characters) {
  std::string url = "https://example.org/some/long/path/that/is/more/than/thirty/characters";
  auto s = fmt(url);
  EXPECT_EQ(s.html, "<p>" +
                        link_html(url, "https://", "example.org/some/long/path/tha",
                                  "t/is/more/than/thirty/characters", true) +
                        "</p>");
}

TEST(FormatStatus, ExactlyThirtyCharactersIsNotCutOff) {
  std::string rest = "abcdefghij.example/0123456789";  // 29
  rest += "x";                                         // 30
  auto s = fmt("http://" + rest);
  EXPECT_EQ(s.html, "<p>" + link_html("http://" + rest, "http://", rest, "", false) + "</p>");
}

TEST(FormatStatus, WwwIsPartOfTheInvisiblePrefix) {
  EXPECT_EQ(html("https://www.example.org/"),
            "<p>" +
                link_html("https://www.example.org/", "https://www.", "example.org/", "", false) +
                "</p>");
}

TEST(FormatStatus, LinkTrailingPunctuationExcluded) {
  for (std::string_view tail : {".", ",", ";", ":", "!", "?", "!?", "...", "'", "\""}) {
    auto s = fmt("go to https://example.org/a" + std::string(tail));
    EXPECT_EQ(s.links, Strings{"https://example.org/a"}) << tail;
  }
  EXPECT_EQ(fmt("https://example.org.").links, Strings{"https://example.org"});
  EXPECT_EQ(fmt("https://example.org/?").links, Strings{"https://example.org/"});
}

TEST(FormatStatus, LinkParentheses) {
  EXPECT_EQ(fmt("(see https://example.org/a)").links, Strings{"https://example.org/a"});
  EXPECT_EQ(fmt("(see https://example.org/a).").links, Strings{"https://example.org/a"});
  EXPECT_EQ(fmt("https://en.wikipedia.org/wiki/Foo_(bar)").links,
            Strings{"https://en.wikipedia.org/wiki/Foo_(bar)"});
  EXPECT_EQ(fmt("(https://en.wikipedia.org/wiki/Foo_(bar))").links,
            Strings{"https://en.wikipedia.org/wiki/Foo_(bar)"});
  EXPECT_EQ(fmt("https://example.org/a(b").links, Strings{"https://example.org/a"});
}

TEST(FormatStatus, LinkQueryFragmentAndPort) {
  EXPECT_EQ(fmt("https://example.org:8443/p?q=1&r=a+b#frag.").links,
            Strings{"https://example.org:8443/p?q=1&r=a+b#frag"});
  EXPECT_EQ(fmt("http://localhost:3000/@alice/123").links,
            Strings{"http://localhost:3000/@alice/123"});
  EXPECT_EQ(fmt("https://example.org?x=1.").links, Strings{"https://example.org?x=1"});
}

TEST(FormatStatus, LinkHrefIsEscaped) {
  auto s = fmt("https://example.org/a\"onmouseover=\"x&y=<3>");
  EXPECT_EQ(s.links, Strings{"https://example.org/a\"onmouseover=\"x&y"});
  EXPECT_NE(s.html.find(R"(href="https://example.org/a&quot;onmouseover=&quot;x&amp;y")"),
            std::string::npos);
  EXPECT_NE(s.html.find("</a>=&lt;3&gt;</p>"), std::string::npos);
  EXPECT_EQ(s.html.find("<3"), std::string::npos);
  // A query stops at characters Mastodon does not allow there.
  EXPECT_EQ(fmt("https://example.org/?a=1&b=\"2\"").links, Strings{"https://example.org/?a=1&b="});
}

TEST(FormatStatus, NotLinks) {
  auto s = fmt("ftp://example.org javascript:alert(1) https:// http://.x xhttps://example.org");
  EXPECT_TRUE(s.links.empty());
  EXPECT_EQ(s.html.find("<a"), std::string::npos);
}

TEST(FormatStatus, UppercaseSchemeIsALink) {
  auto s = fmt("HTTPS://EXAMPLE.ORG/A");
  EXPECT_EQ(s.links, Strings{"HTTPS://EXAMPLE.ORG/A"});
  // The display prefix is case-sensitive in Mastodon: nothing is hidden.
  EXPECT_EQ(
      s.html,
      "<p>" + link_html("HTTPS://EXAMPLE.ORG/A", "", "HTTPS://EXAMPLE.ORG/A", "", false) + "</p>");
}

TEST(FormatStatus, HashtagAndMentionInsideUrlAreNotEntities) {
  auto s = fmt("https://example.org/#tag https://example.org/@alice");
  EXPECT_TRUE(s.tags.empty());
  EXPECT_TRUE(s.mentions.empty());
  EXPECT_EQ(s.links.size(), 2u);
}

TEST(FormatStatus, LinksUnique) {
  EXPECT_EQ(fmt("https://a.example https://b.example https://a.example").links,
            (Strings{"https://a.example", "https://b.example"}));
}

TEST(FormatStatus, UnicodeLink) {
  auto s = fmt("https://ja.wikipedia.org/wiki/日本 です");
  EXPECT_EQ(s.links, Strings{"https://ja.wikipedia.org/wiki/日本"});
}

TEST(FormatStatus, Everything) {
  auto s = fmt("Hey @alice, look at https://example.org/x #Wow\n\n@bob@remote.example <3");
  EXPECT_EQ(s.html, "<p>Hey " + kAliceHtml + ", look at " +
                        link_html("https://example.org/x", "https://", "example.org/x", "", false) +
                        " " + tag_html("Wow") + "</p><p>" + kBobHtml + " &lt;3</p>");
  EXPECT_EQ(usernames(s), (Strings{"alice", "bob@remote.example"}));
  EXPECT_EQ(s.tags, Strings{"wow"});
  EXPECT_EQ(s.links, Strings{"https://example.org/x"});
}

TEST(FormatStatus, BaseUrlTrailingSlashIgnored) {
  EXPECT_EQ(format_status("#a", "https://example.com/", resolve).html,
            "<p>" + tag_html("a") + "</p>");
}

TEST(FormatAccountNote, SameAsStatus) {
  EXPECT_EQ(format_account_note("hi @alice\n#x", kBase, resolve).html, html("hi @alice\n#x"));
}

TEST(FormatFieldValue, SingleLineWithoutParagraphs) {
  auto s = format_field_value("https://example.org", kBase, resolve);
  EXPECT_EQ(s.html, link_html("https://example.org", "https://", "example.org", "", false));
  EXPECT_EQ(format_field_value("a <b>", kBase, resolve).html, "a &lt;b&gt;");
}

// Only the markup the formatter writes may appear: every '<' starts one of its tags, and no '>'
// comes from the input.
bool only_generated_markup(std::string_view html) {
  static constexpr std::string_view kStarts[] = {
      "<p>", "</p>", "<br />", "</a>", "</span>", "<span>", "<span class=\"", "<a href=\""};
  size_t opens = 0, closes = 0;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '>') ++closes;
    if (html[i] != '<') continue;
    ++opens;
    bool known = false;
    for (std::string_view start : kStarts) known = known || html.substr(i).starts_with(start);
    if (!known) return false;
  }
  return opens == closes;
}

TEST(FormatStatus, RandomInputNeverProducesForeignMarkup) {
  static constexpr std::string_view kPieces[] = {
      "@",    "#", "https://", "://", ".", "(",  ")",        "<",   ">",     "&",     "a",
      "Z",    "1", "_",        "-",   ":", "\n", " ",        "\r",  "é",     "日",    "\xC2\xB7",
      "\xFF", "?", "=",        "/",   "'", "\"", "<script>", "<p>", "&amp;", "alice", "www."};
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (int k = static_cast<int>(rng() % 24); k > 0; --k)
      text += kPieces[rng() % std::size(kPieces)];
    auto s = fmt(text);
    ASSERT_TRUE(only_generated_markup(s.html)) << text << "\n" << s.html;
    ASSERT_TRUE(only_generated_markup(format_field_value(text, kBase, resolve).html)) << text;
  }
}

// ---- strip_html ----

TEST(StripHtml, TagsRemovedEntitiesDecoded) {
  EXPECT_EQ(strip_html("<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27; &nbsp;f</p>"),
            "a & b <c> \"d\" 'e' \xC2\xA0"
            "f");
  EXPECT_EQ(strip_html("<b>bold</b> <i>it</i>"), "bold it");
  EXPECT_EQ(strip_html("&unknown; &amp &#0; &#xD800; &#128512;"),
            "&unknown; &amp \xEF\xBF\xBD \xEF\xBF\xBD \xF0\x9F\x98\x80");
}

TEST(StripHtml, LineBreaksAndParagraphs) {
  EXPECT_EQ(strip_html("<p>one<br>two<br/>three<BR />four</p><p>five</p>"),
            "one\ntwo\nthree\nfour\n\nfive");
  EXPECT_EQ(strip_html("<p>a</p>\n<p>b</p>"), "a\n\nb");
  EXPECT_EQ(strip_html("line\nwrapped"), "line wrapped");
  EXPECT_EQ(strip_html("<div>x</div><blockquote>y</blockquote>"), "x\n\ny");
}

TEST(StripHtml, DropsScriptStyleAndComments) {
  EXPECT_EQ(strip_html("a<script>alert('<p>x</p>')</script>b<!-- c -->d<style>p{}</STYLE>e"),
            "abde");
  EXPECT_EQ(strip_html(R"(<a href="x>y" title='>'>link</a>)"), "link");
  EXPECT_EQ(strip_html("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
  EXPECT_EQ(strip_html("<script>never closed"), "");
}

TEST(StripHtml, RoundTripsFormattedStatus) {
  for (std::string_view text :
       {"Hello @alice, see https://example.org/some/long/path/that/is/more/than/thirty #Tag",
        "one\ntwo\n\nthree & <four>", "@bob@remote.example 'quoted' \"double\""}) {
    std::string expected(text);
    // A resolved remote mention renders as @username.
    if (expected.starts_with("@bob@remote.example")) expected.replace(0, 19, "@bob");
    EXPECT_EQ(strip_html(html(text)), expected);
  }
}

// ---- count_characters ----

TEST(CountCharacters, CodePoints) {
  EXPECT_EQ(count_characters(""), 0u);
  EXPECT_EQ(count_characters("hello"), 5u);
  EXPECT_EQ(count_characters("日本語"), 3u);
  EXPECT_EQ(count_characters("🎉é"), 2u);
  EXPECT_EQ(count_characters(" a \n"), 4u);  // not trimmed
}

TEST(CountCharacters, UrlsCountAs23) {
  EXPECT_EQ(count_characters("https://example.org"), 23u);
  EXPECT_EQ(count_characters("a https://example.org/a/very/long/path/indeed/more/than/23 b"), 27u);
  EXPECT_EQ(count_characters("http://x.y."), 24u);  // trailing '.' counts
}

TEST(CountCharacters, RemoteMentionCountsAsLocal) {
  EXPECT_EQ(count_characters("@bob@remote.example"), 4u);
  EXPECT_EQ(count_characters("@alice hi"), 9u);
  EXPECT_EQ(count_characters("hi @someone@some.very.long.domain.example!"), 12u);
  EXPECT_EQ(count_characters("#hashtags count normally"), 24u);
}

}  // namespace
}  // namespace herd::text
