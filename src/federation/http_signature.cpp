#include "federation/http_signature.hpp"

#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "core/crypto.hpp"
#include "core/time.hpp"

namespace herd::federation {

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDefaultExpiry = 5 * kMinute;
constexpr std::int64_t kExpiryLimit = 12 * kHour;
constexpr std::int64_t kClockSkew = kHour;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// ---- keys ---------------------------------------------------------------------------------------

using KeyPtr = std::shared_ptr<EVP_PKEY>;

// Parsed keys by PEM text: parsing costs more than an RSA verification.
KeyPtr load_key(const std::string& pem, bool is_private) {
  static std::mutex mutex;
  static std::unordered_map<std::string, KeyPtr> cache;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(pem);
    if (it != cache.end()) return it->second;
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (is_private) {
    raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  } else {  // SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY")
    OSSL_DECODER_CTX* decoder = OSSL_DECODER_CTX_new_for_pkey(
        &raw, "PEM", nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
    if (decoder) {
      const unsigned char* data = reinterpret_cast<const unsigned char*>(pem.data());
      std::size_t length = pem.size();
      if (OSSL_DECODER_from_data(decoder, &data, &length) != 1) raw = nullptr;
      OSSL_DECODER_CTX_free(decoder);
    }
  }
  if (!raw) return nullptr;
  KeyPtr key(raw, EVP_PKEY_free);
  std::lock_guard lock(mutex);
  if (cache.size() > 4096) cache.clear();
  cache.emplace(pem, key);
  return key;
}

// SHA-256 fetched once: an implicit fetch per signature costs a provider lookup each time.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md ? md : EVP_sha256();
}

std::string rsa_sha256_sign(const std::string& private_pem, std::string_view data) {
  KeyPtr key = load_key(private_pem, true);
  if (!key) throw std::runtime_error("cannot read the signing key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, sha256_md(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("signing failed");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("signing failed");
  signature.resize(length);
  return signature;
}

bool rsa_sha256_verify(const std::string& public_pem, std::string_view data,
                       std::string_view signature) {
  KeyPtr key = load_key(public_pem, false);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, sha256_md(), nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

// ---- request helpers ----------------------------------------------------------------------------

struct Headers {
  std::map<std::string, std::string> values;  // lowercased names
  explicit Headers(const HeaderList& list) {
    for (const auto& [name, value] : list) {
      auto [it, inserted] = values.emplace(lower(name), std::string(trim(value)));
      if (!inserted) it->second += ", " + std::string(trim(value));
    }
  }
  const std::string* find(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
};

struct Failure {
  std::string message;
};

// Checks a "SHA-256=..." Digest header (several algorithms may be listed) against the body.
std::optional<Failure> check_digest(const std::string& header, std::string_view body) {
  std::string expected = base64_encode(sha256_raw(body));
  std::string_view rest = header;
  bool found = false;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower(item.substr(0, eq)) != "sha-256") continue;
    found = true;
    if (item.substr(eq + 1) != expected) return Failure{"Invalid Digest value"};
  }
  if (!found) return Failure{"Mastodon only supports SHA-256 in Digest header"};
  return std::nullopt;
}

// Checks an RFC 9530 Content-Digest ("sha-256=:base64:") against the body.
std::optional<Failure> check_content_digest(const std::string& header, std::string_view body) {
  std::string expected = base64_encode(sha256_raw(body));
  std::string_view rest = header;
  bool found = false;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower(item.substr(0, eq)) != "sha-256") continue;
    found = true;
    std::string_view value = item.substr(eq + 1);
    if (value.size() < 2 || value.front() != ':' || value.back() != ':')
      return Failure{"Invalid Content-Digest value"};
    if (value.substr(1, value.size() - 2) != expected)
      return Failure{"Invalid Content-Digest value"};
  }
  if (!found) return Failure{"Content-Digest must include sha-256"};
  return std::nullopt;
}

