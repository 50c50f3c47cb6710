// A cache of whole GET responses for read-heavy endpoints (timelines but the trending-link one,
// statuses, account statuses, instance, WebFinger, and local actor documents asked as ActivityPub
// JSON unless AUTHORIZED_FETCH makes them depend on the request's signature), keyed by the request
// target, the caller's Authorization header and, outside /api/, the Accept header (content
// negotiation).
//
// Entries are tagged with the database's cache generation (store::Database::cache_generation)
// read before the response was computed; an entry is served only while it is unchanged, so a
// write that does not say what it changes (an admin action, another process's write) makes every
// entry stale at once. Coarse, but never wrong. Bounded in bytes; when full it starts over.
//
// Precise invalidation: each entry keeps the tags (store/invalidation.hpp) noted while it was
// computed (store::Dependencies: the statuses and accounts it loaded, the timeline it reads, the
// signed-in viewer), plus the status its path names (/api/v1/statuses/<id>...), and "other" for
// the routes that read more than tags say (instance, WebFinger, actor documents). A write that
// declares the tags it changes leaves the cache generation alone and drops (drop()) only the
// entries holding one of them. Such drops are counted (changes()); an answer computed from data
// read before a drop that touches it is not stored. Full clears (a new cache generation) and
// precise drops are counted for /metrics.
//
// Single flight: a miss is computed once. The first request that misses a key at a generation
// computes it (Flight::leader()); requests for the same key that miss meanwhile, at the same or
// an older generation and with no drop since the computation started, wait for that answer
// instead of computing it again (an answer computed from data at least as new as what they asked
// for is theirs byte for byte: same target, same Authorization). A request that saw a newer
// generation, or a drop, than the one being computed does not wait for it and computes its own.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "http/request.hpp"
#include "store/invalidation.hpp"

namespace herd::api {

class ResponseCache {
 public:
  // actor_documents: whether local actor documents (/users/<name> asked as ActivityPub JSON) may
  // be cached: not when every fetch must be signed (AUTHORIZED_FETCH).
  explicit ResponseCache(std::size_t max_bytes, bool actor_documents = false)
      : max_bytes_(max_bytes), actor_documents_(actor_documents) {}

  // Whether responses to this request may be cached (GET, cacheable path).
  bool cacheable(const http::Request& request) const;
  static std::string key(const http::Request& request);

  // A hit also gives the route pattern the response was stored with.
  std::optional<http::Response> get(const std::string& key, std::uint64_t generation,
                                    std::string* route = nullptr);
  // Stores a 200 response computed at `generation` by the route `route`, from data read after
  // `changes` drops (changes()), read through the tags `tags` (store/invalidation.hpp).
  void put(const std::string& key, std::uint64_t generation, const http::Response& response,
           const std::string& route = {}, std::uint64_t changes = 0,
           std::vector<store::CacheTag> tags = {});

  // After a committed write that changed only what these tags name (store/invalidation.hpp):
  // drops the entries holding one of them.
  void drop(const std::vector<store::CacheTag>& tags);
  // How many drop() calls so far.
  std::uint64_t changes();

  // One computation of a key in progress, shared by the requests that missed it.
  class Flight {
   public:
    Flight(Flight&&) noexcept;
    Flight& operator=(Flight&&) = delete;
    // Unblocks the waiters with a 500 if the leader never called finish().
    ~Flight();
    // True for the request that computes the answer; the others call wait().
    bool leader() const { return leader_; }
    // The leader's answer (and its route), once computed.
    std::pair<http::Response, std::string> wait();
    // Leader only: stores the answer (put() for a 200), read through `tags`, and wakes the
    // waiters.
    void finish(const http::Response& response, const std::string& route,
                std::vector<store::CacheTag> tags = {});

   private:
    friend class ResponseCache;
    struct State;
    Flight(ResponseCache& cache, std::string key, std::uint64_t generation, std::uint64_t changes,
           std::shared_ptr<State> state, bool leader);
    ResponseCache* cache_;
    std::string key_;
    std::uint64_t generation_;
    std::uint64_t changes_;
    std::shared_ptr<State> state_;
    bool leader_;
  };
  // After a miss at `generation`: joins the computation of `key` in progress at that generation
  // or a newer one and started after the last drop, or starts one (leader).
  Flight join(const std::string& key, std::uint64_t generation);

 private:
  std::mutex mutex_;
  std::size_t max_bytes_;
  bool actor_documents_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;  // all entries belong to this generation
  struct Entry {
    http::Response response;  // body in shared_body
    std::string route;
    std::vector<store::CacheTag> tags;  // sorted
    std::size_t size = 0;
    std::uint64_t serial = 0;  // names it in index_
  };
  std::unordered_map<std::string, Entry> entries_;
  // Which entries hold each tag, so that a drop touches only the entries it removes: tag ->
  // serials, serial -> key. A serial whose entry is gone is skipped (and forgotten with its tag).
  std::unordered_map<store::CacheTag, std::vector<std::uint64_t>> index_;
  std::unordered_map<std::uint64_t, std::string> keys_;
  std::uint64_t next_serial_ = 0;
  std::size_t indexed_ = 0;    // serials in index_, stale ones included
  std::size_t live_tags_ = 0;  // tags of the entries present
  void clear_entries();
  std::uint64_t changes_ = 0;  // drop() calls so far
  // The tags of the latest drops (changes_ - drops_.size() + 1 ... changes_), sorted, to refuse
  // an answer computed from data read before one of them.
  std::deque<std::vector<store::CacheTag>> drops_;
  std::unordered_map<std::string, std::shared_ptr<Flight::State>> flights_;
};

}  // namespace herd::api
