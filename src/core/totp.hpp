// Time-based one-time passwords (RFC 6238, on liboath): the codes of authenticator apps, 30-second
// steps, 6 digits, HMAC-SHA1 unless told otherwise; secrets travel in base32 (RFC 4648, as
// otpauth:// URIs carry them).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd::totp {

enum class Hash { sha1, sha256, sha512 };

inline constexpr int kStepSeconds = 30;

// A new random secret: 20 bytes (160 bits, RFC 4226's recommendation) as base32 without padding.
std::string new_secret();
// RFC 4648 base32, upper case, without padding.
std::string base32_encode(std::string_view raw);
// Tolerates lower case, spaces and missing padding; nullopt for anything else.
std::optional<std::string> base32_decode(std::string_view text);

// The code for `unix_seconds` with the raw secret.
std::string code(std::string_view raw_secret, std::int64_t unix_seconds, int digits = 6,
                 Hash hash = Hash::sha1);
// The time step (unix_seconds / 30) of the step within `window` steps of now whose code equals
// `code` (6 digits; spaces ignored); nullopt when none does.
std::optional<std::int64_t> matching_step(std::string_view raw_secret, std::string_view code,
                                          std::int64_t unix_seconds, int window = 1);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER (the Key Uri Format apps scan).
std::string provisioning_uri(std::string_view issuer, std::string_view account_name,
                             std::string_view base32_secret);

}  // namespace herd::totp
