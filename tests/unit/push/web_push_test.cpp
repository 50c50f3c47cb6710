#include "push/web_push.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>

#include "core/crypto.hpp"

using namespace herd;

namespace {

// RFC 8291 section 5 (and appendix A).
const char* kPlaintext = "When I grow up, I want to be a watermelon";
const char* kServerPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const char* kServerPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const char* kClientPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const char* kAuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
const char* kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
const char* kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6"
    "TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulc"
    "y4a-fN";

// Verifies an ES256 JWS signature (r || s) with OpenSSL, independently of the signer.
bool verify_es256(const std::string& public_raw, const std::string& input,
                  const std::string& signature) {
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, public_raw.data(),
                                   public_raw.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_size = i2d_ECDSA_SIG(sig, &der);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok =
      key && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(md, der, static_cast<std::size_t>(der_size),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  EVP_PKEY_free(key);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  return ok;
}

}  // namespace

TEST(WebPush, DerivesThePublicKeyOfRfc8291) {
  push::EcKey key = push::key_from_private(base64_decode(kServerPrivate));
  EXPECT_EQ(base64url_encode(key.public_raw), kServerPublic);
}

TEST(WebPush, EncryptsRfc8291Example) {
  push::EcKey server = push::key_from_private(base64_decode(kServerPrivate));
  std::string body = push::encrypt(kPlaintext, base64_decode(kClientPublic),
                                   base64_decode(kAuthSecret), server, base64_decode(kSalt));
  EXPECT_EQ(base64url_encode(body), kBody);
}

TEST(WebPush, RandomEncryptionHasTheHeaderAndSize) {
  std::string body =
      push::encrypt(kPlaintext, base64_decode(kClientPublic), base64_decode(kAuthSecret));
  ASSERT_EQ(body.size(), 16u + 4 + 1 + 65 + std::string(kPlaintext).size() + 1 + 16);
  EXPECT_EQ(body.substr(16, 5), std::string("\x00\x00\x10\x00\x41", 5));
  EXPECT_TRUE(push::valid_public_key(body.substr(21, 65)));
  EXPECT_NE(base64url_encode(body), kBody);
}

TEST(WebPush, RejectsBadKeys) {
  std::string point = base64_decode(kClientPublic);
  EXPECT_TRUE(push::valid_public_key(point));
  EXPECT_FALSE(push::valid_public_key(point.substr(0, 64)));
  std::string off_curve = point;
  off_curve[40] = static_cast<char>(off_curve[40] ^ 1);
  EXPECT_FALSE(push::valid_public_key(off_curve));
  EXPECT_FALSE(push::valid_public_key(std::string(65, '\x04')));
  EXPECT_THROW(push::encrypt("x", off_curve, base64_decode(kAuthSecret)), std::invalid_argument);
  EXPECT_THROW(push::encrypt("x", point, "short"), std::invalid_argument);
  EXPECT_THROW(push::key_from_private(std::string(32, '\0')), std::invalid_argument);
}

TEST(WebPush, UrlOrigin) {
  EXPECT_EQ(push::url_origin("https://Push.Example.com/wpush/v2/abc?x=1"),
            "https://push.example.com");
  EXPECT_EQ(push::url_origin("http://127.0.0.1:8080/push"), "http://127.0.0.1:8080");
  EXPECT_EQ(push::url_origin("ftp://example.com/x"), std::nullopt);
  EXPECT_EQ(push::url_origin("not a url"), std::nullopt);
}

TEST(WebPush, VapidJwtVerifies) {
  push::EcKey key = push::generate_key();
  ASSERT_EQ(key.public_raw.size(), 65u);
  std::string header = push::vapid_authorization(key, "https://push.example.com",
                                                 "mailto:admin@example.com", 1'700'000'000);
  ASSERT_EQ(header.rfind("vapid t=", 0), 0u);
  auto comma = header.find(", k=");
  ASSERT_NE(comma, std::string::npos);
  EXPECT_EQ(header.substr(comma + 4), base64url_encode(key.public_raw));
  std::string jwt = header.substr(8, comma - 8);
  auto dot1 = jwt.find('.');
  auto dot2 = jwt.rfind('.');
  ASSERT_NE(dot1, dot2);
  auto claims = boost::json::parse(base64_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(claims.at("aud").as_string(), "https://push.example.com");
  EXPECT_EQ(claims.at("sub").as_string(), "mailto:admin@example.com");
  EXPECT_EQ(claims.at("exp").as_int64(), 1'700'000'000);
  auto header_json = boost::json::parse(base64_decode(jwt.substr(0, dot1)));
  EXPECT_EQ(header_json.at("alg").as_string(), "ES256");
  std::string signature = base64_decode(jwt.substr(dot2 + 1));
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_TRUE(verify_es256(key.public_raw, jwt.substr(0, dot2), signature));
  signature[5] = static_cast<char>(signature[5] ^ 1);
  EXPECT_FALSE(verify_es256(key.public_raw, jwt.substr(0, dot2), signature));
}
