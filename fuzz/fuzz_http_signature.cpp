// HTTP signature verification (federation/http_signature.hpp) on a request as received. Input:
// the first line "METHOD TARGET-URI NOW-MS" (NOW-MS: the verifier's clock, unix milliseconds),
// then "Name: value" header lines up to an empty line, then the body. Every key id resolves to one
// RSA key (the Fedify signer's of /work/shared/testdata, whose captured requests are seeds), so
// that well-formed inputs reach the signature check. Checked: verification never throws, and a
// request it accepts carries a key id and names its scheme.
#include <charconv>
#include <string>

#include "federation/http_signature.hpp"
#include "fuzz_input.hpp"

namespace {

constexpr const char* kSignerKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA5HBeNfrdVrWOWG7N4+d8\n"
    "Tf5eWAVqW0gGlQ1W0QS4WcG1K3I0C4W95ki3XiJoAlxUPDVQ9o/4O09GvACNh5Ju\n"
    "OWOhsMYuVjr5yBcpZwAkU8nhR4SaFLc/H5IqWo6ZzvngKmeocdVwD7zz+/69MYSh\n"
    "nyOZVZ48d5cZDs4S0SJQ950nw6nmBzR1bIqTjahxzPbnqy915iwEIPrcaW+SLS7n\n"
    "2jv61vpu6vGNcLX/fcJUGbSCC5tggr1oZzpQ9yG2ywaeT8VtE1PznMDe2rjCKtJG\n"
    "WTUaMRjYKDQOuZx64cmaHCnndhEk+kSLqEvFuS2GVHNvmoY4bFuOWsdp2Bf7ECQW\n"
    "4qqqi6LdFMF/2NTPlihlOQzesX46PthBzv2sV5TFVBtzYUvTOpl0dpG/3VzvY4jb\n"
    "qQuIC3anBAGd9DEQ29yRCaUQRx7FTwlMsBxBS0llJeqsfHJ9WhFDOu1PfSG534sz\n"
    "MF3yFuZoeoCLYlIUQW9MnrjEx4KSGKXnwOTVSW7Nnb5kkqR7X39DpjaQ3ZZSaGu3\n"
    "ht86MLdMaaYFYkIaVBwJBDIqcZHTHAhzlBkHBUnECW33sN/ByxulokQ6JMdti6L1\n"
    "PEYNOyw/0UzN6u7jn5L3BD9+YbF6IMD0VDGjMIHJR0PNxp5evHzy5cgbTbPKQveP\n"
    "8mpSZ9AOJfThW+zl9XRzYSUCAwEAAQ==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view input = fuzz::as_text(data, size);
  std::string_view first = fuzz::take_line(input);
  federation::ReceivedRequest request;
  std::size_t space = first.find(' ');
  request.method = std::string(first.substr(0, space));
  first.remove_prefix(space == std::string_view::npos ? first.size() : space + 1);
  space = first.find(' ');
  request.target_uri = std::string(first.substr(0, space));
  std::string_view now_text =
      space == std::string_view::npos ? std::string_view() : first.substr(space + 1);
  std::int64_t now_ms = 0;
  std::from_chars(now_text.data(), now_text.data() + now_text.size(), now_ms);
  // The target as the server sees it: the path and query of the URI.
  std::size_t scheme = request.target_uri.find("://");
  std::size_t path =
      scheme == std::string::npos ? std::string::npos : request.target_uri.find('/', scheme + 3);
  request.target = path == std::string::npos ? "/" : request.target_uri.substr(path);
  for (std::string_view line = fuzz::take_line(input); !line.empty();
       line = fuzz::take_line(input)) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  request.body = std::string(input);
  federation::KeyLookup lookup = [](const std::string&, bool) {
    return std::optional<federation::PublicKey>(
        federation::PublicKey{kSignerKey, "https://fedify.test/users/fred"});
  };
  (void)federation::has_signature(request);
  auto verification = federation::verify_request(request, lookup, now_ms);
  if (verification.valid)
    fuzz::require(!verification.key_id.empty() && !verification.scheme.empty(),
                  "an accepted signature names its key and scheme");
  (void)federation::key_id_document(verification.key_id);
  return 0;
}
