// Inboxes: POST /inbox (shared), /users/:username/inbox, /actor/inbox.
//  1. the body must be a JSON object (400; bodies over the server's limit are 413 before this);
//  2. an actor on a blocked domain: 202 and dropped, unread; so is a Delete or Update of an actor
//     by itself when the actor is unknown here (its key is usually gone: no retries for nothing);
//  3. the HTTP signature must verify (Digest/Content-Digest, Date window, key fetched and cached,
//     refetched once on failure): 401 with the reason, nothing stored;
//  4. a stale copy of the actor (older than a day) is queued for a refetch
//  (federation/refresh.hpp);
//  5. signed by someone else than the activity's actor (forwarded): a Create, Update or Delete of
//     a status is checked at the actor's server (federation/forwarding.hpp): applied with the
//     object as that server serves it, 403 when that server contradicts it, 503 when it does not
//     answer (the forwarder tries again); anything else: 202 and dropped (logged);
//  6. the activity is applied (federation/inbox.hpp), in a batch with the activities other requests
//     are waiting for (federation/inbox_batch.hpp: one transaction for many): 202 once committed,
//     or 403 when it is about an object the actor does not own. The body as received goes along,
//     for forwarding (federation/forwarding.hpp).
#include "federation/inbox.hpp"

#include "api/activitypub/activitypub.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "federation/activitystreams.hpp"
#include "federation/forwarding.hpp"
#include "federation/http_signature.hpp"
#include "federation/inbox_batch.hpp"
#include "federation/refresh.hpp"
#include "federation/resolver.hpp"
#include "service/admin_blocks.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"

namespace herd::api::activitypub {

namespace json = boost::json;
namespace as = federation::as;

namespace {

http::Response accepted() {
  http::Response response = http::Response::text("", "", 202);
  return response;
}

// A Delete (or Update) of an actor by itself that is not known here: nothing to do, and its key is
// usually gone with it (410), so that verifying would answer 401 and the sender would retry for
// days. Accepted unread, as Mastodon does.
bool unknown_actor_leaving(App& app, const json::object& activity, const std::string& actor_uri) {
  std::string type = as::type_of(activity);
  if ((type != "Delete" && type != "Update") || as::first_id(activity, "object") != actor_uri)
    return false;
  return !app.db->read_value([&](store::Connection& c) {
    return store::find_account_id_by_uri(c, actor_uri).has_value();
  });
}

http::Response inbox(App& app, http::Request& request) {
  if (!request.path_param("username").empty()) {
    auto owner = app.db->read_value([&](store::Connection& c) {
      return store::find_account_by_username(c, request.path_param("username"), "");
    });
    if (!owner || owner->suspended) not_found();
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body, ec);
  if (ec || !parsed.is_object()) fail(ErrorKind::bad_request, "Malformed JSON");
  const json::object& activity = parsed.as_object();
  std::string actor_uri = as::first_id(activity, "actor");
  if (actor_uri.empty() || as::type_of(activity).empty())
    fail(ErrorKind::bad_request, "An activity needs a type and an actor");
  std::string domain = federation::domain_of(actor_uri);
  if (!app.db->read_value(
          [&](store::Connection& c) { return service::federates_with(app, c, domain); }))
    return accepted();  // dropped: blocked, or not allowed in limited federation mode
  if (unknown_actor_leaving(app, activity, actor_uri)) {
    log::info("inbox: {} of {}, unknown here: dropped", as::type_of(activity), actor_uri);
    return accepted();
  }
  federation::Verification verification = federation::verify_request(app, request);
  if (!verification.valid) fail(ErrorKind::unauthorized, verification.error);
  auto actor = federation::resolve_activity_actor(app, actor_uri);
  if (!actor) fail(ErrorKind::unauthorized, "Unknown actor");
  if (actor->suspended) return accepted();
  federation::queue_refresh_if_stale(app, *actor);
  const json::object* applied = &activity;
  federation::ForwardedCheck forwarded;
  if (verification.owner != actor_uri) {
    // Forwarded (signed by the forwarder, not the actor): believed as far as the actor's own
    // server confirms it; never from a server this one does not federate with.
    if (!app.db->read_value([&](store::Connection& c) {
          return service::federates_with(app, c, federation::domain_of(verification.owner));
        }))
      return accepted();
    forwarded = federation::check_forwarded(app, activity, actor_uri);
    using Verdict = federation::ForwardedCheck::Verdict;
    if (forwarded.verdict != Verdict::confirmed)
      log::info("inbox: {} from {} forwarded by {}: {}", as::type_of(activity), actor_uri,
                verification.owner, forwarded.reason);
    if (forwarded.verdict == Verdict::forged) fail(ErrorKind::forbidden, forwarded.reason);
    if (forwarded.verdict == Verdict::unavailable) fail(ErrorKind::unavailable, forwarded.reason);
    if (forwarded.verdict == Verdict::ignored) return accepted();
    applied = &forwarded.activity;
  }
  federation::IngestResult result = federation::receive_activity_batched(
      app, *applied, *actor, {request.body, verification.owner});
  if (result.outcome == federation::Outcome::rejected) fail(ErrorKind::forbidden, result.reason);
  return accepted();
}

}  // namespace

void add_inbox_routes(http::Router& router, App& app) {
  auto handler = [&app](http::Request& request) { return inbox(app, request); };
  router.post("/inbox", handler);
  router.post("/users/:username/inbox", handler);
  router.post("/actor/inbox", handler);
}

}  // namespace herd::api::activitypub
