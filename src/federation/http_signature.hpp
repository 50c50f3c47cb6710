// HTTP Signatures for ActivityPub: signing outgoing requests (draft-cavage, what every server
// accepts) and verifying incoming ones (draft-cavage rsa-sha256/hs2019 and RFC 9421
// rsa-v1_5-sha256), following Mastodon's rules (app/lib/signed_request.rb):
//
//  draft-cavage (Signature or "Authorization: Signature" header):
//   - algorithm rsa-sha256 or hs2019 (missing: hs2019, whose default headers list is "(created)");
//   - must sign date or (created), and (request-target) or digest; a GET must sign host, a POST
//     must sign digest; a signed Digest must carry SHA-256 and match the body;
//   - (request-target) is tried with the query string, then without it.
//  RFC 9421 (Signature-Input + Signature): one signature; created, "@method" and "@target-uri"
//   required; a POST must sign content-digest (sha-256, matching the body); alg, when present,
//   must be rsa-v1_5-sha256.
//  Time window (both): created = Date (or the created parameter), expires = expires parameter or
//   created + 5 min (at most created + 12 h); refused when created > now + 1 h or
//   now > expires + 1 h.
//
// Verification looks keys up through a callback, so that it runs offline in tests; when the
// signature does not verify with the known key, the key is looked up once more with refresh=true
// (key rotation) and the check repeated.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herd::federation {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigningKey {
  std::string key_id;           // actor URI + "#main-key"
  std::string private_key_pem;  // PKCS#8 or PKCS#1 PEM
};

// What to sign. url is absolute (scheme://host[:port]/path?query); the query is signed as given.
struct RequestToSign {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::string body;                                        // POST only
  std::string content_type = "application/activity+json";  // POST only
  std::string accept =
      "application/activity+json, application/ld+json; "
      "profile=\"https://www.w3.org/ns/activitystreams\"";  // GET only
};

// The headers to send, in signing order: Host, Date, then for POST Digest and Content-Type, for
// GET Accept, then Signature. Draft-cavage rsa-sha256 over "(request-target) host date digest
// content-type" (POST) or "(request-target) host date accept" (GET). Throws std::runtime_error
// when the key cannot be read or the URL has no host.
HeaderList sign_request(const RequestToSign& request, const SigningKey& key, std::int64_t now_ms);

// "SHA-256=<base64>" of body (the Digest header value).
std::string digest_header(std::string_view body);

// A request as the receiver saw it.
struct ReceivedRequest {
  std::string method;      // "GET", "POST"
  std::string target;      // path + "?" + query exactly as on the wire (percent-encoding kept)
  std::string target_uri;  // absolute URL as the receiver sees it (RFC 9421 "@target-uri")
  HeaderList headers;      // any case; repeated names are joined with ", "
  std::string body;
};

struct PublicKey {
  std::string pem;
  std::string owner;  // the actor URI that owns the key ("" when unknown)
};

// Finds the public key for keyId. refresh=false may answer from a cache; refresh=true must fetch
// anew (called at most once per verification). nullopt: the key cannot be found.
using KeyLookup = std::function<std::optional<PublicKey>(const std::string& key_id, bool refresh)>;

struct Verification {
  bool valid = false;
  std::string scheme;  // "draft-cavage" or "rfc9421" ("" when no signature was found)
  std::string key_id;
  std::string owner;  // from the key lookup
  std::string error;  // why it failed, suitable for a 401 body
};

// Verifies the request's signature at time now_ms. Never throws for malformed input.
Verification verify_request(const ReceivedRequest& request, const KeyLookup& lookup,
                            std::int64_t now_ms);

// True when the request carries any signature header (Signature, Signature-Input or
// Authorization: Signature).
bool has_signature(const ReceivedRequest& request);

// The document to fetch for a keyId: the keyId without its fragment ("https://a/users/x#main-key"
// -> "https://a/users/x"). Servers that use a path ("https://a/users/x/main-key") serve the key,
// or the actor holding it, at that URL.
std::string key_id_document(std::string_view key_id);

}  // namespace herd::federation
