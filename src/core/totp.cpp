#include "core/totp.hpp"

#include <liboath/oath.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "core/crypto.hpp"

namespace herd::totp {

namespace {

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath: cannot initialise");
  });
}

int flags_of(Hash hash) {
  switch (hash) {
    case Hash::sha256:
      return OATH_TOTP_HMAC_SHA256;
    case Hash::sha512:
      return OATH_TOTP_HMAC_SHA512;
    case Hash::sha1:
      break;
  }
  return 0;
}

std::string percent_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(std::string_view raw) {
  init();
  char* out = nullptr;
  size_t length = 0;
  if (oath_base32_encode(raw.data(), raw.size(), &out, &length) != OATH_OK)
    throw std::runtime_error("liboath: base32 encoding failed");
  std::string text(out, length);
  std::free(out);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<std::string> base32_decode(std::string_view text) {
  init();
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    clean += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  while (clean.size() % 8) clean += '=';
  char* out = nullptr;
  size_t length = 0;
  if (clean.empty() || oath_base32_decode(clean.data(), clean.size(), &out, &length) != OATH_OK)
    return std::nullopt;
  std::string raw(out, length);
  std::free(out);
  return raw;
}

std::string new_secret() {
  std::string raw = base64_decode(random_token(20));
  return base32_encode(raw);
}

std::string code(std::string_view raw_secret, std::int64_t unix_seconds, int digits, Hash hash) {
  init();
  char out[16] = {};
  int rc = oath_totp_generate2(
      raw_secret.data(), raw_secret.size(), static_cast<time_t>(unix_seconds), kStepSeconds,
      OATH_TOTP_DEFAULT_START_TIME, static_cast<unsigned>(digits), flags_of(hash), out);
  if (rc != OATH_OK) throw std::runtime_error(std::string("liboath: ") + oath_strerror(rc));
  return out;
}

std::optional<std::int64_t> matching_step(std::string_view raw_secret, std::string_view code,
                                          std::int64_t unix_seconds, int window) {
  init();
  std::string digits;
  for (char c : code)
    if (c != ' ') digits += c;
  if (digits.size() != 6) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  int position = 0;
  std::uint64_t counter = 0;
  int rc =
      oath_totp_validate3(raw_secret.data(), raw_secret.size(), static_cast<time_t>(unix_seconds),
                          kStepSeconds, OATH_TOTP_DEFAULT_START_TIME, static_cast<size_t>(window),
                          &position, &counter, digits.c_str());
  if (rc < 0) return std::nullopt;
  return static_cast<std::int64_t>(counter);
}

std::string provisioning_uri(std::string_view issuer, std::string_view account_name,
                             std::string_view base32_secret) {
  std::string label = percent_encode(issuer) + ":" + percent_encode(account_name);
  return "otpauth://totp/" + label + "?secret=" + std::string(base32_secret) +
         "&issuer=" + percent_encode(issuer);
}

}  // namespace herd::totp
