#include "store/scheduled_statuses.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns = "id, account_id, scheduled_at, params_json, created_at";

std::vector<ScheduledStatus> rows_from(const Result& result) {
  std::vector<ScheduledStatus> out;
  for (const Row& r : result.rows)
    out.push_back(ScheduledStatus{r.i(0), r.i(1), r.i(2), r.s(3), r.i(4)});
  return out;
}

}  // namespace

void insert_scheduled_status(Connection& c, const ScheduledStatus& s) {
  c.query(std::string("INSERT INTO scheduled_statuses (") + kColumns + ") VALUES (?,?,?,?,?)",
          {Value(s.id), Value(s.account_id), Value(s.scheduled_at), Value(s.params_json),
           Value(s.created_at)});
}

std::optional<ScheduledStatus> find_scheduled_status(Connection& c, Id id) {
  auto rows = rows_from(c.query(
      std::string("SELECT ") + kColumns + " FROM scheduled_statuses WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void reschedule_status(Connection& c, Id id, std::int64_t scheduled_at) {
  c.query("UPDATE scheduled_statuses SET scheduled_at = ? WHERE id = ?",
          {Value(scheduled_at), Value(id)});
}

bool delete_scheduled_status(Connection& c, Id id) {
  return c.query("DELETE FROM scheduled_statuses WHERE id = ?", {Value(id)}).affected > 0;
}

std::vector<ScheduledStatus> page_scheduled_statuses(Connection& c, Id account_id,
                                                     const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  auto rows = rows_from(
      c.query(std::string("SELECT ") + kColumns + " FROM scheduled_statuses WHERE " + where + tail,
              params));
  finish_page(page, rows);
  return rows;
}

std::int64_t count_scheduled_statuses(Connection& c, Id account_id) {
  return c
      .query("SELECT COUNT(*) FROM scheduled_statuses WHERE account_id = ?", {Value(account_id)})
      .front()
      .i(0);
}

std::int64_t count_scheduled_between(Connection& c, Id account_id, std::int64_t from,
                                     std::int64_t to) {
  return c
      .query(
          "SELECT COUNT(*) FROM scheduled_statuses WHERE account_id = ? AND scheduled_at >= ? AND "
          "scheduled_at < ?",
          {Value(account_id), Value(from), Value(to)})
      .front()
      .i(0);
}

std::vector<ScheduledStatus> due_scheduled_statuses(Connection& c, std::int64_t now, int limit) {
  return rows_from(c.query(std::string("SELECT ") + kColumns +
                               " FROM scheduled_statuses WHERE scheduled_at <= ? ORDER BY "
                               "scheduled_at, id LIMIT ?",
                           {Value(now), Value(std::int64_t{limit})}));
}

}  // namespace herd::store
