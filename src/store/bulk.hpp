// Bulk loading for benchmarks and imports: multi-row INSERTs (hundreds of rows per statement) and
// set-based rebuilds, so that a million statuses load in minutes on either backend.
#pragma once
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/relationships.hpp"

namespace herd::store {

// Tunes the writing connection for a bulk load (a large page cache for SQLite; no
// commit wait on PostgreSQL). For a short-lived loading process only.
void prepare_bulk_load(Connection& c);

// A secondary index as the schema defines it (its CREATE INDEX statement).
struct IndexDefinition {
  std::string name, sql;
};
// Drops the secondary indexes of `table` (not its primary key nor the unique constraints that
// ON CONFLICT relies on) and returns their definitions, so that a bulk load writes the table alone
// and the indexes are built once, sorted, by restore_indexes. Until then the table's reads are
// slow and its non-unique lookups unindexed: call both in the same loading process.
std::vector<IndexDefinition> drop_secondary_indexes(Connection& c, const std::string& table);
void restore_indexes(Connection& c, const std::vector<IndexDefinition>& indexes);

void bulk_insert_accounts(Connection& c, const std::vector<Account>& accounts);
void bulk_insert_users(Connection& c, const std::vector<User>& users);
// Follows' show_reblogs/notify/uri take their defaults.
void bulk_insert_follows(Connection& c, const std::vector<Follow>& follows);
// Writes id, account_id, uri, url, local, text, content, visibility, language, created_at.
void bulk_insert_statuses(Connection& c, const std::vector<Status>& statuses);
// Fills every local account's home feed from its follows and own statuses (public, unlisted,
// private), set-based, a few hundred followers at a time in key order (appends to the B-tree).
// Local accounts with ids in [first_account_id, last_account_id] only: a caller writes a few
// hundred accounts per transaction.
void rebuild_home_feeds(Connection& c, Id first_account_id, Id last_account_id);
// Recomputes every account's statuses/followers/following counters and last_status_at.
void recount_accounts(Connection& c);

}  // namespace herd::store
