// The admin's trends review, as Mastodon's API has it (public trends: tags.cpp, discovery.cpp):
//   GET  /api/v1/admin/trends/tags             Admin::Tag, reviewed or not (staff, admin:read)
//   GET  /api/v1/admin/trends/statuses         Status + requires_review, trendable
//   GET  /api/v1/admin/trends/links            Trends::Link + id, requires_review, trendable
//   POST /api/v1/admin/trends/{tags,statuses,links}/:id/approve | reject  (admin:write)
//   GET  /api/v1/admin/tags, /api/v1/admin/tags/:id   every hashtag as Admin::Tag (admin:read)
//   PUT  /api/v1/admin/tags/:id                 trendable, usable, listable (admin:write)
// Tags and statuses trend from tags.cpp; the review state is store/admin_blocks.hpp.
#include "api/mastodon/trends.hpp"

#include "api/admin.hpp"
#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/admin_blocks.hpp"
#include "store/preview_cards.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"

namespace herd::api {

namespace json = boost::json;

namespace {

// Review state fields: requires_review (never reviewed) and trendable (approved).
void add_review(json::object& o, const std::optional<bool>& review) {
  o["requires_review"] = !review.has_value();
  o["trendable"] = review.value_or(false);
}

std::optional<bool> review_of(const std::vector<std::pair<Id, bool>>& reviews, Id id) {
  for (const auto& [target, trendable] : reviews)
    if (target == id) return trendable;
  return std::nullopt;
}

// Trends::Link for each card, with its id and review state (the admin's view).
json::array links_json(store::Connection& c, const std::vector<store::PreviewCard>& cards) {
  std::vector<Id> ids;
  for (const auto& card : cards) ids.push_back(card.id);
  auto reviews = store::trend_reviews(c, "link", ids);
  json::array out = trending_links_json(c, cards, now_unix_ms());
  for (std::size_t i = 0; i < out.size(); ++i) {
    json::object& o = out[i].as_object();
    o["id"] = std::to_string(cards[i].id);
    add_review(o, review_of(reviews, cards[i].id));
  }
  return out;
}

json::object admin_tag_json(App& app, store::Connection& c, const store::Tag& tag, Id viewer) {
  json::object o = tag_json(app, c, tag, viewer);
  o["id"] = std::to_string(tag.id);
  store::TagModeration moderation = store::tag_moderation(c, tag.id);
  o["usable"] = moderation.usable;
  o["listable"] = moderation.listable;
  add_review(o, store::trend_review(c, "tag", tag.id));
  return o;
}

http::Response admin_tags(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read");
  auto [limit, offset] = limit_offset(request, 10, 20);
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& tag : store::trending_tags(c, now_unix_ms() - kTrendWindowMs, limit, offset,
                                                store::TrendReview::any))
      out.push_back(admin_tag_json(app, c, tag, viewer.account_id()));
    return out;
  });
  return http::Response::json(body);
}

json::array admin_statuses_json(App& app, store::Connection& c, const std::vector<Id>& ids,
                                Id viewer) {
  auto statuses = service::visible_only(c, viewer, store::find_statuses(c, ids));
  std::vector<store::Status> ordered;
  for (Id id : ids)
    for (const auto& s : statuses)
      if (s.id == id) ordered.push_back(s);
  json::array rendered = StatusRenderer(app, c, viewer).render(ordered);
  auto reviews = store::trend_reviews(c, "status", ids);
  for (std::size_t i = 0; i < rendered.size() && i < ordered.size(); ++i)
    add_review(rendered[i].as_object(), review_of(reviews, ordered[i].id));
  return rendered;
}

http::Response admin_statuses(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read");
  auto [limit, offset] = limit_offset(request, 20, 40);
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto ids = store::trending_status_ids(c, now_unix_ms() - kTrendWindowMs, limit, offset,
                                          store::TrendReview::any);
    return admin_statuses_json(app, c, ids, viewer.account_id());
  });
  return http::Response::json(body);
}

http::Response admin_links(App& app, http::Request& request) {
  require_staff(app, request, "admin:read");
  auto [limit, offset] = limit_offset(request, 10, 20);
  json::array body = app.db->read_value([&](store::Connection& c) {
    return links_json(c, store::trending_cards(c, now_unix_ms() - kTrendWindowMs, limit, offset,
                                               store::TrendReview::any));
  });
  return http::Response::json(body);
}

