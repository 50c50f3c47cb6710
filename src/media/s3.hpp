// Media on S3-compatible object storage (Mastodon's S3_* settings), over libcurl, each request
// signed with AWS Signature Version 4 as the specification describes it ("Authenticating
// Requests: Using the Authorization Header"): a canonical request (method, URI-encoded path,
// sorted query, lower-case sorted headers, the signed header list, the payload's SHA-256), the
// string to sign (algorithm, time, scope date/region/s3/aws4_request, the canonical request's
// hash) and the signature (HMAC-SHA256 chained from "AWS4"+secret over date, region, service,
// "aws4_request").
//
// Objects are addressed path-style (<endpoint>/<bucket>/<key>), uploaded with x-amz-acl
// public-read (S3_PERMISSION), their Content-Type and Mastodon's immutable Cache-Control. Public
// URLs are <S3_PROTOCOL>://<S3_ALIAS_HOST>/<key> when an alias host is set, else
// <endpoint>/<bucket>/<key>.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace herd::media {

struct S3Settings {
  std::string bucket;                // S3_BUCKET
  std::string endpoint;              // S3_ENDPOINT (default https://s3.<region>.amazonaws.com)
  std::string region = "us-east-1";  // S3_REGION
  std::string access_key_id;         // AWS_ACCESS_KEY_ID
  std::string secret_access_key;     // AWS_SECRET_ACCESS_KEY
  std::string alias_host;            // S3_ALIAS_HOST (e.g. files.example.com)
  std::string protocol = "https";    // S3_PROTOCOL: scheme of alias-host URLs
  std::string permission = "public-read";  // S3_PERMISSION ("" sends no x-amz-acl)
};

// ---- Signature Version 4 -----------------------------------------------------------------------

struct SigV4Request {
  std::string method;                          // "PUT"
  std::string path;                            // already URI-encoded ("/bucket/a%20b.png")
  std::map<std::string, std::string> query;    // decoded names and values
  std::map<std::string, std::string> headers;  // every header to sign (any case; host included)
  std::string payload_sha256;                  // lower-case hex, or "UNSIGNED-PAYLOAD"
  std::string amz_date;                        // "20130524T000000Z"
  std::string region;
  std::string service = "s3";
  std::string access_key_id;
  std::string secret_access_key;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header's value
};

SigV4Result sign_v4(const SigV4Request& request);

// RFC 3986 percent-encoding as SigV4 wants it (unreserved characters kept; "/" kept when
// `keep_slash`, for paths).
std::string uri_encode(std::string_view text, bool keep_slash);
std::string sha256_hex(std::string_view data);
// "20130524T000000Z" for a point in time (UTC).
std::string amz_date(std::chrono::system_clock::time_point when);

// ---- the client
// ----------------------------------------------------------------------------------

// A request the storage refused or could not be sent: the S3 error code and message when the
// server gave them ("SignatureDoesNotMatch: The request signature we calculated does not match").
class S3Error : public std::runtime_error {
 public:
  S3Error(int status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  int status() const { return status_; }  // HTTP status, 0 when unreachable

 private:
  int status_;
};

class S3Client {
 public:
  explicit S3Client(S3Settings settings);

  void put(const std::string& key, std::string_view bytes, const std::string& content_type);
  // nullopt when the object does not exist.
  std::optional<std::string> get(const std::string& key);
  // Deleting a missing object is not an error (S3 answers 204 either way).
  void remove(const std::string& key);
  // Whether the bucket answers with these credentials (HEAD bucket): S3Error otherwise.
  void check();
  std::string public_url(const std::string& key) const;
  const S3Settings& settings() const { return settings_; }

 private:
  struct Reply {
    long status = 0;
    std::string body;
  };
  Reply send(const std::string& method, const std::string& key, std::string_view body,
             const std::map<std::string, std::string>& extra_headers);
  [[noreturn]] void fail_with(const std::string& what, const Reply& reply) const;

  S3Settings settings_;
  std::string endpoint_;  // without a trailing slash
  std::string host_;      // host[:port] of the endpoint, as signed
};

}  // namespace herd::media
