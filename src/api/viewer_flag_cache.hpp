// The process's cache of what recent viewers did to statuses: for each signed-in viewer, their
// newest favourites, reblogs and bookmarks (store::KnownFlags: complete from a status id on), so
// that a timeline page asks the database only for its rows and not, per row, whether
// the viewer favourited, reblogged or bookmarked it (store::WithFacts::flags_known_from).
//
// Validity, as the status cache's (api/status_cache.hpp): a read takes a version before it loads
// anything and stores and looks up entries with it. Precise (the default): the cache follows the
// database's cache generation, which moves with every write that does not say what it changes and
// with every write of another process sharing the database: then the cache starts over. A write
// that says what it changes drops the entries of the accounts whose flags it changes
// (store::tags::flags_of, noted by the store where favourites, bookmarks and reblogs are written
// and removed); an entry read before such a drop of its viewer is not stored. Coarse (`precise`
// false): the cache follows Database::generation(), which every committed write moves.
//
// Filled lazily (a viewer's first page loads its entry); bounded in bytes, least recently used
// viewers first out.
#pragma once
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "api/installed_cache.hpp"
#include "core/ids.hpp"
#include "store/invalidation.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

class ViewerFlagCache {
 public:
  // How many of each kind an entry holds (store::known_flags_statement's limit).
  static constexpr int kPerKind = 256;

  explicit ViewerFlagCache(std::size_t max_bytes, bool precise = true)
      : max_bytes_(max_bytes), precise_(precise) {}

  bool precise() const { return precise_; }
  // The version for a read about to load anything, given the database's generation read first
  // (cache_generation() when precise, else generation()): a newer one empties the cache.
  std::uint64_t version(std::uint64_t generation);
  // The viewer's entry, or null (also for a version older than the last emptying).
  std::shared_ptr<const store::KnownFlags> get(Id viewer, std::uint64_t version);
  // Stores an entry read after `version` was taken; refused when the cache was emptied since, or
  // a drop since named the viewer's flags.
  void put(Id viewer, std::uint64_t version, std::shared_ptr<const store::KnownFlags> entry);
  // After a committed write that changed only what these tags name (store/invalidation.hpp).
  void drop(const std::vector<store::CacheTag>& tags);
  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
  };
  Stats stats();

 private:
  struct Entry {
    std::shared_ptr<const store::KnownFlags> value;
    std::size_t size = 0;
    std::list<Id>::iterator position;  // in lru_
  };
  void erase(std::unordered_map<Id, Entry>::iterator it);  // mutex_ held

  std::mutex mutex_;
  std::size_t max_bytes_;
  bool precise_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // every entry belongs to it
  std::uint64_t version_ = 0;     // moves with every emptying and every drop of an account's flags
  std::uint64_t emptied_at_ = 0;  // the version the cache was last emptied at
  std::unordered_map<Id, Entry> entries_;
  std::list<Id> lru_;  // most recently used first
  // The latest drops (their version and the accounts named), for put(); a put from a read older
  // than the oldest kept is refused.
  std::deque<std::pair<std::uint64_t, std::vector<Id>>> drops_;
  std::uint64_t forgotten_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

// The process's viewer flag cache: `herd serve` installs one beside the status cache (get() is
// null while none is; version(db) is ViewerFlagCache::version for a read about to load anything).
InstalledCache<ViewerFlagCache>& viewer_flag_cache();

// The viewer's (non-zero) known flags for a read that took `version` (ViewerFlagCache::version):
// remembered, or read on `c` and remembered. Null when no cache is installed.
std::shared_ptr<const store::KnownFlags> known_flags(store::Connection& c, Id viewer,
                                                     std::uint64_t version);

}  // namespace herd::api
