#include "store/rate_limits.hpp"

namespace herd::store {

std::int64_t add_rate_count(Connection& c, const std::string& key, std::int64_t add,
                            std::int64_t expires_at, std::int64_t now) {
  auto result = c.query(
      "INSERT INTO rate_limits (key, count, expires_at, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET "
      "count = CASE WHEN rate_limits.expires_at <= ? THEN excluded.count "
      "ELSE rate_limits.count + excluded.count END, "
      "expires_at = CASE WHEN rate_limits.expires_at <= ? THEN excluded.expires_at "
      "ELSE rate_limits.expires_at END, "
      "updated_at = CASE WHEN excluded.count > 0 THEN excluded.updated_at "
      "ELSE rate_limits.updated_at END "
      "RETURNING count",
      {Value(key), Value(add), Value(expires_at), Value(now), Value(now), Value(now)});
  return result.empty() ? add : result.front().i(0);
}

std::optional<RateCount> find_rate_count(Connection& c, const std::string& key, std::int64_t now) {
  auto result = c.query(
      "SELECT key, count, expires_at, updated_at FROM rate_limits WHERE key = ? AND expires_at > ?",
      {Value(key), Value(now)});
  if (result.empty()) return std::nullopt;
  const Row& row = result.front();
  return RateCount{row.s(0), row.i(1), row.i(2), row.i(3)};
}

void delete_rate_count(Connection& c, const std::string& key) {
  c.query("DELETE FROM rate_limits WHERE key = ?", {Value(key)});
}

std::int64_t purge_rate_counts(Connection& c, std::int64_t now) {
  return c.query("DELETE FROM rate_limits WHERE expires_at <= ?", {Value(now)}).affected;
}

}  // namespace herd::store
