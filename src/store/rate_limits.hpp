// Rate-limit counters shared by every `herd serve` on one database (table rate_limits): a count
// per key until the key expires. Written through Database::write_unversioned (no cached response
// depends on them).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace herd::store {

struct RateCount {
  std::string key;
  std::int64_t count = 0;
  std::int64_t expires_at = 0;  // unix ms; an expired row counts as absent
  std::int64_t updated_at = 0;  // unix ms of the last addition
};

// Adds `add` to the key's count (a key absent or expired at `now` starts from zero with the
// given expiry) and returns the count after the addition. add may be 0 (reads the count).
std::int64_t add_rate_count(Connection& c, const std::string& key, std::int64_t add,
                            std::int64_t expires_at, std::int64_t now);
// The key's row when present and not expired at `now`.
std::optional<RateCount> find_rate_count(Connection& c, const std::string& key, std::int64_t now);
void delete_rate_count(Connection& c, const std::string& key);
// Removes the rows expired before `now`; returns how many.
std::int64_t purge_rate_counts(Connection& c, std::int64_t now);

}  // namespace herd::store
