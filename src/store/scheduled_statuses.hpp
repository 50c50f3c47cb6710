// Statuses to be posted later (Mastodon's ScheduledStatus): the author, when, and the posting
// parameters as JSON. Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

struct ScheduledStatus {
  Id id = 0;
  Id account_id = 0;
  std::int64_t scheduled_at = 0;
  std::string params_json;
  std::int64_t created_at = 0;
};

void insert_scheduled_status(Connection& c, const ScheduledStatus& s);
std::optional<ScheduledStatus> find_scheduled_status(Connection& c, Id id);
void reschedule_status(Connection& c, Id id, std::int64_t scheduled_at);
// Returns whether a row was deleted (a publisher that deletes it first owns it).
bool delete_scheduled_status(Connection& c, Id id);
// The account's, newest first by id (cursors: ids).
std::vector<ScheduledStatus> page_scheduled_statuses(Connection& c, Id account_id,
                                                     const PageQuery& page);
// How many the account has in total, and scheduled within [from, to).
std::int64_t count_scheduled_statuses(Connection& c, Id account_id);
std::int64_t count_scheduled_between(Connection& c, Id account_id, std::int64_t from,
                                     std::int64_t to);
// Those due at `now` (at most `limit`).
std::vector<ScheduledStatus> due_scheduled_statuses(Connection& c, std::int64_t now, int limit);

}  // namespace herd::store
