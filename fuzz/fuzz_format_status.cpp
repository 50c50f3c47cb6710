// The status text formatter (text/format.hpp) on what a local user types: links, mentions (every
// @user and @user@domain resolves, so that the mention path runs), hashtags, paragraphs. Checked:
// the HTML is valid UTF-8 whatever the input (bad bytes become U+FFFD), and the same holds for
// account notes and field values; count_characters and hashtag_name run on the same text.
#include <string>

#include "fuzz_input.hpp"
#include "http/request.hpp"
#include "text/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view typed = fuzz::as_text(data, size);
  text::MentionResolver resolve = [](std::string_view username, std::string_view domain) {
    std::string acct =
        domain.empty() ? std::string(username) : std::string(username) + "@" + std::string(domain);
    return std::optional<text::MentionTarget>(
        text::MentionTarget{"1", std::string(username), acct, "https://example.com/@" + acct});
  };
  auto status = text::format_status(typed, "https://example.com/", resolve);
  fuzz::require(http::valid_utf8(status.html), "format_status gives valid UTF-8");
  for (const auto& tag : status.tags)
    fuzz::require(text::hashtag_name(tag).has_value(), "a found hashtag is a hashtag name");
  auto note = text::format_account_note(typed, "https://example.com", resolve);
  fuzz::require(http::valid_utf8(note.html), "format_account_note gives valid UTF-8");
  auto field = text::format_field_value(typed, "https://example.com", {});
  fuzz::require(http::valid_utf8(field.html), "format_field_value gives valid UTF-8");
  fuzz::require(field.html.find("<br") == std::string::npos, "a field value is single-line");
  (void)text::count_characters(typed);
  (void)text::hashtag_name(typed);
  (void)text::strip_html(status.html);
  return 0;
}
