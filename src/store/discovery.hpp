// Queries for discovery: the profile directory, trending links, the instance's peers and weekly
// activity. Inside a caller's read.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/preview_cards.hpp"

namespace herd::store {

// Accounts listed in the profile directory (discoverable, neither suspended, silenced nor moved),
// local ones only when `local_only`; for a signed-in viewer (0: anonymous) without those they
// block, mute or are blocked by, and (unless local_only) without domains they block. `newest`:
// newest accounts first; otherwise the most recently active first (last status), as Mastodon's
// order=new / order=active.
std::vector<Id> directory_account_ids(Connection& c, Id viewer, bool local_only, bool newest,
                                      int limit, int offset);

struct DayUse {
  std::int64_t day = 0;  // unix seconds at the start of the day (UTC)
  std::int64_t accounts = 0, uses = 0;
};
// For each card, its use by public statuses on each of the `days` days up to `now` (newest
// first; days without use have zeros).
std::unordered_map<Id, std::vector<DayUse>> card_history(Connection& c,
                                                         const std::vector<Id>& cards,
                                                         std::int64_t now, int days);

// The domains of the remote accounts this instance knows, sorted.
std::vector<std::string> known_domains(Connection& c);

struct WeekActivity {
  std::int64_t week = 0;  // unix seconds at the start of the week
  std::int64_t statuses = 0, logins = 0, registrations = 0;
};
// The last `weeks` weeks up to `now` (Mondays, UTC), newest first: local statuses posted, users
// who signed in (a web sign-in or a new access token) and local accounts created.
std::vector<WeekActivity> weekly_activity(Connection& c, std::int64_t now, int weeks);

}  // namespace herd::store
