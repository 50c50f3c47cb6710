#include "media/s3.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <ctime>
#include <memory>
#include <mutex>

namespace herd::media {

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string lower(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// Header values are signed trimmed, with runs of spaces folded to one.
std::string trim_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char ch : value) {
    if (ch == ' ' || ch == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The text of an S3 XML error element, "" when absent.
std::string xml_element(const std::string& body, const std::string& name) {
  auto start = body.find("<" + name + ">");
  if (start == std::string::npos) return "";
  start += name.size() + 2;
  auto end = body.find("</" + name + ">", start);
  return end == std::string::npos ? "" : body.substr(start, end - start);
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' ||
        (keep_slash && ch == '/'))
      out += static_cast<char>(ch);
    else
      out += fmt::format("%{:02X}", ch);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

SigV4Result sign_v4(const SigV4Request& r) {
  std::string query;
  for (const auto& [name, value] : r.query)  // std::map: sorted by encoded name for our names
    query += (query.empty() ? "" : "&") + uri_encode(name, false) + "=" + uri_encode(value, false);
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : r.headers) headers[lower(name)] = trim_value(value);
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  SigV4Result out;
  out.canonical_request = r.method + "\n" + r.path + "\n" + query + "\n" + canonical_headers +
                          "\n" + signed_headers + "\n" + r.payload_sha256;
  std::string date = r.amz_date.substr(0, 8);
  std::string scope = date + "/" + r.region + "/" + r.service + "/aws4_request";
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + scope + "\n" + sha256_hex(out.canonical_request);
  std::string key = hmac("AWS4" + r.secret_access_key, date);
  key = hmac(key, r.region);
  key = hmac(key, r.service);
  key = hmac(key, "aws4_request");
  std::string signature = hmac(key, out.string_to_sign);
  out.signature = hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  out.authorization = "AWS4-HMAC-SHA256 Credential=" + r.access_key_id + "/" + scope +
                      ",SignedHeaders=" + signed_headers + ",Signature=" + out.signature;
  return out;
}

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)) {
  endpoint_ = settings_.endpoint.empty() ? "https://s3." + settings_.region + ".amazonaws.com"
                                         : settings_.endpoint;
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  auto scheme = endpoint_.find("://");
  host_ = scheme == std::string::npos ? endpoint_ : endpoint_.substr(scheme + 3);
  host_ = host_.substr(0, host_.find('/'));
}

std::string S3Client::public_url(const std::string& key) const {
  if (!settings_.alias_host.empty())
    return settings_.protocol + "://" + settings_.alias_host + "/" + uri_encode(key, true);
  return endpoint_ + "/" + uri_encode(settings_.bucket, false) + "/" + uri_encode(key, true);
}

S3Client::Reply S3Client::send(const std::string& method, const std::string& key,
                               std::string_view body,
                               const std::map<std::string, std::string>& extra_headers) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string path = "/" + uri_encode(settings_.bucket, false);
  if (!key.empty()) path += "/" + uri_encode(key, true);
  SigV4Request request;
  request.method = method;
  request.path = path;
  request.headers = extra_headers;
  request.headers["host"] = host_;
  request.payload_sha256 = sha256_hex(body);
  request.headers["x-amz-content-sha256"] = request.payload_sha256;
  request.amz_date = amz_date(std::chrono::system_clock::now());
  request.headers["x-amz-date"] = request.amz_date;
  request.region = settings_.region;
  request.access_key_id = settings_.access_key_id;
  request.secret_access_key = settings_.secret_access_key;
  SigV4Result signed_request = sign_v4(request);

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw S3Error(0, "cannot initialise libcurl");
  CURL* h = curl.get();
  std::string url = endpoint_ + path;
  Reply reply;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
  if (method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  struct curl_slist* headers = nullptr;
  std::vector<std::string> lines;
  for (const auto& [name, value] : request.headers)
    if (name != "host") lines.push_back(name + ": " + value);
  lines.push_back("Authorization: " + signed_request.authorization);
  lines.push_back("Expect:");  // no 100-continue round trip
  for (const auto& line : lines) headers = curl_slist_append(headers, line.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (code != CURLE_OK)
    throw S3Error(0,
                  "object storage unreachable at " + endpoint_ + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

void S3Client::fail_with(const std::string& what, const Reply& reply) const {
  std::string code = xml_element(reply.body, "Code"), message = xml_element(reply.body, "Message");
  std::string detail = code.empty() ? "HTTP " + std::to_string(reply.status)
                                    : code + (message.empty() ? "" : ": " + message);
  throw S3Error(static_cast<int>(reply.status),
                fmt::format("object storage refused {} (bucket {} at {}): {}", what,
                            settings_.bucket, endpoint_, detail));
}

void S3Client::put(const std::string& key, std::string_view bytes,
                   const std::string& content_type) {
  std::map<std::string, std::string> headers = {
      {"content-type", content_type.empty() ? "application/octet-stream" : content_type},
      {"cache-control", "public, max-age=315576000, immutable"}};
  if (!settings_.permission.empty()) headers["x-amz-acl"] = settings_.permission;
  Reply reply = send("PUT", key, bytes, headers);
  if (reply.status < 200 || reply.status >= 300) fail_with("PUT " + key, reply);
}

std::optional<std::string> S3Client::get(const std::string& key) {
  Reply reply = send("GET", key, "", {});
  if (reply.status == 404) return std::nullopt;
  if (reply.status < 200 || reply.status >= 300) fail_with("GET " + key, reply);
  return std::move(reply.body);
}

void S3Client::remove(const std::string& key) {
  Reply reply = send("DELETE", key, "", {});
  if (reply.status == 404) return;
  if (reply.status < 200 || reply.status >= 300) fail_with("DELETE " + key, reply);
}

void S3Client::check() {
  // HEAD has no body to carry S3's error code: list at most one key instead.
  Reply reply = send("GET", "", "", {});
  if (reply.status < 200 || reply.status >= 300) fail_with("the bucket", reply);
}

}  // namespace herd::media
