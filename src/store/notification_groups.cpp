#include "store/notification_groups.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/ids.hpp"

namespace herd::store {

namespace {

constexpr int kSampleAccounts = 8;

// The SQL expression of a notification's group for this request: its stored key, or
// "ungrouped-<id>" for a groupable type the client does not let be grouped. Only constant type
// names are inlined.
std::string group_expression(const std::vector<std::string>& grouped_types) {
  if (grouped_types.empty()) return "group_key";
  std::string excluded;
  for (const auto& type : groupable_types())
    if (std::find(grouped_types.begin(), grouped_types.end(), type) == grouped_types.end())
      excluded += (excluded.empty() ? "'" : ",'") + type + "'";
  if (excluded.empty()) return "group_key";
  return "(CASE WHEN type IN (" + excluded +
         ") THEN 'ungrouped-' || CAST(id AS TEXT) ELSE group_key END)";
}

// " AND id < ? ..." for the page's range (no ORDER/LIMIT).
void append_range(const PageQuery& page, std::string& where, std::vector<Value>& params) {
  if (page.max_id) {
    where += " AND id < ?";
    params.emplace_back(*page.max_id);
  }
  if (page.since_id) {
    where += " AND id > ?";
    params.emplace_back(*page.since_id);
  }
  if (page.min_id) {
    where += " AND id > ?";
    params.emplace_back(*page.min_id);
  }
}

// Fills the groups with these keys from the notifications matching `where` (a condition on the
// recipient, filter and range). lower: the page's oldest top; page_min_id is the group's oldest
// notification at or above it.
std::vector<NotificationGroup> load_groups(Connection& c, const std::string& key,
                                           const std::string& where,
                                           const std::vector<Value>& where_params,
                                           const std::vector<std::string>& keys, Id lower) {
  std::vector<NotificationGroup> out;
  if (keys.empty()) return out;
  std::vector<Value> params = where_params;
  for (const auto& k : keys) params.emplace_back(k);
  const std::string in = " AND " + key + " IN (" + placeholders(keys.size()) + ")";
  std::unordered_map<std::string, NotificationGroup> by_key;
  auto rows =
      c.query("SELECT k, id, from_account_id, type, status_id, created_at, rn FROM (SELECT " + key +
                  " AS k, id, from_account_id, type, status_id, created_at, ROW_NUMBER() OVER "
                  "(PARTITION BY " +
                  key + " ORDER BY id DESC) AS rn FROM notifications WHERE " + where + in +
                  ") t WHERE rn <= " + std::to_string(kSampleAccounts * 2) + " ORDER BY id DESC",
              params);
  for (const Row& r : rows.rows) {
    NotificationGroup& g = by_key[r.s(0)];
    if (r.i(6) == 1) {
      g.group_key = r.s(0);
      g.most_recent_id = r.i(1);
      g.type = r.s(3);
      g.status_id = r.oi(4);
      g.latest_at = r.i(5);
    }
    Id account = r.i(2);
    if (g.sample_account_ids.size() < kSampleAccounts &&
        std::find(g.sample_account_ids.begin(), g.sample_account_ids.end(), account) ==
            g.sample_account_ids.end())
      g.sample_account_ids.push_back(account);
  }
  std::vector<Value> count_params{Value(lower)};
  count_params.insert(count_params.end(), params.begin(), params.end());
  for (const Row& r :
       c.query("SELECT " + key +
                   ", COUNT(*), MIN(CASE WHEN id >= ? THEN id END) FROM notifications "
                   "WHERE " +
                   where + in + " GROUP BY " + key,
               count_params)
           .rows) {
    auto it = by_key.find(r.s(0));
    if (it == by_key.end()) continue;
    it->second.count = r.i(1);
    it->second.page_min_id = r.oi(2).value_or(it->second.most_recent_id);
  }
  for (const auto& k : keys)
    if (auto it = by_key.find(k); it != by_key.end() && it->second.most_recent_id != 0)
      out.push_back(std::move(it->second));
  return out;
}

std::string recipient_where(Id account_id, const NotificationFilter& filter,
                            std::vector<Value>& params) {
  std::string where = "account_id = ?";
  params.emplace_back(account_id);
  append_notification_filter(filter, where, params);
  return where;
}

NotificationRequest request_from_row(const Row& r) {
  return NotificationRequest{r.i(0), r.i(1), r.i(2), r.oi(3), r.i(4), r.i(5), r.i(6)};
}

constexpr const char* kRequestColumns =
    "id, account_id, from_account_id, last_status_id, notifications_count, created_at, "
    "updated_at";

}  // namespace

const std::vector<std::string>& groupable_types() {
  static const std::vector<std::string> types{"favourite", "follow", "reblog", "admin.sign_up"};
  return types;
}

std::vector<NotificationGroup> page_notification_groups(
    Connection& c, Id account_id, const NotificationFilter& filter,
    const std::vector<std::string>& grouped_types, const PageQuery& page) {
  const std::string key = group_expression(grouped_types);
  std::vector<Value> params;
  std::string where = recipient_where(account_id, filter, params);
  append_range(page, where, params);
  bool ascending = page.min_id.has_value();
  std::vector<std::string> keys;
  Id lower = 0;
  for (const Row& r : c.query("SELECT " + key +
                                  " AS k, MAX(id) AS top, MIN(id) AS bottom FROM "
                                  "notifications WHERE " +
                                  where + " GROUP BY " + key + " ORDER BY " +
                                  (ascending ? "bottom ASC" : "top DESC") + " LIMIT " +
                                  std::to_string(std::clamp(page.limit, 1, 200)),
                              params)
                          .rows) {
    keys.push_back(r.s(0));
    lower = lower == 0 ? r.i(1) : std::min(lower, r.i(1));
  }
  if (ascending) lower = 0;  // a page above min_id holds its groups whole
  auto groups = load_groups(c, key, where, params, keys, lower);
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return a.most_recent_id > b.most_recent_id; });
  return groups;
}

