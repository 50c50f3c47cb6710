// Hashtags: GET /api/v1/tags/:name, POST /api/v1/tags/:name/follow and /unfollow, and
// GET /api/v1/followed_tags.
#include "service/tags.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
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

}  // namespace

void add_tag_routes(http::Router& router, App& app) {
  router.get("/api/v1/tags/:name", [&app](http::Request& r) { return show(app, r); });
  router.post("/api/v1/tags/:name/follow",
              [&app](http::Request& r) { return follow(app, r, false); });
  router.post("/api/v1/tags/:name/unfollow",
              [&app](http::Request& r) { return follow(app, r, true); });
  router.get("/api/v1/followed_tags", [&app](http::Request& r) { return followed(app, r); });
}

}  // namespace herd::api
