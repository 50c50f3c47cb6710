// A process cache of values by id that follows the database and is told of precise drops: what
// the status cache (api/status_cache.hpp) and the viewer flag cache (api/viewer_flag_cache.hpp)
// are made of.
//
// Versions: a read takes a version (version(), given the database's generation read first:
// Database::cache_generation() when the cache is told of precise drops, else generation()) before
// it loads anything, and looks up and stores entries with it. A generation newer than the
// entries' empties the cache. A drop (drop(): after a committed write that changed only what its
// tags name, store/invalidation.hpp) removes the entries those tags name, by key or through the
// policy's index, and is logged: a put of a value read before a logged drop that names its key or
// one of its tags is refused (it was read from rows older than that write), and so is a put older
// than the oldest drop still logged (the last kDropsKept) or than the last emptying.
//
// Bounded in bytes, least recently used entries evicted first. One mutex: get() takes it once and
// allocates nothing; put() and drop() compute what they can (sizes, sorted tags) before taking it.
//
// The Policy says what one cache holds and how tags reach its entries:
//   using Value = ...;                                    what an entry holds (kept as
//                                                         shared_ptr<const Value>)
//   static store::CacheTag tag_of(Id key);                the tag naming an entry by its key
//   static std::optional<Id> key_of(store::CacheTag);     the key a tag names, if it names one
//   static bool concerns(store::CacheTag);                whether a drop of this tag is this
//                                                         cache's (others are ignored, unlogged)
//   static std::size_t bytes(const Value&);               what an entry costs, its nodes included
//   static std::span<const store::CacheTag> tags(const Value&);
//                                                         the other tags it was read through (a
//                                                         logged drop of one refuses its put)
//   and the hook for the entries a tag other than their key's names (NoTagIndex: none), called
//   with the mutex held:
//   void added(Id key, const Value&); void removed(Id key, const Value&); void cleared();
//   template <typename Erase> void take_holders(store::CacheTag tag, Erase erase);
//                                                         calls erase(key) for each entry holding
//                                                         a tag that names no key, and forgets them
#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "store/invalidation.hpp"

namespace herd::api {

// The hook of a cache whose entries are named by their key's tag alone.
struct NoTagIndex {
  template <typename Value>
  void added(Id, const Value&) {}
  template <typename Value>
  void removed(Id, const Value&) {}
  void cleared() {}
  template <typename Erase>
  void take_holders(store::CacheTag, Erase) {}
};

template <typename Policy>
class VersionedLru {
 public:
  using Value = typename Policy::Value;
  // How many of the latest drops are logged for put().
  static constexpr std::size_t kDropsKept = 64;

  explicit VersionedLru(std::size_t max_bytes, bool precise = true)
      : max_bytes_(max_bytes), precise_(precise) {}
  VersionedLru(const VersionedLru&) = delete;
  VersionedLru& operator=(const VersionedLru&) = delete;

  // Whether the cache is told of precise drops (then it follows Database::cache_generation(),
  // else Database::generation()).
  bool precise() const { return precise_; }
  // The version for a read about to load anything, given the database's generation read first: a
  // newer generation than the entries' empties the cache.
  std::uint64_t version(std::uint64_t generation);
  // The entry for this key, or null (also for a version older than the last emptying).
  std::shared_ptr<const Value> get(Id key, std::uint64_t version);
  // The same, not counted as a hit or a miss (a page that may yet read its rows and look its
  // statuses up again with get(): api/held_page.hpp).
  std::shared_ptr<const Value> peek(Id key, std::uint64_t version);
  // peek() of each key, in order (null where absent), under one lock.
  std::vector<std::shared_ptr<const Value>> peek_all(const std::vector<Id>& keys,
                                                     std::uint64_t version);
  // Counts as get() would the entries of these keys taken with peek() and used after all (a page
  // assembled from the entries it held: api/held_page.hpp): a hit each, the ones still there
  // moved to the front; under one lock.
  void touch(const std::vector<Id>& keys);
  // Stores a value read after `version` was taken; refused when the cache was emptied since, a
  // logged drop since names the key or one of the value's tags, or it is larger than the cache.
  void put(Id key, std::uint64_t version, std::shared_ptr<const Value> value);
  // After a committed write that changed only what these tags name: drops the entries named by
  // key and those the policy's index finds for the other tags (those the policy is concerned
  // with; a drop of none of them changes nothing).
  void drop(const std::vector<store::CacheTag>& tags);

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
    std::uint64_t clears = 0, drops = 0;  // emptied by a new generation; precise drops logged
  };
  Stats stats();

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    std::size_t size = 0;
    typename std::list<Id>::iterator position;  // in lru_
  };
  using Entries = std::unordered_map<Id, Entry>;
  // Empties the cache for a newer generation (out of line: version() stays as short as a
  // lookup). mutex_ held.
  [[gnu::noinline]] void start_over(std::uint64_t generation);
  void erase(typename Entries::iterator it);  // mutex_ held
  void erase(Id key) {                        // mutex_ held
    if (auto it = entries_.find(key); it != entries_.end()) erase(it);
  }

  std::mutex mutex_;
  std::size_t max_bytes_;
  bool precise_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // every entry belongs to it
  std::uint64_t version_ = 0;     // moves with every emptying and every logged drop
  std::uint64_t emptied_at_ = 0;  // the version the cache was last emptied at
  Entries entries_;
  std::list<Id> lru_;  // most recently used first
  Policy policy_;      // its index of the entries' other tags, if any
  // The latest drops (their version and sorted tags), for put(); older ones are forgotten, and a
  // put from a read older than the oldest kept is refused.
  std::deque<std::pair<std::uint64_t, std::vector<store::CacheTag>>> drops_;
  std::uint64_t forgotten_ = 0;  // the version of the newest drop forgotten
  std::uint64_t hits_ = 0, misses_ = 0, clears_ = 0, drop_count_ = 0;
};

