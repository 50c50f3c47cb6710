// Read positions (Mastodon's Marker): per account, the last status (home) or notification
// (notifications) read, with a version that grows on every save. Inside a caller's transaction or
// read.
#pragma once
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct Marker {
  std::string timeline;  // home | notifications
  Id last_read_id = 0;
  std::int64_t version = 0;
  std::int64_t updated_at = 0;
};

// The account's markers for these timelines (those it has saved).
std::vector<Marker> find_markers(Connection& c, Id account_id,
                                 const std::vector<std::string>& timelines);
// Saves a position (version + 1).
void save_marker(Connection& c, Id account_id, const std::string& timeline, Id last_read_id,
                 std::int64_t now);

}  // namespace herd::store
