// Notifications v2 (Mastodon 4.3): grouped notifications (list, one group, its accounts,
// dismiss, unread count), the notification policy (v2, and v1 for older clients) and notification
// requests (list, show, accept, dismiss, in bulk, merged).
#include "store/notification_groups.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/notifications.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "store/markers.hpp"

namespace herd::api {

namespace {

http::Response list(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  store::PageQuery page = read_page(request, 40, 80);
  auto filter = read_notification_filter(request);
  auto grouped_types = http::param_strings(request.params, "grouped_types");
  bool partial = http::param_string(request.params, "expand_accounts") == "partial_avatars";
  Id me = viewer.account_id();
  std::vector<Id> cursors;
  json::object body = app.db->read_value([&](store::Connection& c) {
    auto groups = store::page_notification_groups(c, me, filter, grouped_types, page);
    for (const auto& g : groups) cursors.push_back(g.most_recent_id);
    if (!groups.empty() && !page.min_id) {  // the next page starts below the oldest group shown
      Id lower = groups.front().page_min_id;
      for (const auto& g : groups) lower = std::min(lower, g.page_min_id);
      cursors.back() = lower;
    }
    return grouped_notifications_json(app, c, me, groups, partial, true);
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  std::string key = request.path_param("group_key");
  Id me = viewer.account_id();
  json::object body = app.db->read_value([&](store::Connection& c) {
    auto group = store::find_notification_group(c, me, key);
    if (!group) not_found();
    return grouped_notifications_json(app, c, me, {*group}, false, false);
  });
  if (body.at("notification_groups").as_array().empty()) not_found();
  return http::Response::json(body);
}

http::Response accounts(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  std::string key = request.path_param("group_key");
  Id me = viewer.account_id();
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto ids = store::notification_group_account_ids(c, me, key);
    if (ids.empty()) not_found();
    return accounts_json(app, c, ids);
  });
  return http::Response::json(body);
}

http::Response dismiss(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:notifications");
  std::string key = request.path_param("group_key");
  bool removed = app.db->write_value([&](store::Connection& c) {
    return store::delete_notification_group(c, viewer.account_id(), key);
  });
  if (!removed) not_found();
  return http::Response::json(json::object());
}

// Groups newer than the notifications read marker.
http::Response unread_count(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  auto limit = http::param_int(request.params, "limit").value_or(100);
  int capped = static_cast<int>(std::clamp<std::int64_t>(limit, 1, 1000));
  auto filter = read_notification_filter(request);
  filter.include_filtered = false;
  auto grouped_types = http::param_strings(request.params, "grouped_types");
  Id me = viewer.account_id();
  std::int64_t count = app.db->read_value([&](store::Connection& c) {
    std::optional<Id> after;
    for (const auto& m : store::find_markers(c, me, {"notifications"})) after = m.last_read_id;
    return store::count_notification_groups(c, me, filter, grouped_types, after, capped);
  });
  return http::Response::json(json::object{{"count", count}});
}

// ---- policy ------------------------------------------------------------------------------------

json::object summary_json(store::Connection& c, Id me) {
  auto summary = store::summarize_notification_requests(c, me);
  return json::object{{"pending_requests_count", summary.pending_requests_count},
                      {"pending_notifications_count", summary.pending_notifications_count}};
}

json::object policy_json(store::Connection& c, Id me, bool v1) {
  auto p = store::find_notification_policy(c, me);
  if (v1)  // V1::NotificationPolicy: booleans (anything but accept filters)
    return json::object{{"filter_not_following", p.for_not_following != "accept"},
                        {"filter_not_followers", p.for_not_followers != "accept"},
                        {"filter_new_accounts", p.for_new_accounts != "accept"},
                        {"filter_private_mentions", p.for_private_mentions != "accept"},
                        {"summary", summary_json(c, me)}};
  return json::object{{"for_not_following", p.for_not_following},
                      {"for_not_followers", p.for_not_followers},
                      {"for_new_accounts", p.for_new_accounts},
                      {"for_private_mentions", p.for_private_mentions},
                      {"for_limited_accounts", p.for_limited_accounts},
                      {"summary", summary_json(c, me)}};
}

http::Response show_policy(App& app, http::Request& request, bool v1) {
  Viewer viewer = require_user(app, request, "read:notifications");
  return http::Response::json(app.db->read_value(
      [&](store::Connection& c) { return policy_json(c, viewer.account_id(), v1); }));
}

// Reads one setting: v2 "accept"/"filter"/"drop" (422 otherwise), v1 a boolean filter_* flag.
void read_setting(const http::Request& request, bool v1, const char* name, std::string& out) {
  std::string key = std::string(v1 ? "filter_" : "for_") + name;
  if (v1) {
    if (auto flag = http::param_bool(request.params, key)) out = *flag ? "filter" : "accept";
    return;
  }
  auto value = http::param_string(request.params, key);
  if (!value) return;
  if (*value != "accept" && *value != "filter" && *value != "drop")
    fail(ErrorKind::validation, "Validation failed: " + key + " is not included in the list");
  out = *value;
}

http::Response update_policy(App& app, http::Request& request, bool v1) {
  Viewer viewer = require_user(app, request, "write:notifications");
  Id me = viewer.account_id();
  return http::Response::json(app.db->write_value([&](store::Connection& c) {
    auto p = store::find_notification_policy(c, me);
    read_setting(request, v1, "not_following", p.for_not_following);
    read_setting(request, v1, "not_followers", p.for_not_followers);
    read_setting(request, v1, "new_accounts", p.for_new_accounts);
    read_setting(request, v1, "private_mentions", p.for_private_mentions);
    if (!v1) read_setting(request, v1, "limited_accounts", p.for_limited_accounts);
    store::save_notification_policy(c, me, p, now_unix_ms());
    return policy_json(c, me, v1);
  }));
}

// ---- requests ----------------------------------------------------------------------------------

http::Response list_requests(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  store::PageQuery page = read_page(request, 40, 80);
  Id me = viewer.account_id();
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto requests = store::page_notification_requests(c, me, page);
    for (const auto& r : requests) cursors.push_back(r.id);
    return notification_requests_json(app, c, me, requests);
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response show_request(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  Id id = path_id(request);
  Id me = viewer.account_id();
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto found = store::find_notification_request(c, me, id);
    if (!found) not_found();
    return notification_requests_json(app, c, me, {*found});
  });
  if (body.empty()) not_found();
  return http::Response::json(body.at(0));
}

// Accepts (or dismisses) the requests; an unknown id is a 404 for one, skipped in bulk.
void decide(App& app, Id me, const std::vector<Id>& ids, bool accept, bool single) {
  app.db->write([&](store::Connection& c) {
    for (Id id : ids) {
      bool found = accept ? store::accept_notification_request(c, me, id, now_unix_ms())
                          : store::dismiss_notification_request(c, me, id);
      if (!found && single) not_found();
    }
  });
}

http::Response decide_one(App& app, http::Request& request, bool accept) {
  Viewer viewer = require_user(app, request, "write:notifications");
  decide(app, viewer.account_id(), {path_id(request)}, accept, true);
  return http::Response::json(json::object());
}

http::Response decide_many(App& app, http::Request& request, bool accept) {
  Viewer viewer = require_user(app, request, "write:notifications");
  std::vector<Id> ids;
  for (const auto& value : http::param_strings(request.params, "id"))
    if (auto id = parse_id(value)) ids.push_back(*id);
  decide(app, viewer.account_id(), ids, accept, false);
  return http::Response::json(json::object());
}

// Accepted requests are merged inside the accepting transaction: always done.
http::Response merged(App& app, http::Request& request) {
  require_user(app, request, "read:notifications");
  return http::Response::json(json::object{{"merged", true}});
}

}  // namespace

