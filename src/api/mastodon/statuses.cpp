// Statuses: create, get (one or several), source, delete, context, favourite/reblog/bookmark/pin
// and their undos, favourited_by/reblogged_by, and the viewer's favourites and bookmarks lists.
#include "service/statuses.hpp"

#include <unordered_map>
#include <unordered_set>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/polls.hpp"
#include "api/mastodon/scheduled_statuses.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "federation/replies.hpp"
#include "http/params.hpp"
#include "service/pins.hpp"
#include "service/visibility.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

// posted: what post_status() knows the status does not have, when it has just written it.
http::Response status_response(App& app, Id viewer, const store::Status& status,
                               const service::PostedContent* posted = nullptr) {
  json::object body = app.db->read_value([&](store::Connection& c) {
    StatusRenderer renderer(app, c, viewer);
    if (posted) renderer.use_posted(*posted);
    return renderer.render_one(status);
  });
  return http::Response::json(body);
}

// Statuses by id in the given order, keeping those the viewer may see (and, for a signed-in
// viewer, not by accounts it blocks or mutes).
std::vector<store::Status> visible_in_order(store::Connection& c, Id viewer,
                                            const std::vector<Id>& ids) {
  auto found = service::visible_only(c, viewer, store::find_statuses(c, ids));
  std::unordered_set<Id> hidden;
  if (viewer != 0)
    for (Id id : store::hidden_account_ids(c, viewer)) hidden.insert(id);
  std::unordered_map<Id, store::Status> by_id;
  for (auto& s : found)
    if (!hidden.count(s.account_id)) by_id.emplace(s.id, std::move(s));
  std::vector<store::Status> out;
  for (Id id : ids)
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  return out;
}

http::Response create_status(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  const auto& p = request.params;
  service::NewStatus input;
  input.text = http::param_string(p, "status").value_or("");
  input.media_ids = http::param_strings(p, "media_ids");
  if (auto reply = http::param_string(p, "in_reply_to_id"); reply && !reply->empty()) {
    auto id = parse_id(*reply);
    if (!id)
      fail(ErrorKind::not_found, "The post you are trying to reply to does not appear to exist.");
    input.in_reply_to_id = id;
  }
  input.sensitive = http::param_bool(p, "sensitive");
  input.spoiler_text = http::param_string(p, "spoiler_text").value_or("");
  input.visibility = http::param_string(p, "visibility");
  input.language = http::param_string(p, "language");
  input.poll = poll_params(p);
  if (auto quoted = http::param_string(p, "quoted_status_id"); quoted && !quoted->empty()) {
    input.quoted_status_id = parse_id(*quoted);
    if (!input.quoted_status_id) not_found();
  }
  input.quote_approval_policy = http::param_string(p, "quote_approval_policy");
  if (auto key = request.header("idempotency-key"); !key.empty())
    input.idempotency_key = std::string(key);
  input.application_id = viewer.token->application_id;
  if (auto scheduled = http::param_string(p, "scheduled_at"); scheduled && !scheduled->empty())
    return scheduled_status_response(app, viewer.account_id(), input, *scheduled);
  service::PostedContent posted;
  store::Status status = service::post_status(app, viewer.account_id(), input, &posted);
  return status_response(app, viewer.account_id(), status, &posted);
}

http::Response show_status(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  Id id = path_id(request);
  json::object body = app.db->read_value([&](store::Connection& c) {
    store::Status status = service::find_visible_status(c, viewer.account_id(), id);
    return StatusRenderer(app, c, viewer.account_id()).render_one(status);
  });
  return http::Response::json(body);
}

http::Response many_statuses(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  std::vector<Id> ids;
  for (const auto& text : http::param_strings(request.params, "id")) {
    if (auto id = parse_id(text)) ids.push_back(*id);
    if (ids.size() >= 40) break;
  }
  json::array body = app.db->read_value([&](store::Connection& c) {
    return StatusRenderer(app, c, viewer.account_id())
        .render(visible_in_order(c, viewer.account_id(), ids));
  });
  return http::Response::json(body);
}

