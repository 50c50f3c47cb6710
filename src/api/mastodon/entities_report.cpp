// Report, Admin::Report, Admin::Account, and the Account's "moved".
#include <set>

#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "store/accounts.hpp"
#include "store/moderation.hpp"
#include "store/reports.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

json::value optional_time(const std::optional<std::int64_t>& at) {
  return at ? json::value(rfc3339(*at)) : json::value(nullptr);
}

json::value id_strings_or_null(const std::vector<Id>& ids) {
  if (ids.empty()) return nullptr;
  json::array out;
  for (Id id : ids) out.emplace_back(std::to_string(id));
  return out;
}

json::object role_json(const std::string& role) {
  json::object o;
  o["id"] = role == "owner" ? "3" : role == "admin" ? "2" : role == "moderator" ? "1" : "-99";
  o["name"] = role == "owner"       ? "Owner"
              : role == "admin"     ? "Admin"
              : role == "moderator" ? "Moderator"
                                    : "";
  o["permissions"] = role == "owner"       ? "1"
                     : role == "admin"     ? "1048575"
                     : role == "moderator" ? "1308"
                                           : "65536";
  o["color"] = "";
  o["highlighted"] = role != "user";
  return o;
}

}  // namespace

json::object admin_account_json(const App& app, store::Connection& c, const store::Account& a) {
  std::optional<store::User> user;
  if (a.local()) user = store::find_user_by_account(c, a.id);
  json::object o;
  o["id"] = std::to_string(a.id);
  o["username"] = a.username;
  o["domain"] = a.local() ? json::value(nullptr) : json::value(a.domain);
  o["created_at"] = rfc3339(a.created_at);
  o["email"] = user ? json::value(user->email) : json::value(nullptr);
  o["ip"] = nullptr;
  o["ips"] = json::array();
  o["locale"] = user ? json::value(user->locale) : json::value(nullptr);
  o["invite_request"] = user && !user->registration_reason.empty()
                            ? json::value(user->registration_reason)
                            : json::value(nullptr);
  o["role"] = user ? json::value(role_json(user->role)) : json::value(nullptr);
  o["confirmed"] = user ? user->confirmed : false;
  o["approved"] = user ? user->approved : false;
  o["disabled"] = user ? user->disabled : false;
  o["silenced"] = a.silenced;
  o["suspended"] = a.suspended;
  o["sensitized"] = store::is_sensitized(c, a.id);
  o["account"] = account_json(app, c, a);
  o["created_by_application_id"] = nullptr;
  o["invited_by_account_id"] = nullptr;
  return o;
}

json::object account_json(const App& app, store::Connection& c, const store::Account& account) {
  json::object o = account_json(app, account);
  if (account.moved_to_account_id && *account.moved_to_account_id != account.id) {
    auto moved = store::find_account(c, *account.moved_to_account_id);
    if (moved) o["moved"] = account_json(app, *moved);
  }
  return o;
}

json::object report_json(const App& app, store::Connection& c, const store::Report& report) {
  json::object o;
  o["id"] = std::to_string(report.id);
  o["action_taken"] = report.resolved();
  o["action_taken_at"] = optional_time(report.action_taken_at);
  o["category"] = report.category;
  o["comment"] = report.comment;
  o["forwarded"] = report.forwarded;
  o["created_at"] = rfc3339(report.created_at);
  o["status_ids"] = id_strings_or_null(report.status_ids);
  o["rule_ids"] = id_strings_or_null(report.rule_ids);
  auto target = store::find_account(c, report.target_account_id);
  o["target_account"] = target ? json::value(account_json(app, c, *target)) : nullptr;
  return o;
}

json::array admin_reports_json(const App& app, store::Connection& c, Id viewer,
                               const std::vector<store::Report>& reports) {
  json::array out;
  if (reports.empty()) return out;
  // Every account the page names, rendered once; every reported status in one batch.
  std::set<Id> account_ids;
  std::vector<Id> status_ids;
  for (const auto& r : reports) {
    account_ids.insert(r.account_id);
    account_ids.insert(r.target_account_id);
    if (r.assigned_account_id) account_ids.insert(*r.assigned_account_id);
    if (r.action_taken_by_account_id) account_ids.insert(*r.action_taken_by_account_id);
    status_ids.insert(status_ids.end(), r.status_ids.begin(), r.status_ids.end());
  }
  std::unordered_map<Id, json::value> accounts;
  for (const auto& a : store::find_accounts(c, {account_ids.begin(), account_ids.end()}))
    accounts.emplace(a.id, admin_account_json(app, c, a));
  auto statuses = store::find_statuses(c, status_ids);
  json::array rendered = StatusRenderer(app, c, viewer).render(statuses);
  std::unordered_map<Id, json::value*> status_json;
  for (std::size_t i = 0; i < statuses.size(); ++i) status_json[statuses[i].id] = &rendered[i];
  auto rules = store::list_rules(c);

  auto account = [&](std::optional<Id> id) -> json::value {
    if (!id) return nullptr;
    auto it = accounts.find(*id);
    return it == accounts.end() ? json::value(nullptr) : it->second;
  };
  for (const auto& r : reports) {
    json::object o;
    o["id"] = std::to_string(r.id);
    o["action_taken"] = r.resolved();
    o["action_taken_at"] = optional_time(r.action_taken_at);
    o["category"] = r.category;
    o["comment"] = r.comment;
    o["forwarded"] = r.forwarded;
    o["created_at"] = rfc3339(r.created_at);
    o["updated_at"] = rfc3339(r.updated_at);
    o["account"] = account(r.account_id);
    o["target_account"] = account(r.target_account_id);
    o["assigned_account"] = account(r.assigned_account_id);
    o["action_taken_by_account"] = account(r.action_taken_by_account_id);
    json::array report_statuses;
    for (Id id : r.status_ids)
      if (auto it = status_json.find(id); it != status_json.end())
        report_statuses.push_back(*it->second);
    o["statuses"] = std::move(report_statuses);
    json::array report_rules;
    for (Id id : r.rule_ids)
      for (const auto& rule : rules)
        if (rule.id == id) report_rules.push_back(rule_json(rule));
    o["rules"] = std::move(report_rules);
    out.push_back(std::move(o));
  }
  return out;
}

std::unordered_map<Id, json::object> notification_reports_json(
    const App& app, store::Connection& c, const std::vector<store::Notification>& notifications) {
  std::unordered_map<Id, json::object> out;
  std::vector<Id> ids;
  for (const auto& n : notifications)
    if (n.type == "admin.report") ids.push_back(n.id);
  if (ids.empty()) return out;
  auto pairs = store::notification_reports(c, ids);
  std::vector<Id> report_ids;
  for (const auto& [notification, report] : pairs) report_ids.push_back(report);
  std::unordered_map<Id, store::Report> reports;
  for (auto& r : store::find_reports(c, report_ids)) reports.emplace(r.id, std::move(r));
  for (const auto& [notification, report] : pairs)
    if (auto it = reports.find(report); it != reports.end())
      out.emplace(notification, report_json(app, c, it->second));
  return out;
}

}  // namespace herd::api
