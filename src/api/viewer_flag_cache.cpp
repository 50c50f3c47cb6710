#include "api/viewer_flag_cache.hpp"

#include <algorithm>

#include "store/database.hpp"

namespace herd::api {

std::uint64_t ViewerFlagCache::version(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation > generation_) {
    entries_.clear();
    lru_.clear();
    bytes_ = 0;
    generation_ = generation;
    emptied_at_ = ++version_;
  }
  return version_;
}

std::shared_ptr<const store::KnownFlags> ViewerFlagCache::get(Id viewer, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(viewer);
  if (it == entries_.end() || version < emptied_at_) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.value;
}

void ViewerFlagCache::put(Id viewer, std::uint64_t version,
                          std::shared_ptr<const store::KnownFlags> entry) {
  std::size_t size = entry->bytes() + 64;  // the map's and list's nodes
  std::lock_guard lock(mutex_);
  if (version < emptied_at_ || version < forgotten_ || size > max_bytes_) return;
  for (auto drop = drops_.rbegin(); drop != drops_.rend() && drop->first > version; ++drop)
    if (std::find(drop->second.begin(), drop->second.end(), viewer) != drop->second.end())
      return;  // read before that write's flags
  if (auto it = entries_.find(viewer); it != entries_.end()) erase(it);
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(entries_.find(lru_.back()));
  lru_.push_front(viewer);
  entries_.emplace(viewer, Entry{std::move(entry), size, lru_.begin()});
  bytes_ += size;
}

void ViewerFlagCache::drop(const std::vector<store::CacheTag>& tags) {
  std::vector<Id> accounts;
  for (store::CacheTag tag : tags)
    if (store::tags::is_flags_of(tag)) accounts.push_back(store::tags::account_of(tag));
  if (accounts.empty()) return;
  std::lock_guard lock(mutex_);
  for (Id account : accounts)
    if (auto it = entries_.find(account); it != entries_.end()) erase(it);
  drops_.emplace_back(++version_, std::move(accounts));
  if (drops_.size() > 64) {
    forgotten_ = drops_.front().first;
    drops_.pop_front();
  }
}

ViewerFlagCache::Stats ViewerFlagCache::stats() {
  std::lock_guard lock(mutex_);
  return Stats{hits_, misses_, entries_.size(), bytes_};
}

void ViewerFlagCache::erase(std::unordered_map<Id, Entry>::iterator it) {
  bytes_ -= it->second.size;
  lru_.erase(it->second.position);
  entries_.erase(it);
}

InstalledCache<ViewerFlagCache>& viewer_flag_cache() {
  static InstalledCache<ViewerFlagCache> installed;
  return installed;
}

std::shared_ptr<const store::KnownFlags> known_flags(store::Connection& c, Id viewer,
                                                     std::uint64_t version) {
  ViewerFlagCache* cache = viewer_flag_cache().get();
  if (!cache) return nullptr;
  if (auto known = cache->get(viewer, version)) return known;
  store::Statement statement = store::known_flags_statement(viewer, ViewerFlagCache::kPerKind);
  auto entry = std::make_shared<const store::KnownFlags>(
      store::known_flags_from(c.query(statement.sql, statement.params), ViewerFlagCache::kPerKind));
  cache->put(viewer, version, entry);
  return entry;
}

}  // namespace herd::api
