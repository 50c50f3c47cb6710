#include "federation/http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <boost/url/parse.hpp>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/time.hpp"

namespace herd::federation {

// ---- addresses ----------------------------------------------------------------------------------

namespace {

struct Address {
  bool v4 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 in the first 4 bytes
};

std::optional<Address> parse_address(std::string_view text) {
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (auto percent = s.find('%'); percent != std::string::npos) s.resize(percent);  // zone id
  Address address;
  if (inet_pton(AF_INET, s.c_str(), address.bytes.data()) == 1) {
    address.v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, s.c_str(), address.bytes.data()) == 1) {
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible-looking NAT64 are judged as IPv4.
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (std::memcmp(address.bytes.data(), mapped, 12) == 0 ||
        std::memcmp(address.bytes.data(), nat64, 12) == 0) {
      Address v4;
      v4.v4 = true;
      std::memcpy(v4.bytes.data(), address.bytes.data() + 12, 4);
      return v4;
    }
    return address;
  }
  return std::nullopt;
}

// True when the first `bits` bits of a and prefix are equal.
bool prefix_match(const unsigned char* a, const unsigned char* prefix, int bits) {
  int full = bits / 8;
  if (std::memcmp(a, prefix, static_cast<std::size_t>(full)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[full] & mask) == (prefix[full] & mask);
}

AddressKind classify_v4(const unsigned char* b) {
  auto in = [&](unsigned char p0, unsigned char p1, unsigned char p2, int bits) {
    unsigned char prefix[4] = {p0, p1, p2, 0};
    return prefix_match(b, prefix, bits);
  };
  if (in(0, 0, 0, 8)) return AddressKind::unspecified;
  if (in(127, 0, 0, 8)) return AddressKind::loopback;
  if (in(10, 0, 0, 8) || in(172, 16, 0, 12) || in(192, 168, 0, 16) || in(100, 64, 0, 10))
    return AddressKind::private_;
  if (in(169, 254, 0, 16)) return AddressKind::link_local;
  if (in(224, 0, 0, 4)) return AddressKind::multicast;
  if (in(240, 0, 0, 4) || in(192, 0, 0, 24) || in(192, 0, 2, 24) || in(198, 18, 0, 15) ||
      in(198, 51, 100, 24) || in(203, 0, 113, 24) || in(192, 88, 99, 24))
    return AddressKind::reserved;
  return AddressKind::public_;
}

AddressKind classify_v6(const unsigned char* b) {
  static const unsigned char zero[16] = {};
  unsigned char loopback[16] = {};
  loopback[15] = 1;
  if (std::memcmp(b, zero, 16) == 0) return AddressKind::unspecified;
  if (std::memcmp(b, loopback, 16) == 0) return AddressKind::loopback;
  auto in = [&](std::initializer_list<unsigned char> start, int bits) {
    unsigned char prefix[16] = {};
    std::size_t i = 0;
    for (unsigned char c : start) prefix[i++] = c;
    return prefix_match(b, prefix, bits);
  };
  if (in({0xfe, 0x80}, 10)) return AddressKind::link_local;
  if (in({0xfc}, 7)) return AddressKind::unique_local;
  if (in({0xff}, 8)) return AddressKind::multicast;
  if (in({0x20, 0x01, 0x0d, 0xb8}, 32) || in({0x01, 0x00}, 64) || in({0xfe, 0xc0}, 10) ||
      in({0x20, 0x01, 0x00, 0x00}, 32) || in({0x20, 0x02}, 16) || in({}, 8))
    return AddressKind::reserved;  // documentation, discard, site-local, Teredo, 6to4, ::/8
  return AddressKind::public_;
}

}  // namespace

std::optional<AddressKind> classify_address(std::string_view text) {
  auto address = parse_address(text);
  if (!address) return std::nullopt;
  return address->v4 ? classify_v4(address->bytes.data()) : classify_v6(address->bytes.data());
}

bool address_listed(std::string_view text, const std::vector<std::string>& entries) {
  auto address = parse_address(text);
  if (!address) return false;
  for (const std::string& entry : entries) {
    std::string_view e = entry;
    int bits = -1;
    if (auto slash = e.find('/'); slash != std::string_view::npos) {
      std::string_view length = e.substr(slash + 1);
      if (length.empty() || length.size() > 3) continue;
      bits = 0;
      bool digits = true;
      for (char c : length) {
        if (c < '0' || c > '9') digits = false;
        bits = bits * 10 + (c - '0');
      }
      if (!digits) continue;
      e = e.substr(0, slash);
    }
    auto network = parse_address(e);
    if (!network || network->v4 != address->v4) continue;
    int width = address->v4 ? 32 : 128;
    if (bits < 0) bits = width;
    if (bits > width) continue;
    if (prefix_match(address->bytes.data(), network->bytes.data(), bits)) return true;
  }
  return false;
}

bool address_allowed(std::string_view address, const std::vector<std::string>& allowed) {
  auto kind = classify_address(address);
  if (!kind) return false;
  return *kind == AddressKind::public_ || address_listed(address, allowed);
}

// ---- the client ---------------------------------------------------------------------------------

ClientOptions client_options(const Config& config) {
  ClientOptions options;
  options.user_agent = std::string("herd/") + HERD_VERSION + " (+" + config.base_url() + "/)";
  options.allowed_private_addresses = config.allowed_private_addresses;
  options.allow_http = config.allow_http_federation && !config.local_https;
  return options;
}

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Target {
  std::string scheme, host, address;
  int port = 0;
};

struct Transfer {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
  const std::vector<std::string>* allowed = nullptr;
  bool refused_socket = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (transfer->body.size() + n > transfer->limit) {
    transfer->too_large = true;
    return 0;  // aborts the transfer
  }
  transfer->body.append(data, n);
  return n;
}

// Checks, right before connecting, that the socket goes to an address the guard allows.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text,
              sizeof text);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text,
              sizeof text);
  } else {
    transfer->refused_socket = true;
    return CURL_SOCKET_BAD;
  }
  if (!address_allowed(text, *transfer->allowed)) {
    transfer->refused_socket = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

// One easy handle per thread: its connection cache makes repeated deliveries to a host cheap.
CURL* thread_handle() {
  struct Handle {
    CURL* curl = nullptr;
    ~Handle() {
      if (curl) curl_easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  if (!handle.curl) {
    global_init();
    handle.curl = curl_easy_init();
    if (!handle.curl) throw FetchError(FetchError::Kind::network, "cannot create an HTTP handle");
  } else {
    curl_easy_reset(handle.curl);
  }
  return handle.curl;
}

}  // namespace

std::string HttpClient::check_url(const std::string& url) const {
  auto uri = boost::urls::parse_uri(url);
  if (!uri || !uri->has_authority() || uri->encoded_host().empty())
    throw FetchError(FetchError::Kind::bad_url, "not an absolute URL: " + url);
  std::string scheme = uri->scheme();
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "https" && !(scheme == "http" && options_.allow_http))
    throw FetchError(FetchError::Kind::bad_url, "only https URLs are fetched: " + url);
  if (uri->has_userinfo())
    throw FetchError(FetchError::Kind::bad_url, "URL with credentials: " + url);
  std::string host(uri->encoded_host());
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (classify_address(host)) {
    if (!address_allowed(host, options_.allowed_private_addresses))
      throw FetchError(FetchError::Kind::refused,
                       "refused to connect to a private address: " + host);
    return host;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || !found)
    throw FetchError(FetchError::Kind::network, "cannot resolve " + host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string refused;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, text, sizeof text);
    else if (ai->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, text,
                sizeof text);
    else
      continue;
    if (address_allowed(text, options_.allowed_private_addresses)) return text;
    refused = text;
  }
  throw FetchError(
      FetchError::Kind::refused,
      "refused to connect to " + host + ": it resolves to a private address (" + refused + ")");
}

