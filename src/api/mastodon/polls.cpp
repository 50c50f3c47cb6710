// Polls: GET /api/v1/polls/:id (visible when its status is) and POST /api/v1/polls/:id/votes.
#include "api/mastodon/polls.hpp"

#include "api/auth.hpp"
#include "api/mastodon/emojis.hpp"
#include "api/mastodon/entities.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "federation/polls.hpp"
#include "http/params.hpp"
#include "store/accounts.hpp"

namespace herd::api {

namespace {

json::object render(const App& app, store::Connection& c, const store::Poll& poll, Id viewer) {
  std::vector<int> own;
  if (viewer != 0)
    if (auto votes = store::own_votes_among(c, viewer, {poll.id}); votes.count(poll.id))
      own = votes[poll.id];
  json::object o = poll_json(poll, viewer, own);
  if (auto author = store::find_account(c, poll.account_id))
    o["emojis"] = poll_emojis_json(app, poll, author->domain);
  return o;
}

http::Response show_poll(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  Id id = path_id(request);
  auto found = app.db->read_value(
      [&](store::Connection& c) { return service::find_visible_poll(c, viewer.account_id(), id); });
  // As Mastodon: a signed-in viewer's look at a remote poll may refresh its counts.
  if (viewer.account_id() != 0 && !found.second.local)
    federation::refresh_stale_poll(app, found.second, found.first);
  json::object body = app.db->read_value([&](store::Connection& c) {
    auto poll = store::find_poll(c, id);
    return render(app, c, poll ? *poll : found.first, viewer.account_id());
  });
  return http::Response::json(body);
}

http::Response vote(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  Id id = path_id(request);
  store::Poll poll =
      service::vote(app, viewer.account_id(), id, http::param_strings(request.params, "choices"));
  json::object body = app.db->read_value(
      [&](store::Connection& c) { return render(app, c, poll, viewer.account_id()); });
  return http::Response::json(body);
}

}  // namespace

std::optional<service::NewPoll> poll_params(const json::object& params) {
  const json::value* poll = http::param(params, "poll");
  if (!poll || poll->is_null() || (poll->is_string() && poll->as_string().empty())) return {};
  if (!poll->is_object()) fail(ErrorKind::bad_request, "poll must be an object");
  const json::object& p = poll->as_object();
  service::NewPoll out;
  out.options = http::param_strings(p, "options");
  out.expires_in = http::param_int(p, "expires_in");
  out.multiple = http::param_bool(p, "multiple").value_or(false);
  out.hide_totals = http::param_bool(p, "hide_totals").value_or(false);
  return out;
}

void add_poll_routes(http::Router& router, App& app) {
  router.get("/api/v1/polls/:id",
             [&app](http::Request& request) { return show_poll(app, request); });
  router.post("/api/v1/polls/:id/votes",
              [&app](http::Request& request) { return vote(app, request); });
}

}  // namespace herd::api
