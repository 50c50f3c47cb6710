#include "api/mastodon/scheduled_statuses.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/scheduled_statuses.hpp"

namespace herd::api {

namespace {

std::int64_t parse_time(const std::string& text) {
  auto at = parse_rfc3339(text);
  if (!at) fail(ErrorKind::validation, "Validation failed: Scheduled at is invalid");
  return *at;
}

http::Response render(App& app, const store::ScheduledStatus& s) {
  json::object body =
      app.db->read_value([&](store::Connection& c) { return scheduled_status_json(app, c, s); });
  return http::Response::json(body);
}

http::Response index(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  store::PageQuery page = read_page(request, 20, 40);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& s : store::page_scheduled_statuses(c, viewer.account_id(), page)) {
      cursors.push_back(s.id);
      out.push_back(scheduled_status_json(app, c, s));
    }
    return out;
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  auto s = app.db->read_value([&](store::Connection& c) {
    return service::own_scheduled_status(c, viewer.account_id(), path_id(request));
  });
  return render(app, s);
}

http::Response update(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  Id id = path_id(request);
  // Someone else's scheduled status is not found, whatever the parameters (as Mastodon).
  app.db->read(
      [&](store::Connection& c) { service::own_scheduled_status(c, viewer.account_id(), id); });
  auto at = http::param_string(request.params, "scheduled_at");
  if (!at || at->empty())
    fail(ErrorKind::validation, "Validation failed: Scheduled at can't be blank");
  return render(app, service::reschedule_status(app, viewer.account_id(), id, parse_time(*at)));
}

http::Response destroy(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  service::cancel_scheduled_status(app, viewer.account_id(), path_id(request));
  return http::Response::json(json::object{});
}

}  // namespace

http::Response scheduled_status_response(App& app, Id account_id, const service::NewStatus& input,
                                         const std::string& scheduled_at) {
  return render(app, service::schedule_status(app, account_id, input, parse_time(scheduled_at)));
}

void add_scheduled_status_routes(http::Router& router, App& app) {
  router.get("/api/v1/scheduled_statuses", [&app](http::Request& r) { return index(app, r); });
  router.get("/api/v1/scheduled_statuses/:id", [&app](http::Request& r) { return show(app, r); });
  router.put("/api/v1/scheduled_statuses/:id", [&app](http::Request& r) { return update(app, r); });
  router.del("/api/v1/scheduled_statuses/:id",
             [&app](http::Request& r) { return destroy(app, r); });
}

}  // namespace herd::api