FetchResponse HttpClient::perform(const std::string& method, const std::string& url,
                                  const std::string& body, const std::optional<SigningKey>& key,
                                  std::string_view type, const HeaderList* extra_headers) const {
  std::string address = check_url(url);
  auto uri = boost::urls::parse_uri(url);
  std::string host(uri->encoded_host());
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::string scheme = uri->scheme();
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int port = uri->has_port() ? std::stoi(std::string(uri->port())) : (scheme == "https" ? 443 : 80);

  HeaderList headers;
  if (key) {
    RequestToSign request;
    request.method = method;
    request.url = url;
    request.body = body;
    if (method == "POST")
      request.content_type = std::string(type);
    else
      request.accept = std::string(type);
    headers = sign_request(request, *key, now_unix_ms());
  } else if (extra_headers) {
    headers = *extra_headers;
  } else {
    headers.emplace_back(method == "POST" ? "Content-Type" : "Accept", std::string(type));
    headers.emplace_back("Date", http_date(now_unix_ms()));
  }

  CURL* curl = thread_handle();
  Transfer transfer;
  transfer.limit = options_.max_response_bytes;
  transfer.allowed = &options_.allowed_private_addresses;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(nullptr,
                                                                          curl_slist_free_all);
  for (const auto& [name, value] : headers) {
    if (name == "Host") continue;  // curl sends the same value; keeping one avoids duplicates
    header_list.reset(curl_slist_append(header_list.release(), (name + ": " + value).c_str()));
  }
  header_list.reset(curl_slist_append(header_list.release(), "Expect:"));
  std::string pin = host + ":" + std::to_string(port) + ":" +
                    (address.find(':') != std::string::npos ? "[" + address + "]" : address);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(
      curl_slist_append(nullptr, pin.c_str()), curl_slist_free_all);

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, options_.allow_http ? "http,https" : "https");
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.total_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &transfer);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  CURLcode rc = curl_easy_perform(curl);
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    throw FetchError(FetchError::Kind::too_large, "response from " + url + " is too large");
  if (transfer.refused_socket)
    throw FetchError(FetchError::Kind::refused,
                     "refused to connect to a private address for " + url);
  if (rc == CURLE_OPERATION_TIMEDOUT)
    throw FetchError(FetchError::Kind::timeout, "timed out: " + url);
  if (rc != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    throw FetchError(
        FetchError::Kind::network,
        url + ": " + curl_easy_strerror(rc) + " (" + address + ":" + std::to_string(port) +
            (os_errno ? ", " + std::string(std::strerror(static_cast<int>(os_errno))) : "") + ")");
  }
  FetchResponse response;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  char* content_type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type)
    response.content_type = content_type;
  char* location = nullptr;
  if (status >= 300 && status < 400 &&
      curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
    response.url = location;  // the caller follows it
  response.body = std::move(transfer.body);
  return response;
}

FetchResponse HttpClient::get(const std::string& url, const std::optional<SigningKey>& key,
                              std::string_view accept) const {
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    FetchResponse response = perform("GET", current, "", key, accept);
    bool redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                    response.status == 307 || response.status == 308;
    if (!redirect || response.url.empty()) {
      response.url = current;
      return response;
    }
    if (redirects >= options_.max_redirects)
      throw FetchError(FetchError::Kind::too_many_redirects, "too many redirects from " + url);
    current = response.url;
  }
}

FetchResponse HttpClient::post(const std::string& url, const std::string& body,
                               const SigningKey& key, std::string_view content_type) const {
  FetchResponse response = perform("POST", url, body, key, content_type);
  if (response.url.empty()) response.url = url;
  return response;
}

FetchResponse HttpClient::post_unsigned(const std::string& url, const std::string& body,
                                        const HeaderList& headers) const {
  FetchResponse response = perform("POST", url, body, std::nullopt, "", &headers);
  if (response.url.empty()) response.url = url;
  return response;
}

}  // namespace herd::federation
