// Admin reports, as Mastodon's admin API has them (moderators, admins and owners; scopes
// admin:read:reports / admin:write:reports, or admin:read / admin:write):
//   GET  /api/v1/admin/reports                 unresolved (resolved=true: resolved), account_id,
//                                              target_account_id, cursors, limit (100, max 200)
//   GET  /api/v1/admin/reports/:id
//   POST /api/v1/admin/reports/:id/resolve | reopen | assign_to_self | unassign
// Every answer is an Admin::Report (a list of them for the index).
#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/reports.hpp"
#include "store/reports.hpp"

namespace herd::api {

namespace {

http::Response render_one(App& app, Id viewer, const store::Report& report) {
  json::array body = app.db->read_value(
      [&](store::Connection& c) { return admin_reports_json(app, c, viewer, {report}); });
  return http::Response::json(body.at(0));
}

std::optional<Id> optional_id(const http::Request& request, std::string_view key) {
  auto text = http::param_string(request.params, key);
  if (!text || text->empty()) return std::nullopt;
  return parse_id(*text).value_or(-1);  // not a number: matches nothing
}

http::Response list(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read:reports");
  store::PageQuery page = read_page(request, 100, 200);
  store::ReportFilter filter;
  filter.resolved = http::param_bool(request.params, "resolved").value_or(false);
  filter.account_id = optional_id(request, "account_id");
  filter.target_account_id = optional_id(request, "target_account_id");
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto reports = store::page_reports(c, filter, page);
    for (const auto& r : reports) cursors.push_back(r.id);
    return admin_reports_json(app, c, viewer.account_id(), reports);
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read:reports");
  Id id = path_id(request);
  auto report = app.db->read_value([&](store::Connection& c) { return store::find_report(c, id); });
  if (!report) not_found();
  return render_one(app, viewer.account_id(), *report);
}

http::Response resolve(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write:reports");
  auto report = service::resolve_report(app, path_id(request), viewer.account_id());
  return render_one(app, viewer.account_id(), report);
}

http::Response reopen(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write:reports");
  auto report = service::reopen_report(app, path_id(request));
  return render_one(app, viewer.account_id(), report);
}

http::Response assign_to_self(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write:reports");
  auto report = service::assign_report(app, path_id(request), viewer.account_id());
  return render_one(app, viewer.account_id(), report);
}

http::Response unassign(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write:reports");
  auto report = service::assign_report(app, path_id(request), std::nullopt);
  return render_one(app, viewer.account_id(), report);
}

}  // namespace

void add_admin_report_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v1/admin/reports", bind(list));
  router.get("/api/v1/admin/reports/:id", bind(show));
  router.post("/api/v1/admin/reports/:id/resolve", bind(resolve));
  router.post("/api/v1/admin/reports/:id/reopen", bind(reopen));
  router.post("/api/v1/admin/reports/:id/assign_to_self", bind(assign_to_self));
  router.post("/api/v1/admin/reports/:id/unassign", bind(unassign));
}

}  // namespace herd::api
