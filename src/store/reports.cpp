#include "store/reports.hpp"

#include <boost/json.hpp>

#include "store/invalidation.hpp"

namespace herd::store {

namespace {

namespace json = boost::json;

constexpr const char* kReportColumns =
    "id, account_id, target_account_id, status_ids, rule_ids, comment, category, forwarded, uri, "
    "action_taken_at, action_taken_by_account_id, assigned_account_id, created_at, updated_at";

std::string ids_to_json(const std::vector<Id>& ids) {
  json::array out;
  for (Id id : ids) out.push_back(json::value(std::to_string(id)));
  return json::serialize(out);
}

// Ids stored as a JSON array of decimal strings (numbers accepted too).
std::vector<Id> ids_from_json(const std::string& text) {
  std::vector<Id> out;
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_array()) return out;
  for (const auto& item : parsed.as_array()) {
    if (item.is_int64()) {
      out.push_back(item.as_int64());
    } else if (item.is_string()) {
      try {
        out.push_back(std::stoll(std::string(item.as_string())));
      } catch (const std::exception&) {
      }
    }
  }
  return out;
}

Report report_from_row(const Row& r) {
  Report report;
  int i = 0;
  report.id = r.i(i++);
  report.account_id = r.i(i++);
  report.target_account_id = r.i(i++);
  report.status_ids = ids_from_json(r.s(i++));
  report.rule_ids = ids_from_json(r.s(i++));
  report.comment = r.s(i++);
  report.category = r.s(i++);
  report.forwarded = r.b(i++);
  report.uri = r.os(i++);
  report.action_taken_at = r.oi(i++);
  report.action_taken_by_account_id = r.oi(i++);
  report.assigned_account_id = r.oi(i++);
  report.created_at = r.i(i++);
  report.updated_at = r.i(i++);
  return report;
}

}  // namespace

bool insert_report(Connection& c, const Report& r) {
  return c.query(
              "INSERT INTO reports (id, account_id, target_account_id, status_ids, rule_ids, "
              "comment, category, forwarded, uri, action_taken_at, action_taken_by_account_id, "
              "assigned_account_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
              "ON CONFLICT (uri) DO NOTHING",
              {Value(r.id), Value(r.account_id), Value(r.target_account_id),
               Value(ids_to_json(r.status_ids)), Value(ids_to_json(r.rule_ids)), Value(r.comment),
               Value(r.category), Value(std::int64_t{r.forwarded ? 1 : 0}), opt(r.uri),
               opt(r.action_taken_at), opt(r.action_taken_by_account_id),
               opt(r.assigned_account_id), Value(r.created_at), Value(r.updated_at)})
             .affected > 0;
}

std::optional<Report> find_report(Connection& c, Id id) {
  auto result =
      c.query(std::string("SELECT ") + kReportColumns + " FROM reports WHERE id = ?", {Value(id)});
  if (result.empty()) return std::nullopt;
  return report_from_row(result.front());
}

std::vector<Report> find_reports(Connection& c, const std::vector<Id>& ids) {
  std::vector<Report> out;
  if (ids.empty()) return out;
  std::vector<Value> params;
  for (Id id : ids) params.emplace_back(id);
  for (const Row& r : c.query(std::string("SELECT ") + kReportColumns +
                                  " FROM reports WHERE id IN (" + placeholders(ids.size()) + ")",
                              params)
                          .rows)
    out.push_back(report_from_row(r));
  return out;
}

std::vector<Report> page_reports(Connection& c, const ReportFilter& filter, const PageQuery& page) {
  std::vector<Value> params;
  std::string where = filter.resolved ? "action_taken_at IS NOT NULL" : "action_taken_at IS NULL";
  if (filter.account_id) {
    where += " AND account_id = ?";
    params.emplace_back(*filter.account_id);
  }
  if (filter.target_account_id) {
    where += " AND target_account_id = ?";
    params.emplace_back(*filter.target_account_id);
  }
  std::string tail = page_sql(page, "id", where, params);
  std::vector<Report> out;
  for (const Row& r :
       c.query(std::string("SELECT ") + kReportColumns + " FROM reports WHERE " + where + tail,
               params)
           .rows)
    out.push_back(report_from_row(r));
  finish_page(page, out);
  return out;
}