// POST .../:id/approve | reject: records the review, answers the reviewed item.
http::Response review(App& app, http::Request& request, std::string_view kind, bool trendable) {
  Viewer viewer = require_staff(app, request, "admin:write");
  Id id = path_id(request);
  json::value body;
  app.db->write([&](store::Connection& c) {
    if (kind == "tag") {
      auto tag = store::find_tag_by_id(c, id);
      if (!tag) not_found();
      store::set_trend_review(c, kind, id, trendable, now_unix_ms());
      body = admin_tag_json(app, c, *tag, viewer.account_id());
    } else if (kind == "status") {
      auto status = store::find_status(c, id);
      if (!status || !service::visible_only(c, viewer.account_id(), {*status}).size()) not_found();
      store::set_trend_review(c, kind, id, trendable, now_unix_ms());
      body = admin_statuses_json(app, c, {id}, viewer.account_id()).at(0);
    } else {
      auto cards = store::find_cards(c, {id});
      if (cards.empty()) not_found();
      store::set_trend_review(c, kind, id, trendable, now_unix_ms());
      body = links_json(c, cards).at(0);
    }
  });
  return http::Response::json(body);
}

// GET /api/v1/admin/tags: every hashtag, newest first, Link-paginated (100 a page, at most 200).
http::Response admin_all_tags(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read");
  store::PageQuery page = read_page(request, 100, 200);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& tag : store::page_tags(c, page)) {
      cursors.push_back(tag.id);
      out.push_back(admin_tag_json(app, c, tag, viewer.account_id()));
    }
    return out;
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response admin_tag(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:read");
  Id id = path_id(request);
  return http::Response::json(app.db->read_value([&](store::Connection& c) {
    auto tag = store::find_tag_by_id(c, id);
    if (!tag) not_found();
    return admin_tag_json(app, c, *tag, viewer.account_id());
  }));
}

// PUT /api/v1/admin/tags/:id: trendable (the trend review), usable, listable. herd keeps
// hashtag names in lowercase, so a display_name other than the name is refused (422).
http::Response update_admin_tag(App& app, http::Request& request) {
  Viewer viewer = require_staff(app, request, "admin:write");
  Id id = path_id(request);
  const auto& p = request.params;
  json::object body;
  app.db->write([&](store::Connection& c) {
    auto tag = store::find_tag_by_id(c, id);
    if (!tag) not_found();
    if (auto display = http::param_string(p, "display_name"); display && *display != tag->name)
      fail(ErrorKind::validation,
           "Validation failed: Display name cannot differ from the hashtag's name on herd (names "
           "are kept in lowercase)");
    store::TagModeration moderation = store::tag_moderation(c, id);
    moderation.usable = http::param_bool(p, "usable").value_or(moderation.usable);
    moderation.listable = http::param_bool(p, "listable").value_or(moderation.listable);
    store::set_tag_moderation(c, id, moderation);
    if (auto trendable = http::param_bool(p, "trendable"))
      store::set_trend_review(c, "tag", id, *trendable, now_unix_ms());
    body = admin_tag_json(app, c, *tag, viewer.account_id());
  });
  return http::Response::json(body);
}

}  // namespace

void add_trend_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/trends/tags", [&app](http::Request& r) { return admin_tags(app, r); });
  router.get("/api/v1/admin/trends/statuses",
             [&app](http::Request& r) { return admin_statuses(app, r); });
  router.get("/api/v1/admin/trends/links",
             [&app](http::Request& r) { return admin_links(app, r); });
  router.get("/api/v1/admin/tags", [&app](http::Request& r) { return admin_all_tags(app, r); });
  router.get("/api/v1/admin/tags/:id", [&app](http::Request& r) { return admin_tag(app, r); });
  router.put("/api/v1/admin/tags/:id",
             [&app](http::Request& r) { return update_admin_tag(app, r); });
  for (auto [path, kind] :
       {std::pair{"tags", "tag"}, std::pair{"statuses", "status"}, std::pair{"links", "link"}}) {
    std::string base = std::string("/api/v1/admin/trends/") + path + "/:id/";
    std::string k = kind;
    router.post(base + "approve", [&app, k](http::Request& r) { return review(app, r, k, true); });
    router.post(base + "reject", [&app, k](http::Request& r) { return review(app, r, k, false); });
  }
}

}  // namespace herd::api
