// Bulk loading for benchmarks and imports: multi-row INSERTs (hundreds of rows per statement) and
// set-based rebuilds, so that a million statuses load in minutes on either backend.
#pragma once
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/relationships.hpp"

namespace herd::store {

// Tunes the writing connection for a bulk load (a large page cache for SQLite's random-order
// index inserts; no commit wait on PostgreSQL). For a short-lived loading process only.
void prepare_bulk_load(Connection& c);
void bulk_insert_accounts(Connection& c, const std::vector<Account>& accounts);
void bulk_insert_users(Connection& c, const std::vector<User>& users);
// Follows' show_reblogs/notify/uri take their defaults.
void bulk_insert_follows(Connection& c, const std::vector<Follow>& follows);
// Writes id, account_id, uri, url, local, text, content, visibility, language, created_at.
void bulk_insert_statuses(Connection& c, const std::vector<Status>& statuses);
// Fills every local account's home feed from its follows and own statuses (public, unlisted,
// private), set-based.
void rebuild_home_feeds(Connection& c);
// Recomputes every account's statuses/followers/following counters and last_status_at.
void recount_accounts(Connection& c);

}  // namespace herd::store
