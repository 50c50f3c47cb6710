// Quote posts (Mastodon 4.5): GET /api/v1/statuses/:id/quotes, POST
// /api/v1/statuses/:id/quotes/:quoting_status_id/revoke, PUT
// /api/v1/statuses/:id/interaction_policy. (quoted_status_id and quote_approval_policy on posting
// and editing: statuses.cpp, status_edits.cpp.)
#include "service/quotes.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

http::Response render(App& app, Id viewer, const store::Status& status) {
  return http::Response::json(app.db->read_value(
      [&](store::Connection& c) { return StatusRenderer(app, c, viewer).render_one(status); }));
}

http::Response quotes(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  Id me = viewer.account_id();
  store::PageQuery page = read_page(request, 20, 40);
  service::QuotesPage quotes = service::quotes_of(app, me, path_id(request), page);
  json::array body = app.db->read_value(
      [&](store::Connection& c) { return StatusRenderer(app, c, me).render(quotes.statuses); });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, quotes.cursors, page.limit);
  return response;
}

http::Response revoke(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  store::Status quoting = service::revoke_quote(app, viewer.account_id(), path_id(request),
                                                path_id(request, "quoting_status_id"));
  return render(app, viewer.account_id(), quoting);
}

http::Response interaction_policy(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  auto policy =
      service::read_quote_policy(http::param_string(request.params, "quote_approval_policy"));
  if (!policy) {
    // Someone else's status is not found, whatever the parameters (as Mastodon).
    bool own = app.db->read_value([&](store::Connection& c) {
      auto status = store::find_status(c, path_id(request));
      return status && status->account_id == viewer.account_id() && !status->reblog_of_id;
    });
    if (!own) not_found();
    fail(ErrorKind::validation, "Validation failed: Quote approval policy can't be blank");
  }
  store::Status status =
      service::set_interaction_policy(app, viewer.account_id(), path_id(request), *policy);
  return render(app, viewer.account_id(), status);
}

}  // namespace

void add_quote_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v1/statuses/:id/quotes", bind(quotes));
  router.post("/api/v1/statuses/:id/quotes/:quoting_status_id/revoke", bind(revoke));
  router.put("/api/v1/statuses/:id/interaction_policy", bind(interaction_policy));
}

}  // namespace herd::api
