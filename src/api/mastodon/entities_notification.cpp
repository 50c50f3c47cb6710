// GroupedNotificationsResults (Mastodon 4.3's /api/v2/notifications) and NotificationRequest,
// rendered per page with a fixed number of queries: the groups' statuses in one StatusRenderer
// batch, their accounts in one query.
#include <unordered_map>
#include <unordered_set>

#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

// Statuses by id as the viewer sees them in notifications (absent: gone, not visible or hidden by
// a filter).
std::unordered_map<Id, json::value> visible_statuses_json(const App& app, store::Connection& c,
                                                          Id viewer, const std::vector<Id>& ids) {
  std::unordered_map<Id, json::value> out;
  auto statuses = service::visible_only(c, viewer, store::find_statuses(c, ids));
  for (auto& item : StatusRenderer(app, c, viewer, "notifications").render(statuses))
    if (auto id = parse_id(item.as_object().at("id").as_string())) out.emplace(*id, item);
  return out;
}

// PartialAccountWithAvatar.
json::object partial_account_json(const App& app, const store::Account& a) {
  return json::object{{"id", std::to_string(a.id)},
                      {"acct", a.acct()},
                      {"url", a.url.empty() ? a.uri : a.url},
                      {"avatar", app.avatar_url(a)},
                      {"avatar_static", app.avatar_static_url(a)},
                      {"locked", a.locked},
                      {"bot", a.bot}};
}

}  // namespace

json::object grouped_notifications_json(const App& app, store::Connection& c, Id viewer,
                                        const std::vector<store::NotificationGroup>& groups,
                                        bool partial_avatars, bool paginated) {
  std::vector<Id> status_ids, account_ids;
  std::vector<store::Notification> reports;  // admin.report groups: their newest notification
  for (const auto& g : groups) {
    if (g.status_id) status_ids.push_back(*g.status_id);
    account_ids.insert(account_ids.end(), g.sample_account_ids.begin(), g.sample_account_ids.end());
    if (g.type == "admin.report") {
      store::Notification n;
      n.id = g.most_recent_id;
      n.type = g.type;
      reports.push_back(n);
    }
  }
  auto statuses = visible_statuses_json(app, c, viewer, status_ids);
  std::unordered_map<Id, store::Account> accounts;
  for (auto& a : store::find_accounts(c, account_ids)) accounts.emplace(a.id, std::move(a));
  auto report_json = notification_reports_json(app, c, reports);

  json::array groups_json, statuses_json, accounts_json, partial_json;
  std::unordered_set<Id> statuses_sent, full_sent, partial_sent;
  for (const auto& g : groups) {
    json::value status = nullptr;
    if (g.status_id) {
      auto it = statuses.find(*g.status_id);
      if (it == statuses.end()) continue;  // gone or hidden: clients need the status
      if (statuses_sent.insert(*g.status_id).second) statuses_json.push_back(it->second);
    }
    json::array samples;
    bool first = true;
    for (Id id : g.sample_account_ids) {
      auto a = accounts.find(id);
      if (a == accounts.end()) continue;
      samples.push_back(json::value(std::to_string(id)));
      // With partial_avatars only each group's newest account is rendered in full.
      if (!partial_avatars || first) {
        if (full_sent.insert(id).second) accounts_json.push_back(account_json(app, a->second));
      } else if (!full_sent.count(id) && partial_sent.insert(id).second) {
        partial_json.push_back(partial_account_json(app, a->second));
      }
      first = false;
    }
    if (samples.empty()) continue;
    json::object o;
    o["group_key"] = g.group_key;
    o["notifications_count"] = g.count;
    o["type"] = g.type;
    o["most_recent_notification_id"] = std::to_string(g.most_recent_id);
    if (paginated) {
      o["page_min_id"] = std::to_string(g.page_min_id);
      o["page_max_id"] = std::to_string(g.most_recent_id);
      o["latest_page_notification_at"] = rfc3339(g.latest_at);
    }
    o["sample_account_ids"] = std::move(samples);
    if (g.status_id) o["status_id"] = std::to_string(*g.status_id);
    if (auto r = report_json.find(g.most_recent_id); r != report_json.end())
      o["report"] = r->second;
    groups_json.push_back(std::move(o));
  }
  // An account rendered in full need not appear among the partial ones.
  json::array partial;
  for (auto& p : partial_json)
    if (auto id = parse_id(p.as_object().at("id").as_string()); id && !full_sent.count(*id))
      partial.push_back(std::move(p));
  json::object out{{"accounts", std::move(accounts_json)},
                   {"statuses", std::move(statuses_json)},
                   {"notification_groups", std::move(groups_json)}};
  if (partial_avatars) out["partial_accounts"] = std::move(partial);
  return out;
}

json::array notification_requests_json(const App& app, store::Connection& c, Id viewer,
                                       const std::vector<store::NotificationRequest>& requests) {
  std::vector<Id> status_ids, account_ids;
  for (const auto& r : requests) {
    account_ids.push_back(r.from_account_id);
    if (r.last_status_id) status_ids.push_back(*r.last_status_id);
  }
  auto statuses = visible_statuses_json(app, c, viewer, status_ids);
  std::unordered_map<Id, store::Account> accounts;
  for (auto& a : store::find_accounts(c, account_ids)) accounts.emplace(a.id, std::move(a));
  json::array out;
  for (const auto& r : requests) {
    auto a = accounts.find(r.from_account_id);
    if (a == accounts.end()) continue;
    json::object o{{"id", std::to_string(r.id)},
                   {"created_at", rfc3339(r.created_at)},
                   {"updated_at", rfc3339(r.updated_at)},
                   {"account", account_json(app, a->second)},
                   {"notifications_count", std::to_string(r.notifications_count)}};
    if (r.last_status_id)
      if (auto s = statuses.find(*r.last_status_id); s != statuses.end())
        o["last_status"] = s->second;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace herd::api
