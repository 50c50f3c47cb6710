// Round trips saved on PostgreSQL, where a statement's round trip costs more CPU (system calls,
// task switches on both sides) than running a small statement. Two ways; SQLite, whose statements
// cost no round trip, runs each statement at once, one after the other.
//
// query_all: independent statements run together, in one round trip (libpq's pipeline mode),
// which is what a page's reads cost there. For reads whose statements do not depend on each
// other's results (a page's viewer facts, its filters): each statement sees the database as of its
// own start, as Connection::query does.
//
// query_later: writes whose result nobody reads. Inside a write's transaction the statement is
// queued on the connection, and the queue travels in one pipeline with the next statement (or
// query_all) that needs a result, or with the transaction's COMMIT:
//   - order is kept: a statement sent later sees what the queued ones wrote;
//   - a queued statement that fails makes the statement it travels with (or the commit) throw its
//     error (DatabaseError, unique_violation() kept), so the transaction is rolled back as when it
//     ran alone; what is lost is only which call threw, so a caller that must react to a
//     particular statement's error, or read its result or its count of rows, uses query();
//   - row locks taken by a queued UPDATE are held from that statement to the commit without a
//     round trip in between: counters that every transaction of one account updates (its
//     statuses_count) no longer make concurrent transactions wait for each other's round trips.
// Outside a transaction the statement runs at once, as query() would.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace herd::store {

struct Statement {
  std::string sql;  // with `?` placeholders
  std::vector<Value> params;
};

// A connection that can send several statements in one round trip (PostgreSQL).
class PipeliningConnection {
 public:
  virtual ~PipeliningConnection() = default;
  // The results in the order of the statements. Throws DatabaseError for the first that fails
  // (the others' results are lost; the connection stays usable).
  virtual std::vector<Result> query_all(const std::vector<Statement>& statements) = 0;
  // See query_later() below.
  virtual void query_later(Statement statement) = 0;
};

// Runs every statement and returns their results in order: in one round trip where the connection
// pipelines, else one by one. Throws DatabaseError.
inline std::vector<Result> query_all(Connection& c, const std::vector<Statement>& statements) {
  if (statements.size() > 1)
    if (auto* pipelining = dynamic_cast<PipeliningConnection*>(&c))
      return pipelining->query_all(statements);
  std::vector<Result> out;
  out.reserve(statements.size());
  for (const auto& s : statements) out.push_back(c.query(s.sql, s.params));
  return out;
}

// Runs `sql` (a write whose result is not needed) with the next statement on `c`; see above.
inline void query_later(Connection& c, std::string_view sql, std::vector<Value> params = {}) {
  if (auto* pipelining = dynamic_cast<PipeliningConnection*>(&c))
    pipelining->query_later(Statement{std::string(sql), std::move(params)});
  else
    c.query(sql, params);
}

}  // namespace herd::store
