// The HTML sanitizer (text/sanitize.hpp) on remote HTML, and strip_html (text/format.hpp) on the
// same bytes. Checked: nothing crashes; the sanitized output is valid UTF-8 when the input is;
// sanitizing is stable (sanitize(sanitize(x)) == sanitize(x)), so stored content never changes on
// a second pass; none of the dangerous elements comes out.
#include <string>

#include "fuzz_input.hpp"
#include "http/request.hpp"
#include "text/format.hpp"
#include "text/sanitize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view html = fuzz::as_text(data, size);
  std::string clean = text::sanitize_html(html);
  if (http::valid_utf8(html))
    fuzz::require(http::valid_utf8(clean), "sanitize_html keeps UTF-8 valid");
  fuzz::require(text::sanitize_html(clean) == clean, "sanitize_html is idempotent");
  for (const char* banned : {"<script", "<style", "<iframe", "<img", "<svg", "<object", "<math"})
    fuzz::require(clean.find(banned) == std::string::npos,
                  "sanitize_html lets no disallowed element through");
  (void)text::strip_html(html);
  return 0;
}
