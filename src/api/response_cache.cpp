#include "api/response_cache.hpp"

namespace herd::api {

bool ResponseCache::cacheable(const http::Request& request) {
  if (request.method != "GET") return false;
  const std::string& p = request.path;
  auto starts = [&](std::string_view prefix) { return p.compare(0, prefix.size(), prefix) == 0; };
  if (starts("/api/v1/timelines/")) return true;
  if (starts("/api/v1/statuses/")) return true;
  if (p == "/api/v1/instance" || p == "/api/v2/instance") return true;
  if (starts("/api/v1/accounts/") && p.size() > 9 && p.compare(p.size() - 9, 9, "/statuses") == 0)
    return true;
  return false;
}

std::string ResponseCache::key(const http::Request& request) {
  std::string key = request.target;
  key += '\n';
  key += request.header("authorization");
  return key;
}

std::optional<http::Response> ResponseCache::get(const std::string& key, std::uint64_t generation,
                                                 std::string* route) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return std::nullopt;
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (route) *route = it->second.route;
  return it->second.response;
}

void ResponseCache::put(const std::string& key, std::uint64_t generation,
                        const http::Response& response, const std::string& route) {
  if (response.status != 200) return;
  std::size_t size = key.size() + response.body.size() + 256;
  if (size > max_bytes_ / 4) return;
  std::lock_guard lock(mutex_);
  if (generation < generation_) return;  // computed before a newer write: already stale
  if (generation > generation_ || bytes_ + size > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
    generation_ = generation;
  }
  http::Response stored = response;
  stored.shared_body = std::make_shared<const std::string>(std::move(stored.body));
  stored.body.clear();
  auto [it, inserted] = entries_.emplace(key, Entry{std::move(stored), route});
  if (inserted) bytes_ += size;
}

}  // namespace herd::api
