// Notifications v1: list (types[], exclude_types[], account_id, cursors), get one, clear, dismiss,
// unread count.
#include "api/mastodon/notifications.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"

namespace herd::api {

store::NotificationFilter read_notification_filter(const http::Request& request) {
  store::NotificationFilter filter;
  filter.types = http::param_strings(request.params, "types");
  filter.exclude_types = http::param_strings(request.params, "exclude_types");
  if (auto account = http::param_string(request.params, "account_id"); account && !account->empty())
    filter.from_account_id = parse_id(*account).value_or(-1);  // unknown: matches nothing
  filter.include_filtered = http::param_bool(request.params, "include_filtered").value_or(false);
  return filter;
}

namespace {

http::Response list(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  store::PageQuery page = read_page(request, 40, 80);
  auto filter = read_notification_filter(request);
  Id me = viewer.account_id();
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto rows = store::page_notifications(c, me, filter, page);
    for (const auto& n : rows) cursors.push_back(n.id);
    return notifications_json(app, c, me, rows, "notifications");
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  Id id = path_id(request);
  Id me = viewer.account_id();
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto n = store::find_notification(c, me, id);
    if (!n) not_found();
    return notifications_json(app, c, me, {*n}, "notifications");
  });
  if (body.empty()) not_found();
  return http::Response::json(body.at(0));
}

http::Response clear(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:notifications");
  app.db->write(
      [&](store::Connection& c) { store::delete_all_notifications(c, viewer.account_id()); });
  return http::Response::json(json::object());
}

http::Response dismiss(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:notifications");
  Id id = path_id(request);
  bool removed = app.db->write_value(
      [&](store::Connection& c) { return store::delete_notification(c, viewer.account_id(), id); });
  if (!removed) not_found();
  return http::Response::json(json::object());
}

http::Response unread_count(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:notifications");
  auto limit = http::param_int(request.params, "limit").value_or(100);
  int capped = static_cast<int>(std::clamp<std::int64_t>(limit, 1, 1000));
  auto filter = read_notification_filter(request);
  std::int64_t count = app.db->read_value([&](store::Connection& c) {
    return store::count_notifications(c, viewer.account_id(), filter, std::nullopt, capped);
  });
  return http::Response::json(json::object{{"count", count}});
}

}  // namespace

void add_notification_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  // A page of the local database: a quick read (http::Cost). Not v2's grouped list, which groups
  // every notification of the account in the page's range.
  router.get("/api/v1/notifications", bind(list), http::Cost::quick_read);
  router.get("/api/v1/notifications/unread_count", bind(unread_count));
  router.post("/api/v1/notifications/clear", bind(clear));
  router.get("/api/v1/notifications/:id", bind(show));
  router.post("/api/v1/notifications/:id/dismiss", bind(dismiss));
}

}  // namespace herd::api
