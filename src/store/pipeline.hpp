// Independent statements run together: on PostgreSQL they travel in one round trip (libpq's
// pipeline mode), which is what a page's reads cost there; SQLite runs them one after the other.
// For reads whose statements do not depend on each other's results (a page's viewer facts, its
// filters): each statement sees the database as of its own start, as Connection::query does.
#pragma once
#include <string>
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

}  // namespace herd::store
