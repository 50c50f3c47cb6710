// Lists: GET/POST /api/v1/lists, GET/PUT/DELETE /api/v1/lists/:id, GET/POST/DELETE
// /api/v1/lists/:id/accounts, GET /api/v1/accounts/:id/lists and GET /api/v1/timelines/list/:id.
#include "service/lists.hpp"

#include <unordered_set>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

service::ListInput list_input(const http::Request& request) {
  service::ListInput input;
  input.title = http::param_string(request.params, "title");
  input.replies_policy = http::param_string(request.params, "replies_policy");
  input.exclusive = http::param_bool(request.params, "exclusive");
  return input;
}

std::vector<Id> account_ids(const http::Request& request) {
  std::vector<Id> ids;
  for (const auto& text : http::param_strings(request.params, "account_ids")) {
    auto id = parse_id(text);
    if (!id) not_found();
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return ids;
}

json::array lists_json(const std::vector<store::List>& lists) {
  json::array out;
  for (const auto& list : lists) out.push_back(list_json(list));
  return out;
}

http::Response index(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:lists");
  auto lists = app.db->read_value(
      [&](store::Connection& c) { return store::lists_of(c, viewer.account_id()); });
  return http::Response::json(lists_json(lists));
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:lists");
  auto list = app.db->read_value([&](store::Connection& c) {
    return service::own_list(c, viewer.account_id(), path_id(request, "id"));
  });
  return http::Response::json(list_json(list));
}

http::Response create(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:lists");
  return http::Response::json(
      list_json(service::create_list(app, viewer.account_id(), list_input(request))));
}

http::Response update(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:lists");
  return http::Response::json(list_json(
      service::update_list(app, viewer.account_id(), path_id(request, "id"), list_input(request))));
}

http::Response destroy(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:lists");
  service::delete_list(app, viewer.account_id(), path_id(request, "id"));
  return http::Response::json(json::object{});
}

// Members, paged by membership; limit=0 returns them all, as in Mastodon.
http::Response members(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:lists");
  Id list_id = path_id(request, "id");
  store::PageQuery page = read_page(request, 40, 80);
  if (auto limit = http::param_int(request.params, "limit"); limit && *limit == 0) page.limit = 0;
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    service::own_list(c, viewer.account_id(), list_id);
    std::vector<Id> ids;
    for (const auto& e : store::page_list_accounts(c, list_id, page)) {
      cursors.push_back(e.row_id);
      ids.push_back(e.account_id);
    }
    return accounts_json(app, c, ids);
  });
  http::Response response = http::Response::json(body);
  if (page.limit > 0) add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response add_members(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:lists");
  service::add_list_accounts(app, viewer.account_id(), path_id(request, "id"),
                             account_ids(request));
  return http::Response::json(json::object{});
}

http::Response remove_members(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:lists");
  service::remove_list_accounts(app, viewer.account_id(), path_id(request, "id"),
                                account_ids(request));
  return http::Response::json(json::object{});
}

// The viewer's lists that hold the account.
http::Response account_lists(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:lists");
  Id account_id = path_id(request, "id");
  auto lists = app.db->read_value([&](store::Connection& c) {
    return store::lists_holding(c, viewer.account_id(), account_id);
  });
  return http::Response::json(lists_json(lists));
}

// Statuses filtered out (replies the list does not show, what the owner may not see) would leave
// pages short or empty: older rows are read, a few rounds at most, until the page is full. The
// cursors cover every row examined, so the next page starts after them.
http::Response timeline(App& app, http::Request& request) {
  constexpr int kRounds = 5;
  Viewer viewer = require_user(app, request, "read:lists");
  Id me = viewer.account_id();
  Id list_id = path_id(request, "list_id");
  store::PageQuery page = read_page(request, 20, 40);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    store::List list = service::own_list(c, me, list_id);
    auto hidden = store::hidden_account_ids(c, me);
    std::vector<store::Status> shown;
    store::PageQuery round = page;
    for (int i = 0; i < kRounds && static_cast<int>(shown.size()) < page.limit; ++i) {
      auto rows = store::page_list_timeline(c, list.id, hidden, round);
      std::unordered_set<Id> kept;
      for (const auto& s : service::list_statuses(c, me, list, rows)) kept.insert(s.id);
      for (const auto& s : rows) {
        cursors.push_back(s.id);
        if (kept.count(s.id)) shown.push_back(s);
        if (static_cast<int>(shown.size()) == page.limit) break;
      }
      if (static_cast<int>(rows.size()) < round.limit || round.min_id) break;  // no older rows
      round.max_id = rows.back().id;
    }
    return StatusRenderer(app, c, me, "home").render(shown);
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

}  // namespace

void add_list_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v1/lists", bind(index));
  router.post("/api/v1/lists", bind(create));
  router.get("/api/v1/lists/:id", bind(show));
  router.put("/api/v1/lists/:id", bind(update));
  router.del("/api/v1/lists/:id", bind(destroy));
  router.get("/api/v1/lists/:id/accounts", bind(members));
  router.post("/api/v1/lists/:id/accounts", bind(add_members));
  router.del("/api/v1/lists/:id/accounts", bind(remove_members));
  router.get("/api/v1/accounts/:id/lists", bind(account_lists));
  router.get("/api/v1/timelines/list/:list_id", bind(timeline), http::Cost::quick_read);
}

}  // namespace herd::api
