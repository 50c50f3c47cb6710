#include "push/web_push.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <memory>
#include <stdexcept>

#include "core/crypto.hpp"

namespace herd::push {

namespace {

constexpr std::size_t kPrivateSize = 32;
constexpr std::size_t kPublicSize = 65;
constexpr std::uint32_t kRecordSize = 4096;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Signature = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// An EVP_PKEY from a public point and, when given, the private scalar.
PKey make_key(std::string_view public_raw, std::string_view private_raw) {
  ParamBuild build(OSSL_PARAM_BLD_new());
  Bignum priv;
  if (!build) throw std::runtime_error("OSSL_PARAM_BLD_new failed");
  OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, public_raw.data(),
                                   public_raw.size());
  if (!private_raw.empty()) {
    priv.reset(BN_bin2bn(bytes(private_raw), static_cast<int>(private_raw.size()), nullptr));
    OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get());
  }
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw,
                        private_raw.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) <= 0 ||
      !raw)
    throw std::invalid_argument("not a P-256 key");
  return PKey(raw);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out,
            &size))
    throw std::runtime_error("HMAC failed");
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string ecdh(const PKey& own, const PKey& peer) {
  PKeyCtx ctx(EVP_PKEY_CTX_new(own.get(), nullptr));
  std::size_t size = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) <= 0)
    throw std::invalid_argument("ECDH failed");
  std::string secret(size, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &size) <= 0)
    throw std::invalid_argument("ECDH failed");
  secret.resize(size);
  return secret;
}

std::string aes128gcm(std::string_view key, std::string_view nonce, std::string_view plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + 16, '\0');
  int length = 0, final_length = 0;
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), data, &length, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), data + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, data + length + final_length) != 1)
    throw std::runtime_error("AES-128-GCM failed");
  out.resize(static_cast<std::size_t>(length + final_length) + 16);
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

}  // namespace

EcKey generate_key() {
  return key_from_private(random_bytes(kPrivateSize));
}

EcKey key_from_private(std::string_view private_raw) {
  if (private_raw.size() != kPrivateSize) throw std::invalid_argument("not a P-256 private key");
  Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  Bignum scalar(BN_bin2bn(bytes(private_raw), static_cast<int>(private_raw.size()), nullptr));
  if (!group || !scalar) throw std::runtime_error("EC setup failed");
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), EC_GROUP_get0_order(group.get())) >= 0)
    throw std::invalid_argument("not a P-256 private key");
  Point point(EC_POINT_new(group.get()));
  unsigned char out[kPublicSize];
  if (!point ||
      EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, out, sizeof out,
                         nullptr) != kPublicSize)
    throw std::runtime_error("EC point multiplication failed");
  return EcKey{std::string(private_raw), std::string(reinterpret_cast<char*>(out), kPublicSize)};
}

bool valid_public_key(std::string_view raw) {
  if (raw.size() != kPublicSize || raw[0] != 0x04) return false;
  Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  if (!group) return false;
  Point point(EC_POINT_new(group.get()));
  return point &&
         EC_POINT_oct2point(group.get(), point.get(), bytes(raw), raw.size(), nullptr) == 1 &&
         EC_POINT_is_on_curve(group.get(), point.get(), nullptr) == 1;
}

std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret, const EcKey& server_key, std::string_view salt) {
  if (!valid_public_key(ua_public)) throw std::invalid_argument("invalid p256dh key");
  if (auth_secret.size() != 16) throw std::invalid_argument("invalid auth secret");
  if (salt.size() != 16) throw std::invalid_argument("invalid salt");
  PKey own = make_key(server_key.public_raw, server_key.private_raw);
  PKey peer = make_key(ua_public, "");
  std::string secret = ecdh(own, peer);
  // RFC 8291 section 3.4: the input keying material from the auth secret and the ECDH secret.
  std::string prk_key = hmac_sha256(auth_secret, secret);
  std::string key_info =
      std::string("WebPush: info") + '\0' + std::string(ua_public) + server_key.public_raw + '\x01';
  std::string ikm = hmac_sha256(prk_key, key_info);
  // RFC 8188 section 2.2/2.3: content encryption key and nonce.
  std::string prk = hmac_sha256(salt, ikm);
  std::string cek = hmac_sha256(prk, std::string("Content-Encoding: aes128gcm") + '\0' + '\x01');
  std::string nonce = hmac_sha256(prk, std::string("Content-Encoding: nonce") + '\0' + '\x01');
  std::string record = std::string(plaintext) + '\x02';  // the last (and only) record
  std::string body(salt);
  body += static_cast<char>((kRecordSize >> 24) & 0xff);
  body += static_cast<char>((kRecordSize >> 16) & 0xff);
  body += static_cast<char>((kRecordSize >> 8) & 0xff);
  body += static_cast<char>(kRecordSize & 0xff);
  body += static_cast<char>(server_key.public_raw.size());
  body += server_key.public_raw;
  body += aes128gcm(cek.substr(0, 16), nonce.substr(0, 12), record);
  return body;
}

std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret) {
  return encrypt(plaintext, ua_public, auth_secret, generate_key(), random_bytes(16));
}

std::optional<std::string> url_origin(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority()) return std::nullopt;
  std::string scheme(parsed->scheme());
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "https" && scheme != "http") return std::nullopt;
  std::string host(parsed->encoded_host_and_port());
  if (parsed->encoded_host().empty()) return std::nullopt;
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme + "://" + host;
}

std::string vapid_jwt(const EcKey& vapid_key, std::string_view audience, std::string_view subject,
                      std::int64_t expires_at_seconds) {
  boost::json::object claims{{"aud", audience}, {"exp", expires_at_seconds}, {"sub", subject}};
  std::string input = base64url_encode(R"({"typ":"JWT","alg":"ES256"})") + "." +
                      base64url_encode(boost::json::serialize(claims));
  PKey key = make_key(vapid_key.public_raw, vapid_key.private_raw);
  MdCtx ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, bytes(input), input.size()) != 1)
    throw std::runtime_error("ES256 signing failed");
  std::string der(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &size, bytes(input),
                     input.size()) != 1)
    throw std::runtime_error("ES256 signing failed");
  // JWS wants r || s (32 bytes each), OpenSSL gives DER.
  const unsigned char* p = bytes(der);
  Signature sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
  if (!sig) throw std::runtime_error("ES256 signature unreadable");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  unsigned char raw[64];
  if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32)
    throw std::runtime_error("ES256 signature too large");
  return input + "." + base64url_encode(std::string_view(reinterpret_cast<char*>(raw), 64));
}

std::string vapid_authorization(const EcKey& vapid_key, std::string_view audience,
                                std::string_view subject, std::int64_t expires_at_seconds) {
  return "vapid t=" + vapid_jwt(vapid_key, audience, subject, expires_at_seconds) +
         ", k=" + base64url_encode(vapid_key.public_raw);
}

}  // namespace herd::push
