// What the viewer did to statuses about to be shown (the viewer-specific fields of a Status).
#pragma once
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct ViewerFlags {
  std::unordered_set<Id> favourited, reblogged, bookmarked;
};

// Which of these statuses the account favourited, reblogged and bookmarked, in one query (what
// favourited_among, reblogged_among and bookmarked_among answer one query each).
ViewerFlags viewer_flags_among(Connection& c, Id account_id, const std::vector<Id>& status_ids);

}  // namespace herd::store
