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
// Bounded in bytes (HERD_STATUS_CACHE_MB), least recently used entries evicted first.
#pragma once
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "store/invalidation.hpp"
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
  std::size_t bytes() const;
};

class StatusCache {
 public:
  explicit StatusCache(std::size_t max_bytes, bool precise = true)
      : max_bytes_(max_bytes), precise_(precise) {}

  bool precise() const { return precise_; }
  // The version for a read about to load its rows, given the database's generation read first
  // (cache_generation() when precise, else generation()): a newer generation than the entries'
  // empties the cache.
  std::uint64_t version(std::uint64_t generation);
  // The entry for this status, or null (also for a version older than the last emptying).
  std::shared_ptr<const RenderedStatus> get(Id status_id, std::uint64_t version);
  // Stores an entry rendered from rows read after `version` was taken; refused when the cache
  // was emptied since, or a drop since names the status or one of the entry's tags.
  void put(Id status_id, std::uint64_t version, std::shared_ptr<const RenderedStatus> entry);
  // After a committed write that changed only what these tags name (store/invalidation.hpp):
  // drops the entries of the statuses named and those holding one of the other tags.
  void drop(const std::vector<store::CacheTag>& tags);
  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
    std::uint64_t clears = 0, drops = 0;  // emptied by a new generation; precise drops
  };
  Stats stats();

 private:
  struct Entry {
    std::shared_ptr<const RenderedStatus> value;
    std::size_t size = 0;
    std::list<Id>::iterator position;  // in lru_
  };
  void erase(std::unordered_map<Id, Entry>::iterator it);  // mutex_ held
  void clear();                                            // mutex_ held

  std::mutex mutex_;
  std::size_t max_bytes_;
  bool precise_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // every entry belongs to it
  std::uint64_t version_ = 0;     // moves with every emptying and every drop
  std::uint64_t emptied_at_ = 0;  // the version the cache was last emptied at
  std::unordered_map<Id, Entry> entries_;
  std::list<Id> lru_;  // most recently used first
  // Which entries hold each tag other than their status's (the accounts they show), so that a
  // drop touches only the entries it removes.
  std::unordered_map<store::CacheTag, std::vector<Id>> index_;
  // The latest drops (their version and sorted tags), for put(); older ones are forgotten, and a
  // put from a read older than the oldest kept is refused.
  std::deque<std::pair<std::uint64_t, std::vector<store::CacheTag>>> drops_;
  std::uint64_t forgotten_ = 0;  // the version of the newest drop forgotten
  std::uint64_t hits_ = 0, misses_ = 0, clears_ = 0, drop_count_ = 0;
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