http::Response remove_status(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  Id id = path_id(request);
  // Rendered as it is before deletion, with its source text for "delete & redraft".
  json::object body = app.db->read_value([&](store::Connection& c) {
    auto status = store::find_status(c, id);
    if (!status || status->account_id != viewer.account_id()) not_found();
    json::object o = StatusRenderer(app, c, viewer.account_id()).render_one(*status);
    o["text"] = status->text;
    return o;
  });
  service::delete_status(app, viewer.account_id(), id);
  return http::Response::json(body);
}

// The plain text as typed, for editing clients.
http::Response source(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  Id id = path_id(request);
  store::Status status = app.db->read_value([&](store::Connection& c) {
    return service::find_visible_status(c, viewer.account_id(), id);
  });
  return http::Response::json(json::object{{"id", std::to_string(status.id)},
                                           {"text", status.text},
                                           {"spoiler_text", status.spoiler_text}});
}

http::Response context(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  Id id = path_id(request);
  Id me = viewer.account_id();
  bool remote = false;  // a thread whose replies may be fetched
  json::object body = app.db->read_value([&](store::Connection& c) {
    store::Status status = service::find_visible_status(c, me, id);
    remote = federation::may_fetch_replies(status);
    auto ids_of = [](const std::vector<store::Status>& statuses) {
      std::vector<Id> ids;
      for (const auto& s : statuses) ids.push_back(s.id);
      return ids;
    };
    auto ancestors = store::find_ancestors(c, status.id, 40);
    auto descendants = me ? store::find_descendants(c, status.id, 4096, 4096)
                          : store::find_descendants(c, status.id, 60, 20);
    StatusRenderer renderer(app, c, me, "thread");
    return json::object{
        {"ancestors", renderer.render(visible_in_order(c, me, ids_of(ancestors)))},
        {"descendants", renderer.render(visible_in_order(c, me, ids_of(descendants)))}};
  });
  http::Response response = http::Response::json(body);
  // A remote thread opened by a signed-in user: its missing replies are fetched in the background
  // (federation/replies.hpp), announced as Mastodon does with the Mastodon-Async-Refresh header.
  // Only then a write: any write would make every cached response stale.
  if (me != 0 && remote)
    if (auto refresh = app.db->write_value([&](store::Connection& c) {
          auto status = store::find_status(c, id);
          return status ? federation::queue_reply_fetch(c, *status, now_unix_ms()) : std::nullopt;
        }))
      response.with_header("Mastodon-Async-Refresh", "id=\"" + std::to_string(refresh->id) +
                                                         "\", retry=3, result_count=" +
                                                         std::to_string(refresh->result_count));
  return response;
}

