// TOTP against RFC 6238's test vectors (Appendix B) and the verification rules herd relies on.
#include "core/totp.hpp"

#include <gtest/gtest.h>

using namespace herd;

namespace {

struct Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

// RFC 6238 Appendix B: 8-digit codes; the seeds are the ASCII digits "1234567890" repeated to
// 20 (SHA-1), 32 (SHA-256) and 64 (SHA-512) bytes.
const Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

std::string seed(std::size_t length) {
  std::string out;
  while (out.size() < length) out += "1234567890";
  return out.substr(0, length);
}

TEST(Totp, Rfc6238TestVectors) {
  for (const Vector& v : kVectors) {
    EXPECT_EQ(totp::code(seed(20), v.time, 8, totp::Hash::sha1), v.sha1) << v.time;
    EXPECT_EQ(totp::code(seed(32), v.time, 8, totp::Hash::sha256), v.sha256) << v.time;
    EXPECT_EQ(totp::code(seed(64), v.time, 8, totp::Hash::sha512), v.sha512) << v.time;
  }
}

TEST(Totp, SixDigitsAreTheLastSixOfTheCode) {
  // Dynamic truncation modulo 10^6 instead of 10^8: the last six digits.
  EXPECT_EQ(totp::code(seed(20), 59), "287082");
  EXPECT_EQ(totp::code(seed(20), 1111111109), "081804");
}

TEST(Totp, MatchingStepAcceptsOneStepOfDriftOnly) {
  std::string secret = seed(20);
  std::int64_t now = 1111111111;  // step 37037037
  EXPECT_EQ(totp::matching_step(secret, totp::code(secret, now), now), now / 30);
  EXPECT_EQ(totp::matching_step(secret, totp::code(secret, now - 30), now), now / 30 - 1);
  EXPECT_EQ(totp::matching_step(secret, totp::code(secret, now + 30), now), now / 30 + 1);
  EXPECT_FALSE(totp::matching_step(secret, totp::code(secret, now - 90), now));
  std::string spaced = totp::code(secret, now);
  spaced.insert(3, " ");
  EXPECT_EQ(totp::matching_step(secret, spaced, now), now / 30);
  EXPECT_FALSE(totp::matching_step(secret, "", now));
  EXPECT_FALSE(totp::matching_step(secret, "12345", now));
  EXPECT_FALSE(totp::matching_step(secret, "abcdef", now));
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  EXPECT_EQ(totp::base32_encode("foobar"), "MZXW6YTBOI");  // RFC 4648 section 10, unpadded
  EXPECT_EQ(totp::base32_decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(totp::base32_decode("MZXW 6YTB OI======"), "foobar");
  EXPECT_FALSE(totp::base32_decode("not base32!"));
  std::string secret = totp::new_secret();
  EXPECT_EQ(secret.size(), 32u);
  auto raw = totp::base32_decode(secret);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 20u);
  EXPECT_NE(secret, totp::new_secret());
}

TEST(Totp, ProvisioningUri) {
  EXPECT_EQ(totp::provisioning_uri("social.example", "alice@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/social.example:alice@example.com?secret=JBSWY3DPEHPK3PXP"
            "&issuer=social.example");
  EXPECT_EQ(totp::provisioning_uri("my herd", "a b", "X"),
            "otpauth://totp/my%20herd:a%20b?secret=X&issuer=my%20herd");
}

}  // namespace
