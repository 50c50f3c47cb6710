// WebFinger (federation/webfinger.hpp): the first line is a `resource` asked of us, the rest a JRD
// document a remote server answered. Checked: a URL resource names at most one path segment.
#include "federation/webfinger.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view input = fuzz::as_text(data, size);
  std::string_view resource = fuzz::take_line(input);
  auto asked = federation::parse_webfinger_resource(resource, "https://example.com", "example.com",
                                                    "www.example.com");
  if (asked.kind == federation::WebfingerResource::Kind::account &&
      resource.find("https://example.com/") != std::string_view::npos &&
      resource.find('@') == std::string_view::npos)
    fuzz::require(asked.username.find('/') == std::string::npos, "a URL names one account");
  (void)federation::parse_webfinger_document(input);
  return 0;
}
