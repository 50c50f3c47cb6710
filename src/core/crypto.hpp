// Small cryptographic helpers: random tokens, password hashing (argon2id via libsodium), SHA-256,
// base64, RSA key pairs (PEM) for ActivityPub actors.
#pragma once
#include <string>
#include <string_view>

namespace herd {

// n random bytes as unpadded base64url (URL- and header-safe).
std::string random_token(std::size_t bytes = 32);
// A human-typable random password (letters and digits).
std::string random_password(std::size_t length = 24);

// argon2id hash string ("$argon2id$v=19$m=...") of password. Interactive limits (~64 MiB).
std::string hash_password(std::string_view password);
// Constant-time check of password against an argon2id hash string (or a bcrypt $2b$ hash).
bool verify_password(std::string_view password, const std::string& hash);

std::string sha256_raw(std::string_view data);  // 32 raw bytes
std::string base64_encode(std::string_view data);
std::string base64url_encode(std::string_view data);  // unpadded
// Accepts standard and URL alphabets, padding optional. Throws std::invalid_argument.
std::string base64_decode(std::string_view text);
// Constant-time string comparison.
bool secure_equals(std::string_view a, std::string_view b);

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};
KeyPair generate_rsa_keypair(int bits = 2048);

}  // namespace herd
