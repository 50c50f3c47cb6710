#include "grid/http_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace herd::grid {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return value;
}

std::string HttpResult::error_message() const {
  auto value = json();
  if (value.is_object()) {
    if (auto* error = value.as_object().if_contains("error"); error && error->is_string())
      return std::string(error->as_string());
  }
  if (body.empty()) return "HTTP " + std::to_string(status);
  return body.substr(0, 300);
}

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::string& json_body, const HttpOptions& options) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw HttpUnreachable("cannot initialise libcurl");
  HttpResult result;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(options.timeout_ms, 5000L));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &result.body);
  if (method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!json_body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, json_body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(json_body.size()));
  }
  std::string auth = "Authorization: Bearer " + options.bearer;
  if (!options.bearer.empty()) headers = curl_slist_append(headers, auth.c_str());
  std::string host = "Host: " + options.host_header;
  if (!options.host_header.empty()) headers = curl_slist_append(headers, host.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (code != CURLE_OK)
    throw HttpUnreachable("cannot reach " + url + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace herd::grid
