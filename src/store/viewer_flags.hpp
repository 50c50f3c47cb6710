// What the viewer did to statuses about to be shown (the viewer-specific fields of a Status), and
// whose statuses the viewer's home timeline leaves out: one query each, for pages that would
// otherwise ask several (each query is a round trip on PostgreSQL).
#pragma once
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct ViewerFlags {
  std::unordered_set<Id> favourited, reblogged, bookmarked;
};

// Which of these statuses the account favourited, reblogged and bookmarked, in one query.
ViewerFlags viewer_flags_among(Connection& c, Id account_id, const std::vector<Id>& status_ids);

// The accounts (find_accounts) with the ids of the sensitized ones among them (a moderator marked
// their media sensitive),
// in one query.
struct PageAccounts {
  std::vector<Account> accounts;
  std::unordered_set<Id> sensitized;
};
PageAccounts find_page_accounts(Connection& c, const std::vector<Id>& ids);

// The accounts the viewer's home timeline leaves out, in one query: hidden (hidden_account_ids:
// blocked either way, muted, of a blocked domain) and the members of the viewer's exclusive
// lists (exclusive_list_member_ids).
struct HomeExclusions {
  std::vector<Id> hidden, exclusive_list_members;
};
HomeExclusions home_exclusions(Connection& c, Id viewer);

}  // namespace herd::store
