// The storage engine boundary: a connection that runs parameterised SQL, and a Database that hands
// out connections for reads and runs writes in transactions. Two backends: SQLite (embedded
// default, WAL, one serialised writer + per-thread readers) and PostgreSQL (libpq, a pool).
//
// SQL is written once with `?` placeholders in the subset both dialects share (ON CONFLICT,
// RETURNING, lower(), integers for booleans); the PostgreSQL backend rewrites `?` to `$n`.
// All SQL lives under store/; nothing else sees a connection.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace herd::store {

enum class Dialect { sqlite, postgres };

// "?,?,?" for an IN list of n values.
inline std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

// A bound parameter: NULL, integer, real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

inline Value null_value() {
  return std::monostate{};
}
template <typename T>
Value opt(const std::optional<T>& value) {
  return value ? Value(*value) : Value(std::monostate{});
}

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string message, bool unique_violation = false)
      : std::runtime_error(std::move(message)), unique_violation_(unique_violation) {}
  bool unique_violation() const { return unique_violation_; }

 private:
  bool unique_violation_;
};

// One result row. Columns are read by position, converting as needed (PostgreSQL returns text).
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  bool is_null(int column) const;
  std::int64_t i(int column) const;  // 0 when NULL
  std::optional<std::int64_t> oi(int column) const;
  bool b(int column) const { return i(column) != 0; }
  double d(int column) const;
  std::string s(int column) const;  // "" when NULL
  std::optional<std::string> os(int column) const;
  std::size_t size() const { return cells_.size(); }

 private:
  std::vector<Value> cells_;
};

struct Result {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  bool empty() const { return rows.empty(); }
  const Row& front() const { return rows.front(); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement with `?` placeholders. Throws DatabaseError.
  virtual Result query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual void exec_script(std::string_view script) = 0;
  virtual Dialect dialect() const = 0;
};

// How a database's connections are used right now (for /metrics).
struct PoolStats {
  int size = 0;     // the most connections it opens (SQLite: the writer and the open readers)
  int open = 0;     // connections open
  int in_use = 0;   // of them, running a read or a write
  int waiting = 0;  // callers waiting for one (SQLite: for the writer)
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs fn with a connection suited for reads (no transaction; consistent per statement).
  virtual void read(const std::function<void(Connection&)>& fn) = 0;
  // Runs fn inside one transaction; commits when fn returns, rolls back when it throws.
  virtual void write(const std::function<void(Connection&)>& fn) = 0;
  // write() for state that no cached response depends on (rate-limit counters): its commit does
  // not move generation(), so that it never empties the response cache.
  virtual void write_unversioned(const std::function<void(Connection&)>& fn) { write(fn); }
  virtual Dialect dialect() const = 0;
  // A number that grows after every committed write (in every process sharing the database).
  // Read it BEFORE reading data: a result computed afterwards is current for that generation.
  virtual std::uint64_t generation() = 0;
  // As generation(), for the response cache: left alone by this process's writes that reported
  // the tags they change instead (store/invalidation.hpp); every other write moves it.
  virtual std::uint64_t cache_generation() { return generation(); }
  virtual PoolStats pool_stats() { return {}; }

  template <typename F>
  auto read_value(F&& fn) {
    decltype(fn(std::declval<Connection&>())) result{};
    read([&](Connection& c) { result = fn(c); });
    return result;
  }
  template <typename F>
  auto write_value(F&& fn) {
    decltype(fn(std::declval<Connection&>())) result{};
    write([&](Connection& c) { result = fn(c); });
    return result;
  }
};

// Opens the database named by url ("sqlite:///abs/path", "sqlite://:memory:" or
// "postgres://..."), creating the SQLite file's folder when needed. Throws DatabaseError.
std::unique_ptr<Database> open_database(const std::string& url, int pool_size);

// Applies the numbered migrations not yet applied (schema_migrations table). Returns how many ran.
int migrate(Database& database);
// The versions of the numbered migrations not applied to this database (empty: current). Throws
// DatabaseError when the database does not answer.
std::vector<int> pending_migrations(Connection& c);

}  // namespace herd::store
