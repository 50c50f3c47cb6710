// Admin accounts, as Mastodon's admin API has them (moderators, admins and owners; scopes
// admin:read:accounts / admin:write:accounts):
//   GET  /api/v1/admin/accounts   local, remote, active, pending, disabled, silenced, suspended,
//                                 staff, username, display_name, email, by_domain
//   GET  /api/v2/admin/accounts   origin, status, permissions, and the same text filters
//   GET  /api/v1/admin/accounts/:id
//   POST /api/v1/admin/accounts/:id/action (type, report_id), approve, reject, enable, unsilence,
//        unsuspend, unsensitive
// Answers are Admin::Account entities ({} for action).
#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/account_actions.hpp"
#include "store/accounts.hpp"
#include "store/moderation.hpp"

namespace herd::api {

namespace {

store::AdminAccountFilter text_filters(const http::Request& request) {
  store::AdminAccountFilter f;
  const auto& p = request.params;
  f.username = http::param_string(p, "username").value_or("");
  f.display_name = http::param_string(p, "display_name").value_or("");
  f.email = http::param_string(p, "email").value_or("");
  f.by_domain = http::param_string(p, "by_domain").value_or("");
  return f;
}

http::Response list(App& app, http::Request& request, const store::AdminAccountFilter& filter) {
  require_staff(app, request, "admin:read:accounts");
  store::PageQuery page = read_page(request, 100, 200);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    cursors = store::page_admin_accounts(c, filter, page);
    json::array out;
    auto accounts = store::find_accounts(c, cursors);
    for (Id id : cursors)
      for (const auto& a : accounts)
        if (a.id == id) out.push_back(admin_account_json(app, c, a));
    return out;
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response list_v1(App& app, http::Request& request) {
  store::AdminAccountFilter f = text_filters(request);
  const auto& p = request.params;
  auto flag = [&](const char* key) { return http::param_bool(p, key).value_or(false); };
  if (flag("local")) f.origin = "local";
  if (flag("remote")) f.origin = "remote";
  for (const char* status : {"active", "pending", "disabled", "silenced", "suspended"})
    if (flag(status)) f.status = status;
  f.staff = flag("staff");
  return list(app, request, f);
}

http::Response list_v2(App& app, http::Request& request) {
  store::AdminAccountFilter f = text_filters(request);
  const auto& p = request.params;
  f.origin = http::param_string(p, "origin");
  f.status = http::param_string(p, "status");
  f.staff = http::param_string(p, "permissions").value_or("") == "staff";
  if (f.origin && *f.origin != "local" && *f.origin != "remote")
    fail(ErrorKind::validation, "origin must be local or remote");
  return list(app, request, f);
}

http::Response show(App& app, http::Request& request, Id id) {
  json::object body = app.db->read_value([&](store::Connection& c) {
    auto account = store::find_account(c, id);
    if (!account) not_found();
    return admin_account_json(app, c, *account);
  });
  return http::Response::json(body);
}

http::Response show_one(App& app, http::Request& request) {
  require_staff(app, request, "admin:read:accounts");
  return show(app, request, path_id(request));
}

http::Response action(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write:accounts");
  std::optional<Id> report;
  if (auto text = http::param_string(request.params, "report_id"); text && !text->empty()) {
    report = parse_id(*text);
    if (!report) not_found();
  }
  service::act_on_account(
      app, viewer.account_id(), path_id(request),
      http::param_string(request.params, "type").value_or("none"), report,
      http::param_bool(request.params, "send_email_notification").value_or(true));
  return http::Response::json(json::object{});
}

}  // namespace

void add_admin_account_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/accounts", [&app](http::Request& r) { return list_v1(app, r); });
  router.get("/api/v2/admin/accounts", [&app](http::Request& r) { return list_v2(app, r); });
  router.get("/api/v1/admin/accounts/:id", [&app](http::Request& r) { return show_one(app, r); });
  router.post("/api/v1/admin/accounts/:id/action",
              [&app](http::Request& r) { return action(app, r); });
  router.post("/api/v1/admin/accounts/:id/approve", [&app](http::Request& r) {
    Viewer viewer = require_staff(app, r, "admin:write:accounts");
    service::approve_account(app, viewer.account_id(), path_id(r));
    return show(app, r, path_id(r));
  });
  router.post("/api/v1/admin/accounts/:id/reject", [&app](http::Request& r) {
    Viewer viewer = require_staff(app, r, "admin:write:accounts");
    json::object before = app.db->read_value([&](store::Connection& c) {
      auto account = store::find_account(c, path_id(r));
      if (!account) not_found();
      return admin_account_json(app, c, *account);
    });
    service::reject_account(app, viewer.account_id(), path_id(r));
    return http::Response::json(before);
  });
  for (const char* undo : {"enable", "unsilence", "unsuspend", "unsensitive"}) {
    std::string path = std::string("/api/v1/admin/accounts/:id/") + undo;
    router.post(path, [&app, undo](http::Request& r) {
      Viewer viewer = require_staff(app, r, "admin:write:accounts");
      service::undo_account_action(app, viewer.account_id(), path_id(r), undo);
      return show(app, r, path_id(r));
    });
  }
}

}  // namespace herd::api
