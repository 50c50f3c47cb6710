#include "store/bulk.hpp"

#include <functional>

namespace herd::store {

namespace {

// Inserts rows in batches: `columns` names, `width` values per row produced by `row(i, out)`.
void insert_batched(Connection& c, const std::string& table, const std::string& columns, int width,
                    std::size_t count,
                    const std::function<void(std::size_t, std::vector<Value>&)>& row) {
  const std::size_t batch = std::max<std::size_t>(1, 8000 / width);
  std::string one = "(" + placeholders(width) + ")";
  std::vector<Value> params;
  for (std::size_t start = 0; start < count; start += batch) {
    std::size_t n = std::min(batch, count - start);
    std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES ";
    for (std::size_t i = 0; i < n; ++i) sql += i ? "," + one : one;
    sql += " ON CONFLICT DO NOTHING";
    params.clear();
    params.reserve(n * width);
    for (std::size_t i = 0; i < n; ++i) row(start + i, params);
    c.query(sql, params);
  }
}

Value b(bool v) {
  return Value(std::int64_t{v ? 1 : 0});
}

}  // namespace

void prepare_bulk_load(Connection& c) {
  if (c.dialect() == Dialect::sqlite)
    c.exec_script("PRAGMA cache_size = -1048576");  // 1 GiB
  else
    c.exec_script("SET synchronous_commit = off");
}

std::vector<IndexDefinition> drop_secondary_indexes(Connection& c, const std::string& table) {
  Result found =
      c.dialect() == Dialect::sqlite
          ? c.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND "
                "sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
                {Value(table)})
          : c.query(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON "
                "i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ? "
                "AND t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique "
                "ORDER BY i.relname",
                {Value(table)});
  std::vector<IndexDefinition> dropped;
  for (const Row& row : found.rows) {
    dropped.push_back({row.s(0), row.s(1)});
    c.exec_script("DROP INDEX " + row.s(0));
  }
  return dropped;
}

void restore_indexes(Connection& c, const std::vector<IndexDefinition>& indexes) {
  // PostgreSQL sorts an index's entries in memory up to maintenance_work_mem (64 MB by default).
  if (c.dialect() == Dialect::postgres) c.exec_script("SET LOCAL maintenance_work_mem = '256MB'");
  for (const IndexDefinition& index : indexes) c.exec_script(index.sql);
}

void bulk_insert_accounts(Connection& c, const std::vector<Account>& accounts) {
  insert_batched(
      c, "accounts",
      "id, username, domain, display_name, note, uri, url, inbox_url, shared_inbox_url, "
      "outbox_url, followers_url, following_url, featured_url, public_key_pem, "
      "private_key_pem, locked, created_at, updated_at",
      18, accounts.size(), [&](std::size_t i, std::vector<Value>& p) {
        const Account& a = accounts[i];
        p.insert(p.end(),
                 {Value(a.id), Value(a.username), Value(a.domain), Value(a.display_name),
                  Value(a.note), Value(a.uri), Value(a.url), Value(a.inbox_url),
                  Value(a.shared_inbox_url), Value(a.outbox_url), Value(a.followers_url),
                  Value(a.following_url), Value(a.featured_url), Value(a.public_key_pem),
                  Value(a.private_key_pem), b(a.locked), Value(a.created_at), Value(a.updated_at)});
      });
}

void bulk_insert_users(Connection& c, const std::vector<User>& users) {
  insert_batched(
      c, "users", "id, account_id, email, password_hash, role, confirmed, approved, created_at", 8,
      users.size(), [&](std::size_t i, std::vector<Value>& p) {
        const User& u = users[i];
        p.insert(p.end(), {Value(u.id), Value(u.account_id), Value(u.email), Value(u.password_hash),
                           Value(u.role), b(u.confirmed), b(u.approved), Value(u.created_at)});
      });
}

void bulk_insert_follows(Connection& c, const std::vector<Follow>& follows) {
  insert_batched(c, "follows", "id, account_id, target_account_id, created_at", 4, follows.size(),
                 [&](std::size_t i, std::vector<Value>& p) {
                   const Follow& f = follows[i];
                   p.insert(p.end(), {Value(f.id), Value(f.account_id), Value(f.target_account_id),
                                      Value(f.created_at)});
                 });
}

void bulk_insert_statuses(Connection& c, const std::vector<Status>& statuses) {
  insert_batched(c, "statuses",
                 "id, account_id, uri, url, local, text, content, visibility, language, created_at",
                 10, statuses.size(), [&](std::size_t i, std::vector<Value>& p) {
                   const Status& s = statuses[i];
                   p.insert(p.end(),
                            {Value(s.id), Value(s.account_id), Value(s.uri), Value(s.url),
                             b(s.local), Value(s.text), Value(s.content),
                             Value(to_string(s.visibility)), opt(s.language), Value(s.created_at)});
                 });
}

void rebuild_home_feeds(Connection& c, Id first_account_id, Id last_account_id) {
  // In (account_id, status_id) order, the primary key's B-tree grows at its end; the WHERE keeps
  // SQLite from reading ON CONFLICT as part of the SELECT.
  c.query(
      "INSERT INTO home_feed (account_id, status_id) SELECT account_id, status_id FROM (SELECT "
      "f.account_id AS account_id, s.id AS status_id FROM follows f JOIN statuses s ON "
      "s.account_id = f.target_account_id JOIN accounts a ON a.id = f.account_id WHERE "
      "a.domain = '' AND f.account_id BETWEEN ? AND ? AND s.visibility IN ('public', "
      "'unlisted', 'private') UNION ALL SELECT s.account_id, s.id FROM statuses s JOIN "
      "accounts a ON a.id = s.account_id WHERE a.domain = '' AND s.account_id BETWEEN ? AND ?) "
      "feed WHERE true ORDER BY account_id, status_id ON CONFLICT DO NOTHING",
      {Value(first_account_id), Value(last_account_id), Value(first_account_id),
       Value(last_account_id)});
}

void recount_accounts(Connection& c) {
  // The follows' counts by correlated subqueries (their indexes answer them); the statuses' in one
  // pass over the table: per account through statuses_account, MAX(created_at) would read every
  // status at random (10 million reads at 10 million statuses). NOT INDEXED keeps SQLite from that.
  c.query(
      "UPDATE accounts SET statuses_count = 0, last_status_at = NULL, followers_count = (SELECT "
      "COUNT(*) FROM follows f WHERE f.target_account_id = accounts.id), following_count = (SELECT "
      "COUNT(*) FROM follows f WHERE f.account_id = accounts.id)");
  c.query(std::string("UPDATE accounts SET statuses_count = t.n, last_status_at = t.last FROM "
                      "(SELECT account_id, COUNT(*) AS n, MAX(created_at) AS last FROM statuses") +
          (c.dialect() == Dialect::sqlite ? " NOT INDEXED" : "") +
          " GROUP BY account_id) t WHERE accounts.id = t.account_id");
}

}  // namespace herd::store
