// HTTP Signatures: every captured vector (GoToSocial, snac, Fedify; draft-cavage, hs2019 and
// RFC 9421, valid and tampered) gives its expected verdict with the clock at receivedAt; our own
// signatures verify; the time window, the required components and the key refresh behave as
// Mastodon's do.
#include "federation/http_signature.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/crypto.hpp"
#include "core/time.hpp"

namespace json = boost::json;
using namespace herd;
using namespace herd::federation;

namespace {

std::filesystem::path data_dir() {
  return std::filesystem::path(HERD_SOURCE_DIR) / "tests" / "data" / "federation";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// publicKey.id -> key, from the actor documents in actors/.
std::map<std::string, PublicKey> load_actor_keys() {
  std::map<std::string, PublicKey> keys;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "actors")) {
    json::value actor = json::parse(read_file(entry.path()));
    const json::object& key = actor.at("publicKey").as_object();
    keys[std::string(key.at("id").as_string())] = PublicKey{
        std::string(key.at("publicKeyPem").as_string()), std::string(key.at("owner").as_string())};
  }
  return keys;
}

ReceivedRequest to_request(const json::object& vector) {
  ReceivedRequest request;
  request.method = std::string(vector.at("method").as_string());
  request.target_uri = std::string(vector.at("url").as_string());
  auto uri = boost::urls::parse_uri(request.target_uri);
  request.target = std::string(uri->encoded_path());
  if (uri->has_query()) request.target += "?" + std::string(uri->encoded_query());
  for (const auto& header : vector.at("headers").as_array()) {
    const auto& pair = header.as_array();
    request.headers.emplace_back(std::string(pair[0].as_string()),
                                 std::string(pair[1].as_string()));
  }
  request.body = std::string(vector.at("body").as_string());
  return request;
}

struct Keys {
  std::map<std::string, PublicKey> keys;
  int lookups = 0, refreshes = 0;
  KeyLookup lookup() {
    return [this](const std::string& key_id, bool refresh) -> std::optional<PublicKey> {
      ++lookups;
      if (refresh) ++refreshes;
      auto it = keys.find(key_id);
      if (it == keys.end()) return std::nullopt;
      return it->second;
    };
  }
};

TEST(HttpSignature, EveryCapturedVectorGivesItsVerdict) {
  json::value root = json::parse(read_file(data_dir() / "http-signature-vectors.json"));
  const json::array& vectors = root.at("vectors").as_array();
  ASSERT_GE(vectors.size(), 30u);
  Keys keys{load_actor_keys()};
  ASSERT_EQ(keys.keys.size(), 4u);
  int valid = 0, invalid = 0;
  bool saw_webfinger = false;
  for (const auto& item : vectors) {
    const json::object& vector = item.as_object();
    std::string name(vector.at("name").as_string());
    bool expect_valid = vector.at("expect").as_string() == "valid";
    auto received_at = parse_rfc3339(vector.at("receivedAt").as_string());
    ASSERT_TRUE(received_at) << name;
    ReceivedRequest request = to_request(vector);
    if (request.target.find("webfinger?resource=acct%3A") != std::string::npos)
      saw_webfinger = true;
    Verification result = verify_request(request, keys.lookup(), *received_at);
    EXPECT_EQ(result.valid, expect_valid) << name << ": " << result.error;
    EXPECT_EQ(result.key_id, std::string(vector.at("keyId").as_string())) << name;
    if (result.valid) {
      ++valid;
      EXPECT_FALSE(result.owner.empty()) << name;
    } else {
      ++invalid;
      EXPECT_FALSE(result.error.empty()) << name;
    }
  }
  EXPECT_TRUE(saw_webfinger);
  EXPECT_GT(valid, 10);
  EXPECT_GT(invalid, 10);
}