std::optional<Failure> check_time_window(std::optional<std::int64_t> created,
                                         std::optional<std::int64_t> expires, std::int64_t now) {
  if (!created && !expires) return Failure{"Signed request has no creation time"};
  if (created) {
    std::int64_t limit = *created + kExpiryLimit;
    if (!expires) expires = *created + kDefaultExpiry;
    expires = std::min(*expires, limit);
    if (*created > now + kClockSkew) return Failure{"Signed request date is in the future"};
  }
  if (now > *expires + kClockSkew)
    return Failure{"Signed request date outside acceptable time window"};
  return std::nullopt;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value * 1000;
}

// Runs the key lookup and the cryptographic check, refreshing the key once on failure.
Verification check_with_key(const std::string& key_id, const KeyLookup& lookup,
                            const std::function<bool(const std::string& pem)>& check,
                            Verification result) {
  result.key_id = key_id;
  auto key = lookup(key_id, false);
  if (key && check(key->pem)) {
    result.valid = true;
    result.owner = key->owner;
    return result;
  }
  auto fresh = lookup(key_id, true);
  if (!fresh) {
    result.error =
        key ? "Verification failed for " + key_id : "Could not find the public key for " + key_id;
    return result;
  }
  if ((!key || fresh->pem != key->pem) && check(fresh->pem)) {
    result.valid = true;
    result.owner = fresh->owner;
    return result;
  }
  result.error = "Verification failed for " + key_id;
  return result;
}

// ---- draft-cavage -------------------------------------------------------------------------------

// Parses `keyId="...",algorithm="...",headers="...",signature="...",created=123`.
std::map<std::string, std::string> parse_cavage_params(std::string_view text) {
  std::map<std::string, std::string> params;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
    std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = lower(trim(text.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i++];
      }
      ++i;  // closing quote
    } else {
      std::size_t end = text.find(',', i);
      if (end == std::string_view::npos) end = text.size();
      value = std::string(trim(text.substr(i, end - i)));
      i = end;
    }
    params.emplace(std::move(key), std::move(value));
  }
  return params;
}

std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) out.push_back(lower(text.substr(i, end - i)));
    i = end;
  }
  return out;
}

