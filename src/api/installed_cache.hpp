// A cache installed for the whole process by `herd serve` (null while none is), and the version a
// read takes from it: the caches that follow the database's cache generation when they are told of
// precise drops, else its generation (api/status_cache.hpp, api/viewer_flag_cache.hpp).
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>

#include "store/database.hpp"

namespace herd::api {

template <typename Cache>
class InstalledCache {
 public:
  Cache* get() const { return cache_.load(std::memory_order_acquire); }
  void install(Cache* cache) { cache_.store(cache, std::memory_order_release); }
  // Cache::version for a read of `db` about to load anything, or none when no cache is installed.
  std::optional<std::uint64_t> version(store::Database& db) const {
    Cache* cache = get();
    if (!cache) return std::nullopt;
    return cache->version(cache->precise() ? db.cache_generation() : db.generation());
  }

 private:
  std::atomic<Cache*> cache_{nullptr};
};

}  // namespace herd::api
