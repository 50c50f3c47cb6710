// Status text formatting, as Mastodon's TextFormatter does it: plain text typed by a local user
// becomes safe HTML with links, mentions and hashtags; remote HTML becomes plain text again.
//
// Recognised entities (scanned left to right; where two would overlap, the one that starts first
// wins, so a "#fragment" inside a URL is part of the URL):
//  - Links: "http://" or "https://" (any case) + host[:port][/path][?query], not preceded by an
//    ASCII letter/digit, '@', '$' or '#'. The path never ends in one of  ( ) ? ! * " ' ; : = , . $
//    % [ ] ~ & | @  and keeps parentheses only when balanced, so "(see https://a.example/x)." links
//    "https://a.example/x".
//  - Mentions: "@username" or "@username@domain[:port]", not preceded by a word character, '=' or
//    '/'; username is [A-Za-z0-9_]+ with runs of '.' or '-' allowed inside. A candidate directly
//    followed by '@', "://" or a Latin accented letter is not a mention.
//  - Hashtags: '#' (or U+FF03) + word characters (letters of any script, digits, '_', with U+00B7,
//    U+30FB, U+200C allowed inside), not preceded by a word character, '/', ')' or '='. A name made
//    only of digits and underscores ("#123") is not a hashtag.
// The output is valid UTF-8 even when the input is not (bad bytes become U+FFFD); no markup from
// the input ever reaches the HTML, everything outside the generated tags is escaped.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::text {

// Escapes & < > " ' as &amp; &lt; &gt; &quot; &#39; (Rails' `h`).
std::string escape_html(std::string_view);

struct MentionTarget {
  std::string id;
  std::string username;
  std::string acct;  // "user" local, "user@domain" remote
  std::string url;
};

// Resolves @username or @username@domain (domain empty for the local form, and also when the
// written domain equals the authority of base_url: "@alice@example.com" on https://example.com is
// local). Returns nullopt when unknown: the mention is then left as plain text.
using MentionResolver =
    std::function<std::optional<MentionTarget>(std::string_view username, std::string_view domain)>;

struct FormattedStatus {
  std::string html;                     // safe HTML, paragraphs <p>, line breaks <br />
  std::vector<MentionTarget> mentions;  // resolved only; unique (by id), in order of appearance
  std::vector<std::string> tags;        // hashtag names, lowercased, unique, in order
  std::vector<std::string> links;       // http(s) URLs found, unique, in order
};

// Formats a local user's status text. Leading and trailing whitespace is trimmed; "\r\n" and "\r"
// count as "\n"; blank lines ("\n\n+") separate paragraphs <p>…</p>, a single "\n" becomes
// "<br />". Empty or blank text gives empty html.
//  - link: <a href="URL" target="_blank" rel="nofollow noopener noreferrer" translate="no">
//    <span class="invisible">PREFIX</span><span class="ellipsis">first 30 chars</span>
//    <span class="invisible">rest</span></a> where PREFIX is "http(s)://" plus "www." when present;
//    when 30 code points or fewer follow the prefix the middle span has class="" and the last is
//    empty.
//  - mention: <span class="h-card" translate="no"><a href="URL" class="u-url mention">@<span>
//    username</span></a></span> with the resolved account's url and username.
//  - hashtag: <a href="BASE/tags/Name" class="mention hashtag" rel="tag">#<span>Name</span></a>,
//    the name as written (non-ASCII percent-encoded in the href).
// base_url: "https://example.com" (a trailing '/' is ignored). resolve may be empty (no mentions).
FormattedStatus format_status(std::string_view plain_text, std::string_view base_url,
                              const MentionResolver& resolve);

// Plain text for profile notes / field values: same rules (links, mentions, hashtags). An account
// note renders exactly as a status does; a field value is single-line: no <p>, no <br />.
FormattedStatus format_account_note(std::string_view plain_text, std::string_view base_url,
                                    const MentionResolver& resolve);
FormattedStatus format_field_value(std::string_view plain_text, std::string_view base_url,
                                   const MentionResolver& resolve);

// The stored (lowercased) name of a hashtag written with or without '#', as the formatter finds it
// in a status; nullopt when it is not one hashtag ("a b", "#", "#1/2"...).
std::optional<std::string> hashtag_name(std::string_view name);

// HTML to plain text (the "text" of remote statuses, notifications, mail): tags removed, the
// contents of script/style/iframe/svg/math/noscript/template/title dropped, comments dropped,
// entities decoded (named common ones, &#N;, &#xH;). <br> is a newline; <p> and other block
// elements (div, blockquote, li, h1-h6, pre, ...) are separated by a blank line ("\n\n"), so
// strip_html(format_status(t).html) gives back the trimmed t (a resolved remote mention reads
// "@username"). Newlines/tabs in the HTML source are whitespace, not line breaks. Result trimmed.
std::string strip_html(std::string_view html);

// Status length as Mastodon counts it: Unicode code points, where each link counts as 23 and
// "@user@domain" counts as "@user". Not trimmed.
size_t count_characters(std::string_view plain_text);

}  // namespace herd::text
