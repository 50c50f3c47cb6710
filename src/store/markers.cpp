#include "store/markers.hpp"

namespace herd::store {

std::vector<Marker> find_markers(Connection& c, Id account_id,
                                 const std::vector<std::string>& timelines) {
  std::vector<Marker> out;
  if (timelines.empty()) return out;
  std::vector<Value> params{Value(account_id)};
  for (const auto& t : timelines) params.emplace_back(t);
  for (const Row& r : c.query("SELECT timeline, last_read_id, version, updated_at FROM markers "
                              "WHERE account_id = ? AND timeline IN (" +
                                  placeholders(timelines.size()) + ") ORDER BY timeline",
                              params)
                          .rows)
    out.push_back(Marker{r.s(0), r.i(1), r.i(2), r.i(3)});
  return out;
}

void save_marker(Connection& c, Id account_id, const std::string& timeline, Id last_read_id,
                 std::int64_t now) {
  c.query(
      "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) "
      "VALUES (?, ?, ?, 0, ?) ON CONFLICT (account_id, timeline) DO UPDATE SET "
      "last_read_id = excluded.last_read_id, version = markers.version + 1, "
      "updated_at = excluded.updated_at",
      {Value(account_id), Value(timeline), Value(last_read_id), Value(now)});
}

}  // namespace herd::store
