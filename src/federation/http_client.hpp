// The outbound HTTP client for federation (fetching actors, objects, WebFinger; delivering to
// inboxes). Blocking (libcurl); call it from worker threads and jobs, never while holding a
// database transaction.
//
// Every request:
//  - is signed (draft-cavage, see http_signature.hpp) when a key is given; GETs included, since
//    servers in authorized-fetch mode refuse unsigned GETs;
//  - goes only to https URLs (http too when allow_http: LOCAL_HTTPS=false with
//    HERD_ALLOW_HTTP_FEDERATION=true, for test instances);
//  - passes the SSRF guard: the client resolves the host itself and refuses loopback, private,
//    link-local, unique-local, multicast and reserved addresses unless the address (or a CIDR
//    containing it) is in allowed_private_addresses; the connection is pinned to the checked
//    address and every socket is checked again before it connects;
//  - has connect and total timeouts and a response-size limit;
//  - follows at most max_redirects redirects (GET only), each checked like the first request;
//  - uses TLS with the system CA store and sends User-Agent "herd/<version> (+https://<domain>/)".
#pragma once
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "federation/http_signature.hpp"

namespace herd::federation {

// ---- the SSRF guard -----------------------------------------------------------------------------

enum class AddressKind {
  public_,
  loopback,      // 127.0.0.0/8, ::1
  private_,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (shared address space)
  link_local,    // 169.254/16, fe80::/10
  unique_local,  // fc00::/7
  unspecified,   // 0.0.0.0/8, ::
  multicast,     // 224/4, ff00::/8
  reserved,  // 240/4, broadcast, documentation and benchmarking ranges, 192.0.0/24, 2001:db8::/32
};
// The kind of an IP address literal (IPv4, IPv6, IPv4-mapped IPv6 as its IPv4 address); nullopt
// when text is not an IP address.
std::optional<AddressKind> classify_address(std::string_view text);
// True when the address equals an entry or lies in an entry's CIDR ("127.0.0.0/8", "fd00::/8").
// Malformed entries never match.
bool address_listed(std::string_view address, const std::vector<std::string>& entries);
// What the guard lets through: a public address, or a listed one.
bool address_allowed(std::string_view address, const std::vector<std::string>& allowed);

// ---- the client ---------------------------------------------------------------------------------

class FetchError : public std::runtime_error {
 public:
  enum class Kind { bad_url, refused, network, timeout, too_large, too_many_redirects };
  FetchError(Kind kind, std::string message)
      : std::runtime_error(std::move(message)), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct ClientOptions {
  std::string user_agent = "herd";
  std::vector<std::string> allowed_private_addresses;
  bool allow_http = false;
  long connect_timeout_ms = 5'000;
  long total_timeout_ms = 20'000;
  std::size_t max_response_bytes = 1 << 20;  // 1 MiB: enough for any JSON document
  int max_redirects = 3;
};
// The options for this instance: user agent with version and domain, the allow-list, and http
// only when allow_http_federation && !local_https.
ClientOptions client_options(const Config& config);

struct FetchResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string url;  // the final URL (after redirects)
  bool ok() const { return status >= 200 && status < 300; }
};

inline constexpr std::string_view kActivityAccept =
    "application/activity+json, application/ld+json; "
    "profile=\"https://www.w3.org/ns/activitystreams\"";

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options) : options_(std::move(options)) {}

  // GET url (redirects followed), signed with key when given. Throws FetchError for transport
  // failures and refused addresses; HTTP error statuses are returned, not thrown.
  FetchResponse get(const std::string& url, const std::optional<SigningKey>& key,
                    std::string_view accept = kActivityAccept) const;
  // POST body to url, signed with key. Redirects are not followed (the 3xx is returned).
  FetchResponse post(const std::string& url, const std::string& body, const SigningKey& key,
                     std::string_view content_type = "application/activity+json") const;
  // POST body to url unsigned, with exactly these headers (Web Push: Authorization, TTL...).
  // Redirects are not followed.
  FetchResponse post_unsigned(const std::string& url, const std::string& body,
                              const HeaderList& headers) const;

  // Checks a URL against the scheme rule and the SSRF guard; returns the address to connect to.
  // Throws FetchError(bad_url | refused).
  std::string check_url(const std::string& url) const;

  const ClientOptions& options() const { return options_; }

 private:
  FetchResponse perform(const std::string& method, const std::string& url, const std::string& body,
                        const std::optional<SigningKey>& key, std::string_view type,
                        const HeaderList* extra_headers = nullptr) const;
  ClientOptions options_;
};

}  // namespace herd::federation
