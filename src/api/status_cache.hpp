// The process's cache of statuses rendered as JSON text, as Mastodon caches status JSON: what a
// Status entity shows that is the same for every viewer, so that a page of statuses is assembled
// from text instead of being loaded (accounts, mentions, tags, media, polls, cards, applications,
// quotes) and built as JSON objects again. What depends on the viewer or on the moment (favourited,
// reblogged, bookmarked, muted, pinned, filtered, the poll's voted/own_votes/expired, the quote's
// state for the viewer, quote_approval's current_user) and the counts (which favourites and
// bookmarks change without moving the generation, store/invalidation.hpp) are filled in for each
// request by StatusRenderer::render_json, from the status row loaded with the page.
//
// Validity: entries belong to one database generation (store::Database::generation, read before
// the rows they were rendered from), which every committed write moves, in every process sharing
// the database (other processes' writes are seen as the response cache sees them): the next
// lookup after any write empties the cache. Coarse, but it holds whatever a write changes (an
// edit, a post, a vote, a profile, media, cards, emojis, moderation); precise invalidation is the
// response cache's (store/invalidation.hpp). An entry keeps the tags its rendering was read
// through (the accounts it shows), and a page assembled from it notes them
// (store::Dependencies) as loading them would, so that the response cache drops that page when
// one of those accounts changes.
//
// Bounded in bytes (HERD_STATUS_CACHE_MB), least recently used entries evicted first.
#pragma once
#include <cstdint>
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
  explicit StatusCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for this status, valid at `generation` (read before the caller's rows), or null.
  // A newer generation than the entries' empties the cache.
  std::shared_ptr<const RenderedStatus> get(Id status_id, std::uint64_t generation);
  // Stores an entry rendered from data read after `generation` was read; refused when the cache
  // already moved to a newer generation.
  void put(Id status_id, std::uint64_t generation, std::shared_ptr<const RenderedStatus> entry);
  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
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
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // every entry belongs to it
  std::unordered_map<Id, Entry> entries_;
  std::list<Id> lru_;  // most recently used first
  std::uint64_t hits_ = 0, misses_ = 0;
};

// The process's status cache (`herd serve` installs one unless HERD_STATUS_CACHE_MB is 0), or
// null: then every status is rendered from its rows.
StatusCache* status_cache();
// Installs `cache` (null: none) for the process; the caller keeps it alive while installed.
void install_status_cache(StatusCache* cache);

}  // namespace herd::api
