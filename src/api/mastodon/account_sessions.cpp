// herd extensions (Mastodon keeps these in server-rendered settings pages, as herd does at
// /settings/sessions): the signed-in user's browser sessions and the applications holding their
// tokens, each revocable, for the web client's settings.
//   GET /api/v1/sessions (read:accounts): [{id, user_agent, ip, created_at, current}]
//   DELETE /api/v1/sessions/:id (write:accounts): signs that browser out
//   GET /api/v1/authorized_applications (read:accounts):
//     [{id, name, website, scopes, created_at, current}]
//   DELETE /api/v1/authorized_applications/:id (write:accounts): revokes every token of the user
//     for that application (and their Web Push subscriptions)
// `current` marks the browser session of the request's cookie and the application of its token.
#include "api/auth.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "service/sessions.hpp"
#include "store/sessions.hpp"
#include "web/web.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

json::array split_scopes(const std::string& scopes) {
  json::array out;
  std::size_t start = 0;
  while (start < scopes.size()) {
    std::size_t end = scopes.find(' ', start);
    if (end == std::string::npos) end = scopes.size();
    if (end > start) out.emplace_back(scopes.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

http::Response sessions(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  auto browser = web::current_session(app, request);
  auto list = app.db->read_value([&](store::Connection& c) {
    return store::list_user_sessions(c, viewer.user->id,
                                     now_unix_ms() - service::kSessionLifetimeMs);
  });
  json::array out;
  for (const auto& s : list)
    out.push_back(json::object{{"id", std::to_string(s.id)},
                               {"user_agent", s.user_agent},
                               {"ip", s.ip},
                               {"created_at", rfc3339(s.created_at)},
                               {"current", browser && browser->session.id == s.id}});
  return http::Response::json(out);
}

http::Response applications(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  auto list = app.db->read_value(
      [&](store::Connection& c) { return store::list_authorized_apps(c, viewer.user->id); });
  json::array out;
  for (const auto& a : list)
    out.push_back(
        json::object{{"id", std::to_string(a.application_id)},
                     {"name", a.name},
                     {"website", a.website ? json::value(*a.website) : json::value(nullptr)},
                     {"scopes", split_scopes(a.scopes)},
                     {"created_at", rfc3339(a.authorized_at)},
                     {"current", a.application_id == viewer.token->application_id}});
  return http::Response::json(out);
}

}  // namespace

void add_account_session_routes(http::Router& router, App& app) {
  router.get("/api/v1/sessions", [&app](http::Request& r) { return sessions(app, r); });
  router.del("/api/v1/sessions/:id", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:accounts");
    Id id = path_id(r);
    if (!app.db->write_value([&](store::Connection& c) {
          return store::delete_user_session(c, viewer.user->id, id);
        }))
      not_found();
    return http::Response::json(json::object{});
  });
  router.get("/api/v1/authorized_applications",
             [&app](http::Request& r) { return applications(app, r); });
  router.del("/api/v1/authorized_applications/:id", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:accounts");
    Id id = path_id(r);
    if (app.db->write_value([&](store::Connection& c) {
          return store::revoke_app_tokens(c, viewer.user->id, id, now_unix_ms());
        }) == 0)
      not_found();
    return http::Response::json(json::object{});
  });
}

}  // namespace herd::api