bool set_report_resolved(Connection& c, Id id, std::optional<Id> resolved_by, std::int64_t now) {
  std::optional<std::int64_t> at;
  if (resolved_by) at = now;
  return c.query(
              "UPDATE reports SET action_taken_at = ?, action_taken_by_account_id = ?, "
              "updated_at = ? WHERE id = ?",
              {opt(at), opt(resolved_by), Value(now), Value(id)})
             .affected > 0;
}

bool set_report_assignee(Connection& c, Id id, std::optional<Id> moderator, std::int64_t now) {
  return c.query("UPDATE reports SET assigned_account_id = ?, updated_at = ? WHERE id = ?",
                 {opt(moderator), Value(now), Value(id)})
             .affected > 0;
}

std::vector<Id> staff_account_ids(Connection& c) {
  std::vector<Id> out;
  for (const Row& r :
       c.query("SELECT u.account_id FROM users u JOIN accounts a ON a.id = u.account_id "
               "WHERE u.role IN ('moderator', 'admin', 'owner') AND u.disabled = 0 "
               "AND a.suspended = 0 ORDER BY u.account_id")
           .rows)
    out.push_back(r.i(0));
  return out;
}

void set_notification_report(Connection& c, Id notification_id, Id report_id) {
  c.query("UPDATE notifications SET report_id = ? WHERE id = ?",
          {Value(report_id), Value(notification_id)});
}

std::vector<std::pair<Id, Id>> notification_reports(Connection& c,
                                                    const std::vector<Id>& notification_ids) {
  std::vector<std::pair<Id, Id>> out;
  if (notification_ids.empty()) return out;
  std::vector<Value> params;
  for (Id id : notification_ids) params.emplace_back(id);
  for (const Row& r :
       c.query("SELECT id, report_id FROM notifications WHERE report_id IS NOT NULL AND id IN (" +
                   placeholders(notification_ids.size()) + ")",
               params)
           .rows)
    out.emplace_back(r.i(0), r.i(1));
  return out;
}

// ---- account moves ------------------------------------------------------------------------------

std::vector<std::string> account_also_known_as(Connection& c, Id account_id) {
  std::vector<std::string> out;
  auto result = c.query("SELECT also_known_as FROM accounts WHERE id = ?", {Value(account_id)});
  if (result.empty()) return out;
  boost::system::error_code ec;
  json::value parsed = json::parse(result.front().s(0), ec);
  if (ec || !parsed.is_array()) return out;
  for (const auto& item : parsed.as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

void set_account_also_known_as(Connection& c, Id account_id, const std::vector<std::string>& uris) {
  Changes::note_account_row(account_id);  // the actor cache (invalidation.hpp)
  json::array array;
  for (const auto& uri : uris) array.push_back(json::value(uri));
  c.query("UPDATE accounts SET also_known_as = ? WHERE id = ?",
          {Value(json::serialize(array)), Value(account_id)});
}

void set_account_moved_to(Connection& c, Id account_id, std::optional<Id> moved_to) {
  Changes::note_account_row(account_id);
  c.query("UPDATE accounts SET moved_to_account_id = ? WHERE id = ?",
          {opt(moved_to), Value(account_id)});
}

std::vector<LocalFollower> local_followers(Connection& c, Id account_id) {
  std::vector<LocalFollower> out;
  for (const Row& r : c.query("SELECT f.account_id, f.show_reblogs, f.notify FROM follows f "
                              "JOIN accounts a ON a.id = f.account_id "
                              "WHERE f.target_account_id = ? AND a.domain = '' ORDER BY f.id",
                              {Value(account_id)})
                          .rows)
    out.push_back(LocalFollower{r.i(0), r.b(1), r.b(2)});
  return out;
}

}  // namespace herd::store
