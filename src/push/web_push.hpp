// Web Push message encryption (RFC 8291, "aes128gcm" content coding of RFC 8188, one record) and
// VAPID (RFC 8292) authorization, on OpenSSL EVP. Keys are P-256 and travel as raw bytes: a
// private key is the 32-byte scalar, a public key the 65-byte uncompressed point (0x04 || X || Y).
// All functions are pure (no I/O); failures of malformed input throw std::invalid_argument.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd::push {

struct EcKey {
  std::string private_raw;  // 32 bytes
  std::string public_raw;   // 65 bytes, uncompressed point
};

// A new random P-256 key pair.
EcKey generate_key();
// The key pair of a private scalar (computes the public point).
EcKey key_from_private(std::string_view private_raw);
// True when raw is a 65-byte uncompressed point that lies on P-256.
bool valid_public_key(std::string_view raw);

// Encrypts plaintext for a subscription (its p256dh point `ua_public` and 16-byte auth secret)
// with the given ephemeral server key and 16-byte salt: the returned body is the RFC 8188 header
// (salt, record size 4096, key id = server public key) followed by the one AES-128-GCM record of
// plaintext || 0x02. Throws std::invalid_argument for a bad point, secret or salt.
std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret, const EcKey& server_key, std::string_view salt);
// The same with a fresh ephemeral key and a random salt (what a sender does).
std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret);

// The origin (scheme://host[:port]) of an absolute http(s) URL, lower-cased scheme and host;
// nullopt when url is not one.
std::optional<std::string> url_origin(std::string_view url);

// An ES256 JWT {"typ":"JWT","alg":"ES256"}.{"aud":audience,"exp":expires_at,"sub":subject}
// signed with the VAPID key.
std::string vapid_jwt(const EcKey& vapid_key, std::string_view audience, std::string_view subject,
                      std::int64_t expires_at_seconds);
// The Authorization header value: "vapid t=<jwt>, k=<base64url public key>".
std::string vapid_authorization(const EcKey& vapid_key, std::string_view audience,
                                std::string_view subject, std::int64_t expires_at_seconds);

}  // namespace herd::push