http::Response accounts_page(App& app, const http::Request& request, const store::PageQuery& page,
                             const std::vector<store::Entry>& entries) {
  std::vector<Id> ids, cursors;
  for (const auto& e : entries) {
    ids.push_back(e.account_id);
    cursors.push_back(e.row_id);
  }
  json::array body =
      app.db->read_value([&](store::Connection& c) { return accounts_json(app, c, ids); });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response favourited_by(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:accounts");
  Id id = path_id(request);
  store::PageQuery page = read_page(request, 40, 80);
  auto entries = app.db->read_value([&](store::Connection& c) {
    service::find_visible_status(c, viewer.account_id(), id);
    return store::page_favourited_by(c, id, page);
  });
  return accounts_page(app, request, page, entries);
}

http::Response reblogged_by(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:accounts");
  Id id = path_id(request);
  store::PageQuery page = read_page(request, 40, 80);
  auto entries = app.db->read_value([&](store::Connection& c) {
    service::find_visible_status(c, viewer.account_id(), id);
    // Only reblogs the viewer may see (a private reblog stays among the reblogger's followers).
    auto rows = store::page_reblogged_by(c, id, page);
    std::vector<Id> ids;
    for (const auto& e : rows) ids.push_back(e.row_id);
    std::unordered_set<Id> visible;
    for (const auto& s :
         service::visible_only(c, viewer.account_id(), store::find_statuses(c, ids)))
      visible.insert(s.id);
    std::vector<store::Entry> out;
    for (const auto& e : rows)
      if (visible.count(e.row_id)) out.push_back(e);
    return std::make_pair(rows, out);
  });
  // Cursors come from the unfiltered page so that pagination never stops early.
  std::vector<Id> ids, cursors;
  for (const auto& e : entries.first) cursors.push_back(e.row_id);
  for (const auto& e : entries.second) ids.push_back(e.account_id);
  json::array body =
      app.db->read_value([&](store::Connection& c) { return accounts_json(app, c, ids); });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

// GET /api/v1/favourites and /api/v1/bookmarks.
http::Response saved_statuses(App& app, http::Request& request, const char* scope,
                              bool favourites) {
  Viewer viewer = require_user(app, request, scope);
  Id me = viewer.account_id();
  store::PageQuery page = read_page(request, 20, 40);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto entries =
        favourites ? store::page_favourites(c, me, page) : store::page_bookmarks(c, me, page);
    std::vector<Id> ids;
    for (const auto& e : entries) {
      cursors.push_back(e.row_id);
      ids.push_back(e.status_id);
    }
    auto statuses = service::visible_only(c, me, store::find_statuses(c, ids));
    std::unordered_map<Id, store::Status> by_id;
    for (auto& s : statuses) by_id.emplace(s.id, std::move(s));
    std::vector<store::Status> ordered;
    for (Id id : ids)
      if (auto it = by_id.find(id); it != by_id.end()) ordered.push_back(it->second);
    return StatusRenderer(app, c, me).render(ordered);
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

}  // namespace

void add_status_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  // POST :id/<action> -> service action -> the updated status.
  auto action = [&app](const char* scope, store::Status (*fn)(App&, Id, Id)) {
    return [&app, scope, fn](http::Request& request) {
      Viewer viewer = require_user(app, request, scope);
      store::Status status = fn(app, viewer.account_id(), path_id(request));
      return status_response(app, viewer.account_id(), status);
    };
  };
  router.post("/api/v1/statuses", bind(create_status));
  router.get("/api/v1/statuses", bind(many_statuses));
  // A quick read (http::Cost); not its context, which writes for a remote thread (the fetch of its
  // replies) and renders up to 4096 descendants.
  router.get("/api/v1/statuses/:id", bind(show_status), http::Cost::quick_read);
  router.del("/api/v1/statuses/:id", bind(remove_status));
  router.get("/api/v1/statuses/:id/context", bind(context));
  router.get("/api/v1/statuses/:id/favourited_by", bind(favourited_by));
  router.get("/api/v1/statuses/:id/reblogged_by", bind(reblogged_by));
  router.post("/api/v1/statuses/:id/favourite", action("write:favourites", service::favourite));
  router.post("/api/v1/statuses/:id/unfavourite", action("write:favourites", service::unfavourite));
  router.post("/api/v1/statuses/:id/bookmark", action("write:bookmarks", service::bookmark));
  router.post("/api/v1/statuses/:id/unbookmark", action("write:bookmarks", service::unbookmark));
  router.post("/api/v1/statuses/:id/unreblog", action("write:statuses", service::unreblog));
  router.post("/api/v1/statuses/:id/reblog", [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "write:statuses");
    store::Status wrapper = service::reblog(app, viewer.account_id(), path_id(request),
                                            http::param_string(request.params, "visibility"));
    return status_response(app, viewer.account_id(), wrapper);
  });
  router.post("/api/v1/statuses/:id/pin", action("write:accounts", service::pin));
  router.post("/api/v1/statuses/:id/unpin", action("write:accounts", service::unpin));
  router.get("/api/v1/statuses/:id/source", bind(source));
  router.get("/api/v1/favourites", [&app](http::Request& request) {
    return saved_statuses(app, request, "read:favourites", true);
  });
  router.get("/api/v1/bookmarks", [&app](http::Request& request) {
    return saved_statuses(app, request, "read:bookmarks", false);
  });
}

}  // namespace herd::api
