#include "store/notifications.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, from_account_id, type, status_id, created_at, group_key, filtered";

Notification notification_from_row(const Row& r) {
  return Notification{r.i(0), r.i(1), r.i(2), r.s(3), r.oi(4), r.i(5), r.s(6), r.b(7)};
}

}  // namespace

void append_notification_filter(const NotificationFilter& filter, std::string& where,
                                std::vector<Value>& params) {
  if (!filter.include_filtered) where += " AND filtered = 0";
  if (!filter.types.empty()) {
    where += " AND type IN (" + placeholders(filter.types.size()) + ")";
    for (const auto& t : filter.types) params.emplace_back(t);
  }
  if (!filter.exclude_types.empty()) {
    where += " AND type NOT IN (" + placeholders(filter.exclude_types.size()) + ")";
    for (const auto& t : filter.exclude_types) params.emplace_back(t);
  }
  if (filter.from_account_id) {
    where += " AND from_account_id = ?";
    params.emplace_back(*filter.from_account_id);
  }
  if (!filter.hidden.empty()) {
    where += " AND from_account_id NOT IN (" + placeholders(filter.hidden.size()) + ")";
    for (Id id : filter.hidden) params.emplace_back(id);
  }
}

void insert_notification(Connection& c, const Notification& n) {
  c.query(
      "INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at, "
      "group_key, filtered) VALUES (?,?,?,?,?,?,?,?)",
      {Value(n.id), Value(n.account_id), Value(n.from_account_id), Value(n.type), opt(n.status_id),
       Value(n.created_at),
       Value(n.group_key.empty() ? "ungrouped-" + std::to_string(n.id) : n.group_key),
       Value(std::int64_t{n.filtered ? 1 : 0})});
}

std::optional<std::string> latest_group_key(Connection& c, Id account_id, std::string_view type,
                                            std::optional<Id> status_id) {
  std::vector<Value> params{Value(account_id), Value(std::string(type))};
  std::string sql =
      "SELECT group_key FROM notifications WHERE account_id = ? AND type = ? AND status_id ";
  if (status_id) {
    sql += "= ?";
    params.emplace_back(*status_id);
  } else {
    sql += "IS NULL";
  }
  auto r = c.query(sql + " ORDER BY id DESC LIMIT 1", params);
  if (r.empty()) return std::nullopt;
  return r.front().s(0);
}

std::optional<Notification> find_notification(Connection& c, Id account_id, Id id) {
  auto r = c.query(
      std::string("SELECT ") + kColumns + " FROM notifications WHERE id = ? AND account_id = ?",
      {Value(id), Value(account_id)});
  if (r.empty()) return std::nullopt;
  return notification_from_row(r.front());
}

std::vector<Notification> page_notifications(Connection& c, Id account_id,
                                             const NotificationFilter& filter,
                                             const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  append_notification_filter(filter, where, params);
  std::string tail = page_sql(page, "id", where, params);
  std::vector<Notification> out;
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns + " FROM notifications WHERE " + where + tail,
               params)
           .rows)
    out.push_back(notification_from_row(r));
  finish_page(page, out);
  return out;
}

std::int64_t count_notifications(Connection& c, Id account_id, const NotificationFilter& filter,
                                 std::optional<Id> after, int limit) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  append_notification_filter(filter, where, params);
  if (after) {
    where += " AND id > ?";
    params.emplace_back(*after);
  }
  return c
      .query("SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE " + where + " LIMIT " +
                 std::to_string(limit) + ") n",
             params)
      .front()
      .i(0);
}

bool delete_notification(Connection& c, Id account_id, Id id) {
  return c.query("DELETE FROM notifications WHERE id = ? AND account_id = ?",
                 {Value(id), Value(account_id)})
             .affected > 0;
}

void delete_all_notifications(Connection& c, Id account_id) {
  c.query("DELETE FROM notifications WHERE account_id = ?", {Value(account_id)});
}

void delete_notification_of(Connection& c, Id account_id, Id from_account_id, std::string_view type,
                            std::optional<Id> status_id) {
  std::vector<Value> params{Value(account_id), Value(from_account_id), Value(std::string(type))};
  std::string sql =
      "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ? AND type = ? AND ";
  if (status_id) {
    sql += "status_id = ?";
    params.emplace_back(*status_id);
  } else {
    sql += "status_id IS NULL";
  }
  c.query(sql, params);
}

void delete_status_notifications(Connection& c, Id status_id) {
  c.query("DELETE FROM notifications WHERE status_id = ?", {Value(status_id)});
}

}  // namespace herd::store
