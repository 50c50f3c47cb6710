// The process's cache of statuses rendered as JSON text, as Mastodon caches status JSON: what a
// Status entity shows that is the same for every viewer, so that a page of statuses is assembled
// from text instead of being loaded (accounts, mentions, tags, media, polls, cards, applications,
// quotes) and built as JSON objects again. What depends on the viewer or on the moment (favourited,
// reblogged, bookmarked, muted, pinned, filtered, the poll's voted/own_votes/expired, the quote's
// state for the viewer, quote_approval's current_user) and the counts (which favourites and
// bookmarks change without moving the generation, store/invalidation.hpp) are filled in for each
// request by StatusRenderer::render_json, from the status row loaded with the page.
//
// Validity: a read takes a version (status_cache_version, before it loads its rows) and stores
// and looks up entries with it. Precise (the default): the cache follows the database's cache
// generation (store::Database::cache_generation), which moves with every write that does not say
// what it changes and with every write of another process sharing the database: then the cache
// starts over. A write that says what it changes (store/invalidation.hpp: a post, a favourite, an
// edit, a delete, a follow, an inbound activity...) drops only the entries holding one of its
// tags (drop(), called after its commit by the process's change listener): an entry holds its
// status's tag and the tags of the accounts it shows (author, mentions), and those are what a
// write changing its text names (the status for an edit, a card, a quote's state; the account for
// a profile or its counts). An entry rendered from rows read before a drop that touches it is not
// stored. Coarse (`precise` false, HERD_PRECISE_INVALIDATION=responses or none): the cache
// follows Database::generation(), which every committed write moves. An entry keeps the tags its
// rendering was read through (the accounts it shows), and a page assembled from it notes them
// (store::Dependencies) as loading them would, so that the response cache drops that page when
// one of those accounts changes.
//
// Bounded in bytes (HERD_STATUS_CACHE_MB), least recently used entries evicted first. The
// versions, the drops and the bound are VersionedLru's (api/versioned_lru.hpp), shared with the
// viewer flag cache; the index from account tags to entries is the status cache's own.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/versioned_lru.hpp"
#include "core/ids.hpp"
#include "store/invalidation.hpp"
#include "store/models.hpp"
#include "store/polls.hpp"
#include "store/quotes.hpp"

namespace herd::store {
class Database;
}

namespace herd::api {

// A status's viewer-independent rendering: text cut from the Status entity as
// boost::json::serialize writes it (keys in the entity's order), and the rows the per-request
// parts are made from.
struct RenderedStatus {
  // `"id":...` through `"application":...`, comma-separated, without braces.
  std::string head;
  // `"card":...,"language":...,"text":null`.
  std::string tail;
  std::optional<store::Poll> poll;
  std::optional<store::Quote> quote;            // the quote this status makes
  std::string author_domain;                    // for the poll's emojis
  std::vector<std::string> media_descriptions;  // for the viewer's filters
  std::vector<store::CacheTag> tags;            // what it was read from besides its row
  // What the page's visibility check and per-request fields read, held so that a page whose
  // statuses are all held asks the database only for their ids (api/held_page.hpp): the status
  // row it was rendered from (every write of a status row names its status: its entry is then
  // dropped), whether its author's row existed and was suspended then (a write of an account
  // names the account, whose tag the entry holds, or empties the cache), and the accounts it
  // mentions (none for a reblog wrapper, whose mentions are not loaded: `mentions_loaded`).
  store::Status row;
  bool author_exists = false, author_suspended = false, mentions_loaded = false;
  std::vector<Id> mentioned;
  std::size_t bytes() const;
};

// The status cache entries a page's rows were taken from (api/held_page.hpp), by status id: the
// page is rendered from the same entries (StatusRenderer::use_held_entries), not looked up again.
using HeldEntries = std::unordered_map<Id, std::shared_ptr<const RenderedStatus>>;

// What the status cache holds (api/versioned_lru.hpp): entries by status id, named by the
// status's tag; an entry also holds the tags of the accounts it shows, and an index from those to
// the entries, so that a drop of an account's tag walks only the entries it removes.
class StatusEntries {
 public:
  using Value = RenderedStatus;
  static store::CacheTag tag_of(Id status_id) { return store::tags::status(status_id); }
  static std::optional<Id> key_of(store::CacheTag tag) {
    if (!store::tags::is_status(tag)) return std::nullopt;
    return static_cast<Id>(tag);
  }
  static bool concerns(store::CacheTag) { return true; }
  static std::size_t bytes(const RenderedStatus& entry) {
    return entry.bytes() + 64 + entry.tags.size() * sizeof(Id);  // the nodes, the index
  }
  static std::span<const store::CacheTag> tags(const RenderedStatus& entry) { return entry.tags; }

  void added(Id status_id, const RenderedStatus& entry);
  void removed(Id status_id, const RenderedStatus& entry);
  void cleared() { index_.clear(); }
  template <typename Erase>
  void take_holders(store::CacheTag tag, Erase erase) {
    auto holders = index_.find(tag);
    if (holders == index_.end()) return;
    std::vector<Id> ids = std::move(holders->second);
    index_.erase(holders);
    for (Id id : ids) erase(id);
  }

 private:
  // Which entries hold each tag other than their status's (the accounts they show).
  std::unordered_map<store::CacheTag, std::vector<Id>> index_;
};

extern template class VersionedLru<StatusEntries>;  // in status_cache.cpp

// The status cache: StatusCache::version, get, put, drop and stats are VersionedLru's.
class StatusCache : public VersionedLru<StatusEntries> {
 public:
  using VersionedLru::VersionedLru;
};

// The process's status cache (`herd serve` installs one unless HERD_STATUS_CACHE_MB is 0), or
// null: then every status is rendered from its rows.
StatusCache* status_cache();
// The version (StatusCache::version) for a read of `db` about to load its rows, or none when no
// status cache is installed.
std::optional<std::uint64_t> status_cache_version(store::Database& db);
// Installs `cache` (null: none) for the process; the caller keeps it alive while installed.
void install_status_cache(StatusCache* cache);

}  // namespace herd::api
