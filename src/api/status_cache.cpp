#include "api/status_cache.hpp"

#include <algorithm>

#include "api/installed_cache.hpp"
#include "store/database.hpp"

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

namespace {
// Whether tags[i] is its first occurrence (an entry's tags may repeat an account).
bool first_of(const std::vector<store::CacheTag>& tags, std::size_t i) {
  return std::find(tags.begin(), tags.begin() + static_cast<std::ptrdiff_t>(i), tags[i]) ==
         tags.begin() + static_cast<std::ptrdiff_t>(i);
}
}  // namespace

std::uint64_t StatusCache::version(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation > generation_) {
    clear();
    generation_ = generation;
    emptied_at_ = ++version_;
    ++clears_;
  }
  return version_;
}

std::shared_ptr<const RenderedStatus> StatusCache::get(Id status_id, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(status_id);
  if (it == entries_.end() || version < emptied_at_) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.value;
}

void StatusCache::put(Id status_id, std::uint64_t version,
                      std::shared_ptr<const RenderedStatus> entry) {
  std::size_t size = entry->bytes() + 64 + entry->tags.size() * sizeof(Id);  // nodes, index
  std::lock_guard lock(mutex_);
  if (version < emptied_at_ || version < forgotten_ || size > max_bytes_) return;
  for (auto drop = drops_.rbegin(); drop != drops_.rend() && drop->first > version; ++drop) {
    const auto& tags = drop->second;
    auto named = [&](store::CacheTag tag) {
      return std::binary_search(tags.begin(), tags.end(), tag);
    };
    if (named(store::tags::status(status_id)) ||
        std::any_of(entry->tags.begin(), entry->tags.end(), named))
      return;  // rendered from rows older than that write
  }
  if (auto it = entries_.find(status_id); it != entries_.end()) erase(it);
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(entries_.find(lru_.back()));
  for (std::size_t i = 0; i < entry->tags.size(); ++i)
    if (first_of(entry->tags, i)) index_[entry->tags[i]].push_back(status_id);
  lru_.push_front(status_id);
  entries_.emplace(status_id, Entry{std::move(entry), size, lru_.begin()});
  bytes_ += size;
}

void StatusCache::drop(const std::vector<store::CacheTag>& tags) {
  std::vector<store::CacheTag> sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::lock_guard lock(mutex_);
  ++drop_count_;
  for (store::CacheTag tag : sorted) {
    if (store::tags::is_status(tag)) {
      if (auto it = entries_.find(static_cast<Id>(tag)); it != entries_.end()) erase(it);
    } else if (auto holders = index_.find(tag); holders != index_.end()) {
      std::vector<Id> ids = std::move(holders->second);
      index_.erase(holders);
      for (Id id : ids)
        if (auto it = entries_.find(id); it != entries_.end()) erase(it);
    }
  }
  drops_.emplace_back(++version_, std::move(sorted));
  if (drops_.size() > 64) {
    forgotten_ = drops_.front().first;
    drops_.pop_front();
  }
}

StatusCache::Stats StatusCache::stats() {
  std::lock_guard lock(mutex_);
  return Stats{hits_, misses_, entries_.size(), bytes_, clears_, drop_count_};
}

void StatusCache::erase(std::unordered_map<Id, Entry>::iterator it) {
  const auto& tags = it->second.value->tags;
  for (std::size_t i = 0; i < tags.size(); ++i)  // its places in the index
    if (auto holders = index_.find(tags[i]); first_of(tags, i) && holders != index_.end()) {
      auto& ids = holders->second;
      if (auto at = std::find(ids.begin(), ids.end(), it->first); at != ids.end()) {
        *at = ids.back();
        ids.pop_back();
      }
      if (ids.empty()) index_.erase(holders);
    }
  bytes_ -= it->second.size;
  lru_.erase(it->second.position);
  entries_.erase(it);
}

void StatusCache::clear() {
  entries_.clear();
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

namespace {
InstalledCache<StatusCache> installed;
}

StatusCache* status_cache() {
  return installed.get();
}

void install_status_cache(StatusCache* cache) {
  installed.install(cache);
}

std::optional<std::uint64_t> status_cache_version(store::Database& db) {
  return installed.version(db);
}

}  // namespace herd::api