TEST(HttpSignature, PercentEncodedWebFingerQueryIsSignedAsSent) {
  json::value root = json::parse(read_file(data_dir() / "http-signature-vectors.json"));
  Keys keys{load_actor_keys()};
  for (const auto& item : root.at("vectors").as_array()) {
    const json::object& vector = item.as_object();
    if (vector.at("name").as_string() != "gotosocial-0.19.2-draft-cavage-get-8") continue;
    ReceivedRequest request = to_request(vector);
    auto now = *parse_rfc3339(vector.at("receivedAt").as_string());
    EXPECT_TRUE(verify_request(request, keys.lookup(), now).valid);
    // Decoding the query before verifying (a common server bug) breaks it.
    request.target = "/.well-known/webfinger?resource=acct:fred@fedify.test";
    EXPECT_FALSE(verify_request(request, keys.lookup(), now).valid);
    return;
  }
  FAIL() << "vector not found";
}

TEST(HttpSignature, ValidVectorsFailOutsideTheTimeWindow) {
  json::value root = json::parse(read_file(data_dir() / "http-signature-vectors.json"));
  Keys keys{load_actor_keys()};
  for (const auto& item : root.at("vectors").as_array()) {
    const json::object& vector = item.as_object();
    if (vector.at("expect").as_string() != "valid") continue;
    ReceivedRequest request = to_request(vector);
    auto now = *parse_rfc3339(vector.at("receivedAt").as_string());
    EXPECT_TRUE(verify_request(request, keys.lookup(), now + 60 * 60 * 1000).valid);  // skew margin
    EXPECT_FALSE(verify_request(request, keys.lookup(), now + 2 * 60 * 60 * 1000).valid);
    EXPECT_FALSE(verify_request(request, keys.lookup(), now - 2 * 60 * 60 * 1000).valid);
  }
}

class OwnSignatures : public ::testing::Test {
 protected:
  static KeyPair pair() {
    static KeyPair keys = generate_rsa_keypair(2048);
    return keys;
  }
  ReceivedRequest received(const RequestToSign& sent, const HeaderList& headers) {
    ReceivedRequest request;
    request.method = sent.method;
    request.target_uri = sent.url;
    auto uri = boost::urls::parse_uri(sent.url);
    request.target = std::string(uri->encoded_path());
    if (uri->has_query()) request.target += "?" + std::string(uri->encoded_query());
    request.headers = headers;
    request.headers.emplace_back("User-Agent", "herd/test");
    request.body = sent.body;
    return request;
  }
  KeyLookup lookup_for(const std::string& pem) {
    return [pem](const std::string& key_id, bool) -> std::optional<PublicKey> {
      if (key_id != "https://a.example/users/alice#main-key") return std::nullopt;
      return PublicKey{pem, "https://a.example/users/alice"};
    };
  }
  SigningKey key() {
    return SigningKey{"https://a.example/users/alice#main-key", pair().private_pem};
  }
};

TEST_F(OwnSignatures, PostSignsTargetHostDateDigestAndContentType) {
  RequestToSign sent;
  sent.method = "POST";
  sent.url = "https://b.example/inbox";
  sent.body = R"({"type":"Follow"})";
  std::int64_t now = 1795702227000;
  HeaderList headers = sign_request(sent, key(), now);
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers[0].first, "Host");
  EXPECT_EQ(headers[0].second, "b.example");
  EXPECT_EQ(headers[1].second, "Thu, 26 Nov 2026 14:10:27 GMT");
  EXPECT_EQ(headers[2].second, digest_header(sent.body));
  EXPECT_NE(headers[4].second.find("algorithm=\"rsa-sha256\""), std::string::npos);
  EXPECT_NE(headers[4].second.find("headers=\"(request-target) host date digest content-type\""),
            std::string::npos);
  Verification result = verify_request(received(sent, headers), lookup_for(pair().public_pem), now);
  EXPECT_TRUE(result.valid) << result.error;
  EXPECT_EQ(result.owner, "https://a.example/users/alice");

  ReceivedRequest tampered = received(sent, headers);
  tampered.body = R"({"type":"Block"})";
  result = verify_request(tampered, lookup_for(pair().public_pem), now);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.error, "Invalid Digest value");
}

