// Direct conversations: GET /api/v1/conversations (paged by last status), POST
// /api/v1/conversations/:id/read, DELETE /api/v1/conversations/:id; and the Conversation entity.
#include "service/conversations.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace herd::api {

json::object conversation_json(const App& app, store::Connection& c, Id viewer, Id id, bool unread,
                               const std::vector<Id>& participants,
                               const store::Status& last_status) {
  return json::object{{"id", std::to_string(id)},
                      {"unread", unread},
                      {"accounts", accounts_json(app, c, participants)},
                      {"last_status", StatusRenderer(app, c, viewer).render_one(last_status)}};
}

namespace {

json::object render(App& app, store::Connection& c, Id viewer,
                    const service::Conversation& conversation) {
  return conversation_json(app, c, viewer, conversation.row.id, conversation.row.unread,
                           conversation.participants, conversation.last_status);
}

http::Response index(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  Id me = viewer.account_id();
  store::PageQuery page = read_page(request, 20, 40);
  std::vector<Id> cursors;
  json::array body = app.db->read_value([&](store::Connection& c) {
    json::array out;
    for (const auto& conversation : service::conversations_of(c, me, page)) {
      cursors.push_back(conversation.last_status.id);
      out.push_back(render(app, c, me, conversation));
    }
    return out;
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response read(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:conversations");
  Id me = viewer.account_id();
  auto conversation = service::mark_conversation_read(app, me, path_id(request));
  json::object body =
      app.db->read_value([&](store::Connection& c) { return render(app, c, me, conversation); });
  return http::Response::json(body);
}

http::Response remove(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:conversations");
  service::remove_conversation(app, viewer.account_id(), path_id(request));
  return http::Response::json(json::object{});
}

}  // namespace

void add_conversation_routes(http::Router& router, App& app) {
  router.get("/api/v1/conversations", [&app](http::Request& r) { return index(app, r); });
  router.post("/api/v1/conversations/:id/read", [&app](http::Request& r) { return read(app, r); });
  router.del("/api/v1/conversations/:id", [&app](http::Request& r) { return remove(app, r); });
}

}  // namespace herd::api