Verification verify_cavage(const ReceivedRequest& request, const Headers& headers,
                           std::string_view signature_text, const KeyLookup& lookup,
                           std::int64_t now) {
  Verification result;
  result.scheme = "draft-cavage";
  auto params = parse_cavage_params(signature_text);
  auto param = [&](const char* name) -> std::string {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  std::string key_id = param("keyid");
  std::string signature_b64 = param("signature");
  if (key_id.empty() || signature_b64.empty()) {
    result.error = "Incompatible request signature. keyId and signature are required";
    return result;
  }
  result.key_id = key_id;
  std::string algorithm = params.count("algorithm") ? lower(param("algorithm")) : "hs2019";
  if (algorithm != "rsa-sha256" && algorithm != "hs2019") {
    result.error = "Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)";
    return result;
  }
  std::vector<std::string> signed_headers = params.count("headers")
                                                ? split_spaces(param("headers"))
                                                : std::vector<std::string>{"(created)"};
  auto signs = [&](std::string_view name) {
    return std::find(signed_headers.begin(), signed_headers.end(), name) != signed_headers.end();
  };
  if (!signs("date") && !signs("(created)")) {
    result.error = "Mastodon requires the Date header or (created) pseudo-header to be signed";
    return result;
  }
  if (!signs("(request-target)") && !signs("digest")) {
    result.error =
        "Mastodon requires the Digest header or (request-target) pseudo-header to be signed";
    return result;
  }
  std::string method = lower(request.method);
  if (method == "get" && !signs("host")) {
    result.error = "Mastodon requires the Host header to be signed when doing a GET request";
    return result;
  }
  if (method == "post" && !signs("digest")) {
    result.error = "Mastodon requires the Digest header to be signed when doing a POST request";
    return result;
  }
  if (const std::string* digest = headers.find("digest")) {
    if (auto failure = check_digest(*digest, request.body)) {
      result.error = failure->message;
      return result;
    }
  } else if (signs("digest")) {
    result.error = "Digest header missing";
    return result;
  }
  // Time window.
  std::optional<std::int64_t> created, expires;
  if (signs("(created)")) {
    created = parse_seconds(param("created"));
    if (!created) {
      result.error = "Invalid Date header";
      return result;
    }
  } else if (const std::string* date = headers.find("date")) {
    created = parse_http_date(*date);
    if (!created) {
      result.error = "Invalid Date header";
      return result;
    }
  }
  if (signs("(expires)")) {
    expires = parse_seconds(param("expires"));
    if (!expires) {
      result.error = "Invalid (expires) parameter";
      return result;
    }
  }
  if (auto failure = check_time_window(created, expires, now)) {
    result.error = failure->message;
    return result;
  }
  std::string signature;
  try {
    signature = base64_decode(signature_b64);
  } catch (const std::exception&) {
    result.error = "Invalid signature encoding";
    return result;
  }
  // The signing string, with and without the query string in (request-target).
  auto build = [&](bool with_query, std::string& out) -> bool {
    out.clear();
    for (std::size_t i = 0; i < signed_headers.size(); ++i) {
      const std::string& name = signed_headers[i];
      if (i) out += '\n';
      if (name == "(request-target)") {
        std::string target = request.target.empty() ? "/" : request.target;
        if (!with_query) target = target.substr(0, target.find('?'));
        out += "(request-target): " + method + " " + target;
      } else if (name == "(created)") {
        out += "(created): " + param("created");
      } else if (name == "(expires)") {
        out += "(expires): " + param("expires");
      } else {
        const std::string* value = headers.find(name);
        if (!value) return false;
        out += name + ": " + *value;
      }
    }
    return true;
  };
  std::string with_query, without_query;
  if (!build(true, with_query)) {
    result.error = "Signed header missing from the request";
    return result;
  }
  build(false, without_query);
  bool has_query = request.target.find('?') != std::string::npos && signs("(request-target)");
  return check_with_key(
      key_id, lookup,
      [&](const std::string& pem) {
        return rsa_sha256_verify(pem, with_query, signature) ||
               (has_query && rsa_sha256_verify(pem, without_query, signature));
      },
      result);
}

// ---- RFC 9421 -----------------------------------------------------------------------------------

struct SignatureInput {
  std::string label;
  std::vector<std::string> components;  // as quoted in the list, lowercased
  std::map<std::string, std::string> params;
  std::string raw;  // the member value as sent (for "@signature-params")
};

// Parses the first member of a Signature-Input dictionary.
std::optional<SignatureInput> parse_signature_input(std::string_view text) {
  SignatureInput input;
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  std::size_t eq = text.find('=', i);
  if (eq == std::string_view::npos) return std::nullopt;
  input.label = std::string(trim(text.substr(i, eq - i)));
  i = eq + 1;
  std::size_t start = i;
  if (i >= text.size() || text[i] != '(') return std::nullopt;
  ++i;
  for (;;) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) return std::nullopt;
    if (text[i] == ')') {
      ++i;
      break;
    }
    if (text[i] != '"') return std::nullopt;
    std::size_t close = text.find('"', i + 1);
    if (close == std::string_view::npos) return std::nullopt;
    input.components.push_back(lower(text.substr(i + 1, close - i - 1)));
    i = close + 1;
    if (i < text.size() && text[i] == ';')
      return std::nullopt;  // component parameters: unsupported
  }
  while (i < text.size() && text[i] == ';') {
    ++i;
    std::size_t key_end = i;
    while (key_end < text.size() && text[key_end] != '=' && text[key_end] != ';' &&
           text[key_end] != ',')
      ++key_end;
    std::string key = lower(text.substr(i, key_end - i));
    i = key_end;
    std::string value;
    if (i < text.size() && text[i] == '=') {
      ++i;
      if (i < text.size() && text[i] == '"') {
        std::size_t close = text.find('"', i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        value = std::string(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        std::size_t end = i;
        while (end < text.size() && text[end] != ';' && text[end] != ',') ++end;
        value = std::string(trim(text.substr(i, end - i)));
        i = end;
      }
    }
    input.params.emplace(std::move(key), std::move(value));
  }
  input.raw = std::string(text.substr(start, i - start));
  return input;
}

// The byte sequence for `label` in a Signature dictionary (label=:base64:, ...).
std::optional<std::string> find_signature_bytes(std::string_view text, const std::string& label) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name(trim(text.substr(i, eq - i)));
    std::size_t open = eq + 1;
    if (open >= text.size() || text[open] != ':') return std::nullopt;
    std::size_t close = text.find(':', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    if (name == label) {
      try {
        return base64_decode(text.substr(open + 1, close - open - 1));
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
    i = text.find(',', close);
    if (i == std::string_view::npos) return std::nullopt;
  }
  return std::nullopt;
}

Verification verify_rfc9421(const ReceivedRequest& request, const Headers& headers,
                            const std::string& input_text, const std::string& signature_text,
                            const KeyLookup& lookup, std::int64_t now) {
  Verification result;
  result.scheme = "rfc9421";
  auto input = parse_signature_input(input_text);
  if (!input) {
    result.error = "Invalid Signature-Input header";
    return result;
  }
  auto param = [&](const char* name) -> std::string {
    auto it = input->params.find(name);
    return it == input->params.end() ? std::string() : it->second;
  };
  std::string key_id = param("keyid");
  if (key_id.empty()) {
    result.error = "Signature-Input has no keyid";
    return result;
  }
  result.key_id = key_id;
  if (input->params.count("alg") && lower(param("alg")) != "rsa-v1_5-sha256") {
    result.error = "Unsupported signature algorithm (only rsa-v1_5-sha256 is supported)";
    return result;
  }
  auto signs = [&](std::string_view name) {
    return std::find(input->components.begin(), input->components.end(), name) !=
           input->components.end();
  };
  if (!signs("@method") || !signs("@target-uri")) {
    result.error = "Mastodon requires @method and @target-uri to be signed";
    return result;
  }
  std::string method = request.method;
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (method == "POST" && !signs("content-digest")) {
    result.error =
        "Mastodon requires the Content-Digest header to be signed when doing a POST request";
    return result;
  }
  if (const std::string* digest = headers.find("content-digest")) {
    if (auto failure = check_content_digest(*digest, request.body)) {
      result.error = failure->message;
      return result;
    }
  }
  auto created = parse_seconds(param("created"));
  if (!created) {
    result.error = "Signature-Input must carry a created parameter";
    return result;
  }
  std::optional<std::int64_t> expires;
  if (input->params.count("expires")) {
    expires = parse_seconds(param("expires"));
    if (!expires) {
      result.error = "Invalid expires parameter";
      return result;
    }
  }
  if (auto failure = check_time_window(created, expires, now)) {
    result.error = failure->message;
    return result;
  }
  auto signature = find_signature_bytes(signature_text, input->label);
  if (!signature) {
    result.error = "Signature header does not match Signature-Input";
    return result;
  }
  // The signature base.
  auto uri = boost::urls::parse_uri(request.target_uri);
  std::string base;
  for (const std::string& name : input->components) {
    std::string value;
    if (name == "@method") {
      value = method;
    } else if (name == "@target-uri") {
      value = request.target_uri;
    } else if (name == "@authority") {
      const std::string* host = headers.find("host");
      value = host ? lower(*host) : (uri ? lower(uri->encoded_authority()) : "");
    } else if (name == "@scheme") {
      value = uri ? lower(uri->scheme()) : "";
    } else if (name == "@request-target") {
      value = request.target;
    } else if (name == "@path") {
      value = request.target.substr(0, request.target.find('?'));
    } else if (name == "@query") {
      std::size_t q = request.target.find('?');
      value = q == std::string::npos ? "?" : request.target.substr(q);
    } else if (!name.empty() && name[0] == '@') {
      result.error = "Unsupported derived component " + name;
      return result;
    } else {
      const std::string* header = headers.find(name);
      if (!header) {
        result.error = "Signed header " + name + " missing from the request";
        return result;
      }
      value = *header;
    }
    base += "\"" + name + "\": " + value + "\n";
  }
  base += "\"@signature-params\": " + input->raw;
  return check_with_key(
      key_id, lookup,
      [&](const std::string& pem) { return rsa_sha256_verify(pem, base, *signature); }, result);
}

}  // namespace

std::string digest_header(std::string_view body) {
  return "SHA-256=" + base64_encode(sha256_raw(body));
}

HeaderList sign_request(const RequestToSign& request, const SigningKey& key, std::int64_t now_ms) {
  auto uri = boost::urls::parse_uri(request.url);
  if (!uri || !uri->has_authority() || uri->encoded_host().empty())
    throw std::runtime_error("cannot sign a request to " + request.url);
  std::string host(uri->encoded_host_and_port());
  std::string target = uri->encoded_path().empty() ? "/" : std::string(uri->encoded_path());
  if (uri->has_query()) target += "?" + std::string(uri->encoded_query());
  std::string method = lower(request.method);
  HeaderList headers;
  headers.emplace_back("Host", host);
  headers.emplace_back("Date", http_date(now_ms));
  std::string signing = "(request-target): " + method + " " + target + "\nhost: " + host +
                        "\ndate: " + headers.back().second;
  std::string names = "(request-target) host date";
  if (method == "post") {
    headers.emplace_back("Digest", digest_header(request.body));
    headers.emplace_back("Content-Type", request.content_type);
    signing += "\ndigest: " + headers[2].second + "\ncontent-type: " + request.content_type;
    names += " digest content-type";
  } else {
    headers.emplace_back("Accept", request.accept);
    signing += "\naccept: " + request.accept;
    names += " accept";
  }
  std::string signature = base64_encode(rsa_sha256_sign(key.private_key_pem, signing));
  headers.emplace_back("Signature", "keyId=\"" + key.key_id +
                                        "\",algorithm=\"rsa-sha256\",headers=\"" + names +
                                        "\",signature=\"" + signature + "\"");
  return headers;
}

bool has_signature(const ReceivedRequest& request) {
  Headers headers(request.headers);
  if (headers.find("signature") || headers.find("signature-input")) return true;
  const std::string* authorization = headers.find("authorization");
  return authorization && lower(authorization->substr(0, 10)) == "signature ";
}

Verification verify_request(const ReceivedRequest& request, const KeyLookup& lookup,
                            std::int64_t now_ms) {
  Headers headers(request.headers);
  try {
    const std::string* input = headers.find("signature-input");
    const std::string* signature = headers.find("signature");
    if (input && signature)
      return verify_rfc9421(request, headers, *input, *signature, lookup, now_ms);
    if (signature) return verify_cavage(request, headers, *signature, lookup, now_ms);
    const std::string* authorization = headers.find("authorization");
    if (authorization && lower(authorization->substr(0, 10)) == "signature ")
      return verify_cavage(request, headers, std::string_view(*authorization).substr(10), lookup,
                           now_ms);
  } catch (const std::exception& error) {
    Verification failed;
    failed.error = std::string("Signature verification failed: ") + error.what();
    return failed;
  }
  Verification missing;
  missing.error = "Request not signed";
  return missing;
}

std::string key_id_document(std::string_view key_id) {
  return std::string(key_id.substr(0, key_id.find('#')));
}

}  // namespace herd::federation
