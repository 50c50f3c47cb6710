// A cache of whole GET responses for read-heavy endpoints (timelines, statuses, account
// statuses, instance), keyed by the request target and the caller's Authorization header.
//
// Entries are tagged with the database generation (store::Database::generation) read before the
// response was computed; an entry is served only while the generation is unchanged, so any
// committed write (a post, a favourite, a follow, a revoked token) makes every entry stale at
// once. Coarse, but never wrong, and free of per-entity invalidation rules. Bounded in bytes;
// when full it starts over.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/request.hpp"

namespace herd::api {

class ResponseCache {
 public:
  explicit ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Whether responses to this request may be cached (GET, cacheable path).
  static bool cacheable(const http::Request& request);
  static std::string key(const http::Request& request);

  // A hit also gives the route pattern the response was stored with.
  std::optional<http::Response> get(const std::string& key, std::uint64_t generation,
                                    std::string* route = nullptr);
  // Stores a 200 response computed at `generation` by the route `route`.
  void put(const std::string& key, std::uint64_t generation, const http::Response& response,
           const std::string& route = {});

 private:
  std::mutex mutex_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // all entries belong to this generation
  struct Entry {
    http::Response response;  // body in shared_body
    std::string route;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace herd::api