void add_notification_group_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  auto bind_flag = [&app](http::Response (*fn)(App&, http::Request&, bool), bool flag) {
    return [&app, fn, flag](http::Request& request) { return fn(app, request, flag); };
  };
  router.get("/api/v2/notifications", bind(list));
  router.get("/api/v2/notifications/unread_count", bind(unread_count));
  router.get("/api/v2/notifications/policy", bind_flag(show_policy, false));
  router.patch("/api/v2/notifications/policy", bind_flag(update_policy, false));
  router.put("/api/v2/notifications/policy", bind_flag(update_policy, false));  // as Rails' update
  router.get("/api/v1/notifications/policy", bind_flag(show_policy, true));
  router.put("/api/v1/notifications/policy", bind_flag(update_policy, true));
  router.patch("/api/v1/notifications/policy", bind_flag(update_policy, true));
  router.get("/api/v2/notifications/:group_key", bind(show));
  router.get("/api/v2/notifications/:group_key/accounts", bind(accounts));
  router.post("/api/v2/notifications/:group_key/dismiss", bind(dismiss));

  router.get("/api/v1/notifications/requests", bind(list_requests));
  router.get("/api/v1/notifications/requests/merged", bind(merged));
  router.post("/api/v1/notifications/requests/accept", bind_flag(decide_many, true));
  router.post("/api/v1/notifications/requests/dismiss", bind_flag(decide_many, false));
  router.get("/api/v1/notifications/requests/:id", bind(show_request));
  router.post("/api/v1/notifications/requests/:id/accept", bind_flag(decide_one, true));
  router.post("/api/v1/notifications/requests/:id/dismiss", bind_flag(decide_one, false));
}

}  // namespace herd::api