TEST_F(OwnSignatures, GetSignsAcceptAndKeepsThePortAndQuery) {
  RequestToSign sent;
  sent.url = "http://127.0.0.3:8080/.well-known/webfinger?resource=acct%3Abob%40b.example";
  std::int64_t now = now_unix_ms();
  HeaderList headers = sign_request(sent, key(), now);
  EXPECT_EQ(headers[0].second, "127.0.0.3:8080");
  EXPECT_EQ(headers[2].first, "Accept");
  EXPECT_NE(headers[3].second.find("headers=\"(request-target) host date accept\""),
            std::string::npos);
  EXPECT_TRUE(verify_request(received(sent, headers), lookup_for(pair().public_pem), now).valid);
  EXPECT_FALSE(verify_request(received(sent, headers),
                              lookup_for(generate_rsa_keypair(2048).public_pem), now)
                   .valid);
}

TEST_F(OwnSignatures, KeyIsRefreshedOnceWhenVerificationFails) {
  RequestToSign sent;
  sent.url = "https://b.example/users/bob";
  std::int64_t now = now_unix_ms();
  HeaderList headers = sign_request(sent, key(), now);
  std::string stale = generate_rsa_keypair(2048).public_pem;
  int calls = 0, refreshes = 0;
  KeyLookup rotating = [&](const std::string&, bool refresh) -> std::optional<PublicKey> {
    ++calls;
    if (refresh) ++refreshes;
    return PublicKey{refresh ? pair().public_pem : stale, "https://a.example/users/alice"};
  };
  EXPECT_TRUE(verify_request(received(sent, headers), rotating, now).valid);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(refreshes, 1);

  calls = refreshes = 0;
  KeyLookup wrong = [&](const std::string&, bool refresh) -> std::optional<PublicKey> {
    ++calls;
    if (refresh) ++refreshes;
    return PublicKey{stale, "https://a.example/users/alice"};
  };
  EXPECT_FALSE(verify_request(received(sent, headers), wrong, now).valid);
  EXPECT_EQ(refreshes, 1);
  EXPECT_EQ(calls, 2);
}

TEST_F(OwnSignatures, MastodonsRequiredHeadersAreEnforced) {
  std::int64_t now = now_unix_ms();
  std::string date = http_date(now);
  auto signed_with = [&](const std::string& method, const std::string& names,
                         const std::string& algorithm, const std::string& body) {
    ReceivedRequest request;
    request.method = method;
    request.target = "/inbox";
    request.target_uri = "https://b.example/inbox";
    request.body = body;
    request.headers = {{"Host", "b.example"}, {"Date", date}, {"Digest", digest_header(body)}};
    // The signature bytes do not matter: the structural checks come first.
    request.headers.emplace_back(
        "Signature", "keyId=\"https://a.example/users/alice#main-key\",algorithm=\"" + algorithm +
                         "\",headers=\"" + names + "\",signature=\"AAAA\"");
    return request;
  };
  auto error_of = [&](const ReceivedRequest& request) {
    return verify_request(request, lookup_for(pair().public_pem), now).error;
  };
  EXPECT_EQ(error_of(signed_with("POST", "(request-target) host date", "rsa-sha256", "{}")),
            "Mastodon requires the Digest header to be signed when doing a POST request");
  EXPECT_EQ(error_of(signed_with("GET", "(request-target) date", "rsa-sha256", "")),
            "Mastodon requires the Host header to be signed when doing a GET request");
  EXPECT_EQ(error_of(signed_with("GET", "(request-target) host", "rsa-sha256", "")),
            "Mastodon requires the Date header or (created) pseudo-header to be signed");
  EXPECT_EQ(error_of(signed_with("GET", "(request-target) host date", "ed25519", "")),
            "Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)");
  EXPECT_EQ(error_of(signed_with("GET", "host date", "hs2019", "")),
            "Mastodon requires the Digest header or (request-target) pseudo-header to be signed");
  ReceivedRequest unsigned_request;
  unsigned_request.method = "POST";
  EXPECT_FALSE(has_signature(unsigned_request));
  EXPECT_EQ(error_of(unsigned_request), "Request not signed");
}

TEST(HttpSignature, KeyIdDocumentDropsTheFragment) {
  EXPECT_EQ(key_id_document("https://a.example/users/x#main-key"), "https://a.example/users/x");
  EXPECT_EQ(key_id_document("https://gts.test/users/gtsuser/main-key"),
            "https://gts.test/users/gtsuser/main-key");
}

}  // namespace
