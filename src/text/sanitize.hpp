// HTML from other servers (status content, profile notes and field values) made safe to store
// and show, with Mastodon's allow-list (app/lib/sanitize_ext/sanitize_config.rb, MASTODON_STRICT):
//  - elements kept: p br span a abbr del s pre blockquote code b strong u sub sup i em h1-h6 ul ol
//    li ruby rt rp; any other element is removed but its text is kept, except script, style,
//    iframe, object, embed, svg, math, noscript, template, textarea, select and title, whose
//    contents are dropped too; comments, doctypes and processing instructions are dropped;
//  - attributes kept: a[href] (http, https, dat, dweb, ipfs, ipns, ssb, gopher, xmpp, magnet,
//    gemini only; a link with another scheme loses its href), class on a and span (only h-*, p-*,
//    u-*, dt-*, e-*, mention, hashtag, ellipsis, invisible), ol[start], ol[reversed], li[value];
//    every link gets rel="nofollow noopener noreferrer" target="_blank";
//  - text is re-escaped (entities decoded first), tags are balanced (stray closing tags dropped,
//    open ones closed at the end). The output never contains markup the input did not express
//    through the allow-list.
#pragma once
#include <string>
#include <string_view>

namespace herd::text {

std::string sanitize_html(std::string_view html);

}  // namespace herd::text