std::optional<NotificationGroup> find_notification_group(Connection& c, Id account_id,
                                                         const std::string& group_key) {
  // "ungrouped-<id>" also names a grouped notification listed alone (grouped_types[]).
  std::optional<Id> single;
  if (group_key.rfind("ungrouped-", 0) == 0) single = parse_id(group_key.substr(10));
  // Only a parsed integer is inlined.
  const std::string key = single
                              ? "(CASE WHEN id = " + std::to_string(*single) + " THEN 'ungrouped-" +
                                    std::to_string(*single) + "' ELSE group_key END)"
                              : std::string("group_key");
  auto groups =
      load_groups(c, key, "account_id = ? AND filtered = 0", {Value(account_id)}, {group_key}, 0);
  if (groups.empty()) return std::nullopt;
  return groups.front();
}

std::int64_t count_notification_groups(Connection& c, Id account_id,
                                       const NotificationFilter& filter,
                                       const std::vector<std::string>& grouped_types,
                                       std::optional<Id> after, int limit) {
  const std::string key = group_expression(grouped_types);
  std::vector<Value> params;
  std::string where = recipient_where(account_id, filter, params);
  if (after) {
    where += " AND id > ?";
    params.emplace_back(*after);
  }
  return c
      .query("SELECT COUNT(*) FROM (SELECT " + key + " FROM notifications WHERE " + where +
                 " GROUP BY " + key + " LIMIT " + std::to_string(limit) + ") g",
             params)
      .front()
      .i(0);
}

std::vector<Id> notification_group_account_ids(Connection& c, Id account_id,
                                               const std::string& group_key) {
  std::vector<Id> out;
  for (const Row& r :
       c.query("SELECT from_account_id FROM notifications WHERE account_id = ? AND group_key = ? "
               "AND filtered = 0 ORDER BY id DESC",
               {Value(account_id), Value(group_key)})
           .rows)
    if (std::find(out.begin(), out.end(), r.i(0)) == out.end()) out.push_back(r.i(0));
  return out;
}

bool delete_notification_group(Connection& c, Id account_id, const std::string& group_key) {
  std::optional<Id> single;
  if (group_key.rfind("ungrouped-", 0) == 0) single = parse_id(group_key.substr(10));
  return c.query("DELETE FROM notifications WHERE account_id = ? AND (group_key = ? OR id = ?)",
                 {Value(account_id), Value(group_key), Value(single.value_or(-1))})
             .affected > 0;
}

// ---- policy ----------------------------------------------------------------------------------

NotificationPolicy find_notification_policy(Connection& c, Id account_id) {
  NotificationPolicy policy;
  auto r = c.query(
      "SELECT for_not_following, for_not_followers, for_new_accounts, for_private_mentions, "
      "for_limited_accounts FROM notification_policies WHERE account_id = ?",
      {Value(account_id)});
  if (r.empty()) return policy;
  const Row& row = r.front();
  return NotificationPolicy{row.s(0), row.s(1), row.s(2), row.s(3), row.s(4)};
}

