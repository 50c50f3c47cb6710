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
// viewers first out. The versions, the drops and the bound are VersionedLru's
// (api/versioned_lru.hpp), shared with the status cache.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "api/installed_cache.hpp"
#include "api/versioned_lru.hpp"
#include "core/ids.hpp"
#include "store/invalidation.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

// What the viewer flag cache holds (api/versioned_lru.hpp): entries by viewer, named by the
// viewer's flags tag (tags::flags_of) and by nothing else.
struct ViewerFlagEntries : NoTagIndex {
  using Value = store::KnownFlags;
  static store::CacheTag tag_of(Id viewer) { return store::tags::flags_of(viewer); }
  static std::optional<Id> key_of(store::CacheTag tag) {
    if (!store::tags::is_flags_of(tag)) return std::nullopt;
    return store::tags::account_of(tag);
  }
  static bool concerns(store::CacheTag tag) { return store::tags::is_flags_of(tag); }
  static std::size_t bytes(const store::KnownFlags& entry) {
    return entry.bytes() + 64;  // the map's and list's nodes
  }
  static std::span<const store::CacheTag> tags(const store::KnownFlags&) { return {}; }
};

extern template class VersionedLru<ViewerFlagEntries>;  // in viewer_flag_cache.cpp

// The viewer flag cache: ViewerFlagCache::version, get, put, drop and stats are VersionedLru's.
class ViewerFlagCache : public VersionedLru<ViewerFlagEntries> {
 public:
  // How many of each kind an entry holds (store::known_flags_statement's limit).
  static constexpr int kPerKind = 256;

  using VersionedLru::VersionedLru;
};

// The process's viewer flag cache: `herd serve` installs one beside the status cache (get() is
// null while none is; version(db) is ViewerFlagCache::version for a read about to load anything).
InstalledCache<ViewerFlagCache>& viewer_flag_cache();

// The viewer's (non-zero) known flags for a read that took `version` (ViewerFlagCache::version):
// remembered, or read on `c` and remembered. Null when no cache is installed.
std::shared_ptr<const store::KnownFlags> known_flags(store::Connection& c, Id viewer,
                                                     std::uint64_t version);

}  // namespace herd::api
