// Hashtags: GET /api/v1/tags/:name, POST /api/v1/tags/:name/follow and /unfollow,
// GET /api/v1/followed_tags, and trends: GET /api/v1/trends/tags (alias /api/v1/trends) and
// /api/v1/trends/statuses over the last two days (api/mastodon/trends.hpp: only the ones an
// admin approved, unless HERD_TRENDABLE_BY_DEFAULT).
#include "service/tags.hpp"

#include <algorithm>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/trends.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"
#include "text/format.hpp"

namespace herd::api {

namespace {

http::Response tag_response(App& app, const store::Tag& tag, Id viewer) {
  json::object body =
      app.db->read_value([&](store::Connection& c) { return tag_json(app, c, tag, viewer); });
  return http::Response::json(body);
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  auto name = text::hashtag_name(request.path_param("name"));
  if (!name) not_found();
  auto tag = app.db->read_value([&](store::Connection& c) { return store::find_tag(c, *name); });
  if (!tag) not_found();
  return tag_response(app, *tag, viewer.account_id());
}

http::Response follow(App& app, http::Request& request, bool undo) {
  Viewer viewer = require_user(app, request, "write:follows");
  const std::string& name = request.path_param("name");
  store::Tag tag = undo ? service::unfollow_tag(app, viewer.account_id(), name)
                        : service::follow_tag(app, viewer.account_id(), name);
  return tag_response(app, tag, viewer.account_id());
}

http::Response followed(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:follows");
  store::PageQuery page = read_page(request, 100, 200);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& f : store::page_followed_tags(c, viewer.account_id(), page)) {
      cursors.push_back(f.row_id);
      out.push_back(tag_json(app, c, f.tag, viewer.account_id()));
    }
    return out;
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response trending_tags(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read");
  auto [limit, offset] = limit_offset(request, 10, 20);
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& tag :
         store::trending_tags(c, now_unix_ms() - kTrendWindowMs, limit, offset, public_trends(app)))
      out.push_back(tag_json(app, c, tag, viewer.account_id()));
    return out;
  });
  return http::Response::json(body);
}

http::Response trending_statuses(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  Id me = viewer.account_id();
  auto [limit, offset] = limit_offset(request, 20, 40);
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto ids = store::trending_status_ids(c, now_unix_ms() - kTrendWindowMs, limit, offset,
                                          public_trends(app));
    auto statuses = service::visible_only(c, me, store::find_statuses(c, ids));
    std::vector<store::Status> ordered;
    for (Id id : ids)
      for (const auto& s : statuses)
        if (s.id == id) ordered.push_back(s);
    return StatusRenderer(app, c, me, "public").render(ordered);
  });
  return http::Response::json(body);
}

json::array featured_json(App& app, store::Connection& c, const store::Account& account) {
  json::array out;
  for (const auto& featured : store::featured_tags_of(c, account.id))
    out.push_back(
        featured_tag_json(app, featured, account.url.empty() ? account.uri : account.url));
  return out;
}

http::Response featured_tags(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  json::array body = app.db->read_value(
      [&](store::Connection& c) { return featured_json(app, c, *viewer.account); });
  return http::Response::json(body);
}

http::Response account_featured_tags(App& app, http::Request& request) {
  optional_user(app, request, "read:accounts");
  Id id = path_id(request);
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto account = store::find_account(c, id);
    if (!account || account->suspended) not_found();
    return featured_json(app, c, *account);
  });
  return http::Response::json(body);
}

http::Response feature(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:accounts");
  Id id = service::feature_tag(app, viewer.account_id(),
                               http::param_string(request.params, "name").value_or(""));
  json::object body = app.db->read_value([&](store::Connection& c) {
    for (auto& featured : featured_json(app, c, *viewer.account))
      if (featured.as_object().at("id").as_string() == std::to_string(id))
        return featured.as_object();
    not_found();
  });
  return http::Response::json(body);
}

http::Response suggestions(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& tag : store::recent_tags_of(c, viewer.account_id(), 10))
      out.push_back(tag_json(app, c, tag, viewer.account_id()));
    return out;
  });
  return http::Response::json(body);
}

// POST /api/v1/tags/:name/feature | unfeature (Mastodon 4.4): idempotent, answers the Tag with
// `featuring`.
http::Response feature_by_name(App& app, http::Request& request, bool unfeature) {
  Viewer viewer = require_user(app, request, "write:accounts");
  auto name = text::hashtag_name(request.path_param("name"));
  if (!name) not_found();
  auto featured = app.db->read_value([&](store::Connection& c) -> std::optional<Id> {
    for (const auto& f : store::featured_tags_of(c, viewer.account_id()))
      if (f.tag.name == *name) return f.id;
    return std::nullopt;
  });
  if (unfeature && featured) service::unfeature_tag(app, viewer.account_id(), *featured);
  if (!unfeature && !featured) service::feature_tag(app, viewer.account_id(), *name);
  auto tag = app.db->read_value([&](store::Connection& c) { return store::find_tag(c, *name); });
  if (!tag) not_found();
  return tag_response(app, *tag, viewer.account_id());
}

}  // namespace

void add_tag_routes(http::Router& router, App& app) {
  router.get("/api/v1/tags/:name", [&app](http::Request& r) { return show(app, r); });
  router.post("/api/v1/tags/:name/follow",
              [&app](http::Request& r) { return follow(app, r, false); });
  router.post("/api/v1/tags/:name/unfollow",
              [&app](http::Request& r) { return follow(app, r, true); });
  router.post("/api/v1/tags/:name/feature",
              [&app](http::Request& r) { return feature_by_name(app, r, false); });
  router.post("/api/v1/tags/:name/unfeature",
              [&app](http::Request& r) { return feature_by_name(app, r, true); });
  router.get("/api/v1/followed_tags", [&app](http::Request& r) { return followed(app, r); });
  router.get("/api/v1/featured_tags", [&app](http::Request& r) { return featured_tags(app, r); });
  router.post("/api/v1/featured_tags", [&app](http::Request& r) { return feature(app, r); });
  router.get("/api/v1/featured_tags/suggestions",
             [&app](http::Request& r) { return suggestions(app, r); });
  router.del("/api/v1/featured_tags/:id", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:accounts");
    service::unfeature_tag(app, viewer.account_id(), path_id(r));
    return http::Response::json(json::object{});
  });
  router.get("/api/v1/accounts/:id/featured_tags",
             [&app](http::Request& r) { return account_featured_tags(app, r); });
  router.get("/api/v1/trends/tags", [&app](http::Request& r) { return trending_tags(app, r); });
  router.get("/api/v1/trends", [&app](http::Request& r) { return trending_tags(app, r); });
  router.get("/api/v1/trends/statuses",
             [&app](http::Request& r) { return trending_statuses(app, r); });
}

}  // namespace herd::api