template <typename Policy>
std::uint64_t VersionedLru<Policy>::version(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation > generation_) [[unlikely]]
    start_over(generation);
  return version_;
}

template <typename Policy>
void VersionedLru<Policy>::start_over(std::uint64_t generation) {
  entries_.clear();
  lru_.clear();
  policy_.cleared();
  bytes_ = 0;
  generation_ = generation;
  emptied_at_ = ++version_;
  ++clears_;
}

template <typename Policy>
auto VersionedLru<Policy>::get(Id key, std::uint64_t version) -> std::shared_ptr<const Value> {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || version < emptied_at_) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.value;
}

template <typename Policy>
auto VersionedLru<Policy>::peek(Id key, std::uint64_t version) -> std::shared_ptr<const Value> {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || version < emptied_at_) return nullptr;
  return it->second.value;
}

template <typename Policy>
auto VersionedLru<Policy>::peek_all(const std::vector<Id>& keys, std::uint64_t version)
    -> std::vector<std::shared_ptr<const Value>> {
  std::vector<std::shared_ptr<const Value>> out(keys.size());
  std::lock_guard lock(mutex_);
  if (version < emptied_at_) return out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (auto it = entries_.find(keys[i]); it != entries_.end()) out[i] = it->second.value;
  return out;
}

template <typename Policy>
void VersionedLru<Policy>::touch(const std::vector<Id>& keys) {
  std::lock_guard lock(mutex_);
  hits_ += keys.size();
  for (Id key : keys)
    if (auto it = entries_.find(key); it != entries_.end())
      lru_.splice(lru_.begin(), lru_, it->second.position);
}

template <typename Policy>
void VersionedLru<Policy>::put(Id key, std::uint64_t version, std::shared_ptr<const Value> value) {
  const std::size_t size = Policy::bytes(*value);
  const std::span<const store::CacheTag> tags = Policy::tags(*value);
  std::lock_guard lock(mutex_);
  if (version < emptied_at_ || version < forgotten_ || size > max_bytes_) return;
  for (auto drop = drops_.rbegin(); drop != drops_.rend() && drop->first > version; ++drop) {
    const auto& dropped = drop->second;
    auto named = [&](store::CacheTag tag) {
      return std::binary_search(dropped.begin(), dropped.end(), tag);
    };
    if (named(Policy::tag_of(key)) || std::any_of(tags.begin(), tags.end(), named))
      return;  // read from rows older than that write
  }
  erase(key);
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(entries_.find(lru_.back()));
  policy_.added(key, *value);
  lru_.push_front(key);
  entries_.emplace(key, Entry{std::move(value), size, lru_.begin()});
  bytes_ += size;
}

template <typename Policy>
void VersionedLru<Policy>::drop(const std::vector<store::CacheTag>& tags) {
  std::vector<store::CacheTag> sorted;
  sorted.reserve(tags.size());
  for (store::CacheTag tag : tags)
    if (Policy::concerns(tag)) sorted.push_back(tag);
  if (sorted.empty()) return;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::lock_guard lock(mutex_);
  ++drop_count_;
  for (store::CacheTag tag : sorted) {
    if (std::optional<Id> key = Policy::key_of(tag))
      erase(*key);
    else
      policy_.take_holders(tag, [this](Id holder) { erase(holder); });
  }
  drops_.emplace_back(++version_, std::move(sorted));
  if (drops_.size() > kDropsKept) {
    forgotten_ = drops_.front().first;
    drops_.pop_front();
  }
}

template <typename Policy>
auto VersionedLru<Policy>::stats() -> Stats {
  std::lock_guard lock(mutex_);
  return Stats{hits_, misses_, entries_.size(), bytes_, clears_, drop_count_};
}

template <typename Policy>
void VersionedLru<Policy>::erase(typename Entries::iterator it) {
  policy_.removed(it->first, *it->second.value);
  bytes_ -= it->second.size;
  lru_.erase(it->second.position);
  entries_.erase(it);
}

}  // namespace herd::api