void save_notification_policy(Connection& c, Id account_id, const NotificationPolicy& p,
                              std::int64_t now) {
  c.query(
      "INSERT INTO notification_policies (account_id, for_not_following, for_not_followers, "
      "for_new_accounts, for_private_mentions, for_limited_accounts, updated_at) VALUES "
      "(?,?,?,?,?,?,?) ON CONFLICT (account_id) DO UPDATE SET for_not_following = "
      "excluded.for_not_following, for_not_followers = excluded.for_not_followers, "
      "for_new_accounts = excluded.for_new_accounts, for_private_mentions = "
      "excluded.for_private_mentions, for_limited_accounts = excluded.for_limited_accounts, "
      "updated_at = excluded.updated_at",
      {Value(account_id), Value(p.for_not_following), Value(p.for_not_followers),
       Value(p.for_new_accounts), Value(p.for_private_mentions), Value(p.for_limited_accounts),
       Value(now)});
}

// ---- requests --------------------------------------------------------------------------------

void add_to_notification_request(Connection& c, Id account_id, Id from_account_id,
                                 std::optional<Id> status_id, std::int64_t now) {
  c.query(
      "INSERT INTO notification_requests (id, account_id, from_account_id, last_status_id, "
      "notifications_count, created_at, updated_at) VALUES (?,?,?,?,1,?,?) ON CONFLICT "
      "(account_id, from_account_id) DO UPDATE SET notifications_count = "
      "notification_requests.notifications_count + 1, last_status_id = "
      "COALESCE(excluded.last_status_id, notification_requests.last_status_id), updated_at = "
      "excluded.updated_at",
      {Value(next_id()), Value(account_id), Value(from_account_id), opt(status_id), Value(now),
       Value(now)});
}

std::optional<NotificationRequest> find_notification_request(Connection& c, Id account_id, Id id) {
  auto r = c.query(std::string("SELECT ") + kRequestColumns +
                       " FROM notification_requests WHERE id = ? AND account_id = ?",
                   {Value(id), Value(account_id)});
  if (r.empty()) return std::nullopt;
  return request_from_row(r.front());
}

std::vector<NotificationRequest> page_notification_requests(Connection& c, Id account_id,
                                                            const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  std::vector<NotificationRequest> out;
  for (const Row& r : c.query(std::string("SELECT ") + kRequestColumns +
                                  " FROM notification_requests WHERE " + where + tail,
                              params)
                          .rows)
    out.push_back(request_from_row(r));
  finish_page(page, out);
  return out;
}

bool accept_notification_request(Connection& c, Id account_id, Id id, std::int64_t now) {
  auto request = find_notification_request(c, account_id, id);
  if (!request) return false;
  c.query("UPDATE notifications SET filtered = 0 WHERE account_id = ? AND from_account_id = ?",
          {Value(account_id), Value(request->from_account_id)});
  c.query(
      "INSERT INTO notification_permissions (account_id, from_account_id, created_at) VALUES "
      "(?,?,?) ON CONFLICT (account_id, from_account_id) DO NOTHING",
      {Value(account_id), Value(request->from_account_id), Value(now)});
  c.query("DELETE FROM notification_requests WHERE id = ?", {Value(id)});
  return true;
}

bool dismiss_notification_request(Connection& c, Id account_id, Id id) {
  auto request = find_notification_request(c, account_id, id);
  if (!request) return false;
  c.query("DELETE FROM notifications WHERE account_id = ? AND from_account_id = ? AND filtered = 1",
          {Value(account_id), Value(request->from_account_id)});
  c.query("DELETE FROM notification_requests WHERE id = ?", {Value(id)});
  return true;
}

bool notifications_permitted(Connection& c, Id account_id, Id from_account_id) {
  return !c.query(
               "SELECT 1 FROM notification_permissions WHERE account_id = ? AND "
               "from_account_id = ?",
               {Value(account_id), Value(from_account_id)})
              .empty();
}

NotificationRequestsSummary summarize_notification_requests(Connection& c, Id account_id) {
  auto r = c.query(
      "SELECT COUNT(*), COALESCE(SUM(notifications_count), 0) FROM (SELECT notifications_count "
      "FROM notification_requests WHERE account_id = ? ORDER BY id DESC LIMIT 100) t",
      {Value(account_id)});
  return NotificationRequestsSummary{r.front().i(0), r.front().i(1)};
}

}  // namespace herd::store
