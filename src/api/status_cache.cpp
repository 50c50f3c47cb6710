#include "api/status_cache.hpp"

#include <atomic>

namespace herd::api {

std::size_t RenderedStatus::bytes() const {
  std::size_t n = sizeof(RenderedStatus) + head.size() + tail.size() + author_domain.size();
  for (const auto& d : media_descriptions) n += sizeof(std::string) + d.size();
  if (poll)
    for (const auto& option : poll->options) n += sizeof(option) + option.title.size();
  if (quote) n += quote->uri.size() + quote->quoted_uri.size() + 256;
  n += tags.size() * sizeof(store::CacheTag);
  return n;
}

std::shared_ptr<const RenderedStatus> StatusCache::get(Id status_id, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation > generation_) {
    clear();
    generation_ = generation;
  }
  auto it = entries_.find(status_id);
  if (it == entries_.end() || generation < generation_) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.value;
}

void StatusCache::put(Id status_id, std::uint64_t generation,
                      std::shared_ptr<const RenderedStatus> entry) {
  std::size_t size = entry->bytes() + 64;  // the map's and the list's nodes
  std::lock_guard lock(mutex_);
  if (generation > generation_) {
    clear();
    generation_ = generation;
  }
  if (generation < generation_ || size > max_bytes_) return;
  if (auto it = entries_.find(status_id); it != entries_.end()) erase(it);
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(entries_.find(lru_.back()));
  lru_.push_front(status_id);
  entries_.emplace(status_id, Entry{std::move(entry), size, lru_.begin()});
  bytes_ += size;
}

StatusCache::Stats StatusCache::stats() {
  std::lock_guard lock(mutex_);
  return Stats{hits_, misses_, entries_.size(), bytes_};
}

void StatusCache::erase(std::unordered_map<Id, Entry>::iterator it) {
  bytes_ -= it->second.size;
  lru_.erase(it->second.position);
  entries_.erase(it);
}

void StatusCache::clear() {
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
}

namespace {
std::atomic<StatusCache*> installed{nullptr};
}

StatusCache* status_cache() {
  return installed.load(std::memory_order_acquire);
}

void install_status_cache(StatusCache* cache) {
  installed.store(cache, std::memory_order_release);
}

}  // namespace herd::api
