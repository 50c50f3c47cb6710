#include "store/async_refreshes.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, refresh_key, status, result_count, created_at, finished_at FROM async_refreshes ";

std::optional<AsyncRefresh> first(const Result& result) {
  if (result.empty()) return std::nullopt;
  const Row& r = result.front();
  return AsyncRefresh{r.i(0), r.s(1), r.s(2), r.i(3), r.i(4), r.oi(5)};
}

}  // namespace

std::optional<AsyncRefresh> find_async_refresh(Connection& c, Id id) {
  return first(c.query(std::string(kColumns) + "WHERE id = ?", {Value(id)}));
}

std::optional<AsyncRefresh> find_async_refresh_by_key(Connection& c, const std::string& key) {
  return first(c.query(std::string(kColumns) + "WHERE refresh_key = ?", {Value(key)}));
}

AsyncRefresh start_async_refresh(Connection& c, const std::string& key, Id id, std::int64_t now) {
  c.query(
      "INSERT INTO async_refreshes (id, refresh_key, status, result_count, created_at) VALUES "
      "(?, ?, 'running', 0, ?) ON CONFLICT (refresh_key) DO UPDATE SET status = 'running', "
      "result_count = 0, created_at = excluded.created_at, finished_at = NULL",
      {Value(id), Value(key), Value(now)});
  return *find_async_refresh_by_key(c, key);
}

void add_async_refresh_results(Connection& c, Id id, std::int64_t count) {
  c.query("UPDATE async_refreshes SET result_count = result_count + ? WHERE id = ?",
          {Value(count), Value(id)});
}

void finish_async_refresh(Connection& c, Id id, std::int64_t now) {
  c.query("UPDATE async_refreshes SET status = 'finished', finished_at = ? WHERE id = ?",
          {Value(now), Value(id)});
}

}  // namespace herd::store
