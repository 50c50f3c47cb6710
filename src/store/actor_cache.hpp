// Remote accounts by actor URI, as find_account_by_uri() reads them, for the inbox's lookup of
// each activity's actor (a statement and, on PostgreSQL, a round trip per activity otherwise).
//
// An entry is valid while both hold:
//   - Database::cache_generation() is where it was before the entry was read. It moves with every
//     write that does not say what it changes (suspensions, domain blocks, account removals), and
//     with every write of another process sharing the database (store/invalidation.hpp);
//   - no committed write of this process named the account's row (Changes::note_account_row():
//     the store functions that write accounts' rows other than their counts call it, and the
//     change listener passes the tags to drop()).
// A read that a drop of any account overtook is not kept. The counts (statuses_count,
// followers_count, following_count, last_status_at) are those read when the entry was kept: they
// do not drop it (every received post updates its author's). Callers that show an account read it
// again. Local accounts and URIs not found are not kept. Thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/invalidation.hpp"
#include "store/models.hpp"

namespace herd::store {

class ActorCache {
 public:
  explicit ActorCache(std::size_t capacity = 4096);  // entries; then it starts over

  // The account stored under this URI (find_account_by_uri on `db`), from the cache when valid.
  std::optional<Account> find(Database& db, const std::string& uri);
  // Drops the accounts the tags name as tags::account_row(); other tags are ignored.
  void drop(const std::vector<CacheTag>& tags);

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0;
  };
  Stats stats();

 private:
  void clear_locked();

  std::size_t capacity_;
  std::mutex mutex_;
  const Database* database_ = nullptr;  // what the entries were read from
  std::uint64_t generation_ = 0;        // the cache generation they are valid at
  std::uint64_t drops_ = 0;             // accounts dropped so far
  std::unordered_map<std::string, Account> by_uri_;
  std::unordered_map<Id, std::string> uri_of_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace herd::store
