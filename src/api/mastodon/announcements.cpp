// Announcements: GET /api/v1/announcements (active ones; with_dismissed=true: dismissed too),
// POST /api/v1/announcements/:id/dismiss, PUT/DELETE /api/v1/announcements/:id/reactions/:name.
#include "service/announcements.hpp"

#include "api/auth.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "http/request.hpp"
#include "text/format.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<std::int64_t>& at) {
  return at ? json::value(rfc3339(*at)) : json::value(nullptr);
}

http::Response index(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  Id me = viewer.account_id();
  bool with_dismissed = http::param_bool(request.params, "with_dismissed").value_or(false);
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto announcements = store::active_announcements(c, now_unix_ms());
    std::vector<Id> ids;
    for (const auto& a : announcements) ids.push_back(a.id);
    auto dismissed = store::dismissed_among(c, me, ids);
    auto reactions = store::load_reactions(c, me, ids);
    json::array out;
    for (const auto& a : announcements) {
      bool read = dismissed.count(a.id) > 0;
      if (read && !with_dismissed) continue;
      json::array reacted;
      for (const auto& r : reactions[a.id])
        reacted.push_back(json::object{{"name", r.name},
                                       {"count", r.count},
                                       {"me", r.me},
                                       {"url", nullptr},
                                       {"static_url", nullptr}});
      out.push_back(json::object{{"id", std::to_string(a.id)},
                                 {"content", text::format_status(a.text, app.base_url(), {}).html},
                                 {"starts_at", time_or_null(a.starts_at)},
                                 {"ends_at", time_or_null(a.ends_at)},
                                 {"all_day", a.all_day},
                                 {"published", true},
                                 {"published_at", rfc3339(a.published_at)},
                                 {"updated_at", rfc3339(a.updated_at)},
                                 {"read", read},
                                 {"mentions", json::array()},
                                 {"statuses", json::array()},
                                 {"tags", json::array()},
                                 {"emojis", json::array()},
                                 {"reactions", std::move(reacted)}});
    }
    return out;
  });
  return http::Response::json(body);
}

http::Response react(App& app, http::Request& request, bool add) {
  Viewer viewer = require_user(app, request, "write:favourites");
  service::react_to_announcement(app, viewer.account_id(), path_id(request),
                                 http::percent_decode(request.path_param("name"), false), add);
  return http::Response::json(json::object{});
}

}  // namespace

void add_announcement_routes(http::Router& router, App& app) {
  router.get("/api/v1/announcements", [&app](http::Request& r) { return index(app, r); });
  router.post("/api/v1/announcements/:id/dismiss", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:accounts");
    service::dismiss_announcement(app, viewer.account_id(), path_id(r));
    return http::Response::json(json::object{});
  });
  router.put("/api/v1/announcements/:id/reactions/:name",
             [&app](http::Request& r) { return react(app, r, true); });
  router.del("/api/v1/announcements/:id/reactions/:name",
             [&app](http::Request& r) { return react(app, r, false); });
}

}  // namespace herd::api
