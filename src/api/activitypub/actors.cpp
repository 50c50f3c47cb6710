// ActivityPub actors and objects, with content negotiation on the URLs browsers also visit:
//   /users/:username, /@username          Person (or the profile page)
//   /users/:username/statuses/:id         Note, or Announce for a reblog (browsers: the page)
//   /users/:username/statuses/:id/activity  Create(Note) or Announce
//   /@username/:id                        Note (or the status page)
//   /users/:username/statuses/:id/replies   Collection of the direct public/unlisted replies, as
//                                         Mastodon pages it: `first` (and ?page=true) holds the
//                                         author's own replies (local ones inlined as Notes),
//                                         then ?only_other_accounts=true&page=true[&min_id=N]
//                                         everyone else's (URIs or Notes), 60 a page, oldest
//                                         first, `next` while pages are full
//   /users/:username/statuses/:id/likes, /shares   Collection with totalItems (no items, as
//                                         Mastodon)
//   /actor                                the instance actor (Application), never signature-gated;
//   /actor/outbox, /followers, /following  its (empty) collections
// With AUTHORIZED_FETCH=true every document except /actor needs a signed GET (401 + reason).
// Private and direct statuses are served to the signer when the visibility rule lets the signing
// actor see them (followers, mentioned accounts); everyone else gets 404.
//
// The browser side stays with web/: its account pages are registered on a private router and
// asked whenever the request does not want ActivityStreams. build_router() registers this group
// before the web pages so that these routes win for the shared patterns.
#include <algorithm>
#include <memory>

#include "api/activitypub/activitypub.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "federation/context.hpp"
#include "federation/documents.hpp"
#include "federation/http_signature.hpp"
#include "federation/moderation.hpp"
#include "federation/quotes.hpp"
#include "federation/resolver.hpp"
#include "federation/serialize.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/account_deletions.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"
#include "web/web.hpp"

namespace herd::api::activitypub {

namespace json = boost::json;

bool wants_activity_json(const http::Request& request) {
  std::string accept(request.header("accept"));
  std::transform(accept.begin(), accept.end(), accept.begin(), ::tolower);
  return accept.find("application/activity+json") != std::string::npos ||
         accept.find("application/ld+json") != std::string::npos;
}

http::Response activity_response(const json::object& document, int status) {
  http::Response response = http::Response::json(document, status);
  response.content_type = "application/activity+json; charset=utf-8";
  response.headers.emplace_back("Vary", "Accept");
  return response;
}

Id signer_account(App& app, http::Request& request) {
  std::string owner = federation::require_signed_fetch(app, request);
  if (owner.empty()) {
    federation::ReceivedRequest probe;
    for (const auto& [name, value] : request.headers) probe.headers.emplace_back(name, value);
    if (!federation::has_signature(probe)) return 0;
    auto verification = federation::verify_request(app, request);
    if (!verification.valid) return 0;
    owner = verification.owner;
  }
  return app.db->read_value(
      [&](store::Connection& c) { return store::find_account_id_by_uri(c, owner).value_or(0); });
}

namespace {

using Fallback = std::function<http::Response(http::Request&)>;

store::Account local_account(App& app, const std::string& username) {
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, username, ""); });
  if (!account) not_found();
  if (account->suspended) fail(ErrorKind::not_found, "Gone");
  return *account;
}

http::Response actor_document(App& app, http::Request& request, const std::string& username) {
  federation::require_signed_fetch(app, request);
  // An account its owner deleted is gone for good (410, as Mastodon), not merely suspended.
  auto deleted = app.db->read_value([&](store::Connection& c) {
    auto account = store::find_account_by_username(c, username, "");
    return account && store::find_account_deletion(c, account->id).has_value();
  });
  if (deleted) return http::Response::error(410, "Gone");
  store::Account account = local_account(app, username);
  json::object actor = federation::actor_json(app, account);
  app.db->read([&](store::Connection& c) { federation::publish_migration(c, account, actor); });
  return activity_response(actor);
}

// The status `id` of `username`, as a Note/Announce (activity=false) or Create/Announce.
http::Response status_document(App& app, http::Request& request, const std::string& username,
                               const std::string& id_text, bool activity) {
  Id viewer = signer_account(app, request);
  store::Account author = local_account(app, username);
  auto id = parse_id(id_text);
  if (!id) not_found();
  std::optional<json::object> document;
  app.db->read([&](store::Connection& c) {
    auto status = store::find_status(c, *id);
    if (!status || status->account_id != author.id || !status->local) return;
    if (!service::can_see(c, viewer, *status)) return;
    document = activity ? federation::status_activity(app, c, *status)
                        : federation::status_object(app, c, *status);
  });
  if (!document) not_found();
  return activity_response(*document);
}

// A local status the signer may see (404 otherwise), with its author.
std::pair<store::Account, store::Status> visible_status(App& app, http::Request& request) {
  Id viewer = signer_account(app, request);
  store::Account author = local_account(app, request.path_param("username"));
  auto id = parse_id(request.path_param("id"));
  if (!id) not_found();
  auto status = app.db->read_value([&](store::Connection& c) -> std::optional<store::Status> {
    auto found = store::find_status(c, *id);
    if (!found || found->account_id != author.id || !found->local || found->reblog_of_id ||
        !service::can_see(c, viewer, *found))
      return std::nullopt;
    return found;
  });
  if (!status) not_found();
  return {author, *status};
}

constexpr int kRepliesPage = 60;

http::Response replies_collection(App& app, http::Request& request) {
  auto [author, status] = visible_status(app, request);
  std::string id = status.uri + "/replies";
  bool page_requested = http::param_string(request.params, "page").value_or("") == "true";
  bool others = http::param_string(request.params, "only_other_accounts").value_or("") == "true";
  std::optional<Id> min_id;
  if (auto text = http::param_string(request.params, "min_id")) min_id = parse_id(*text);
  json::array items;
  std::vector<store::Status> replies;
  app.db->read([&](store::Connection& c) {
    replies = store::page_direct_replies(c, status.id, author.id, others, min_id, kRepliesPage);
    std::vector<store::Status> local;
    for (const auto& reply : replies)
      if (reply.local) local.push_back(reply);
    json::array notes = federation::status_notes(app, c, local);
    std::size_t next_note = 0;
    for (const auto& reply : replies) {
      if (reply.local && next_note < notes.size())
        items.push_back(notes[next_note++]);
      else
        items.emplace_back(reply.uri);
    }
  });
  bool full = replies.size() == static_cast<std::size_t>(kRepliesPage);
  auto url = [&](bool other_accounts, std::optional<Id> cursor) {
    std::string out = id + "?";
    if (cursor) out += "min_id=" + std::to_string(*cursor) + "&";
    if (other_accounts) out += "only_other_accounts=true&";
    return out + "page=true";
  };
  std::optional<std::string> next;
  if (others) {
    if (full) next = url(true, replies.back().id);
  } else {
    next = full ? url(false, replies.back().id) : url(true, std::nullopt);
  }
  json::object page{{"id", url(others, min_id)},
                    {"type", "CollectionPage"},
                    {"partOf", id},
                    {"items", std::move(items)}};
  if (next) page["next"] = *next;
  if (page_requested) {
    page["@context"] = "https://www.w3.org/ns/activitystreams";
    return activity_response(page);
  }
  return activity_response(json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                                        {"id", id},
                                        {"type", "Collection"},
                                        {"first", std::move(page)}});
}

http::Response counted_collection(App& app, http::Request& request, bool likes) {
  auto [author, status] = visible_status(app, request);
  return activity_response(
      json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                   {"id", status.uri + (likes ? "/likes" : "/shares")},
                   {"type", "Collection"},
                   {"totalItems", likes ? status.favourites_count : status.reblogs_count}});
}

// A QuoteAuthorization a local author granted (FEP-044f); 404 once revoked.
http::Response quote_authorization(App& app, http::Request& request) {
  federation::require_signed_fetch(app, request);
  auto id = parse_id(request.path_param("id"));
  if (!id) not_found();
  auto document = app.db->read_value([&](store::Connection& c) {
    return federation::quote_authorization_document(app, c, request.path_param("username"), *id);
  });
  if (!document) not_found();
  return activity_response(*document);
}

http::Response instance_actor(App& app, http::Request&) {
  federation::Federation& state = federation::of(app);
  return activity_response(federation::instance_actor_json(app, state.instance_public_key_pem()));
}

}  // namespace

}  // namespace herd::api::activitypub

namespace herd::api {

void add_activitypub_routes(http::Router& router, App& app) {
  using namespace activitypub;
  // The web group's account pages, asked when the client is a browser.
  auto web_pages = std::make_shared<http::Router>();
  web::add_account_pages(*web_pages, app);
  Fallback to_web = [web_pages](http::Request& request) {
    const http::Handler* handler = nullptr;
    if (web_pages->route(request, &handler) == http::Router::Match::found)
      return (*handler)(request);
    return http::Response::error(404, "Not found");
  };

  router.get("/users/:username", [&app, to_web](http::Request& request) {
    if (!wants_activity_json(request)) return to_web(request);
    return actor_document(app, request, request.path_param("username"));
  });
  router.get("/:handle", [&app, to_web](http::Request& request) {
    const std::string& handle = request.path_param("handle");
    if (!wants_activity_json(request) || handle.size() < 2 || handle[0] != '@')
      return to_web(request);
    return actor_document(app, request, handle.substr(1));
  });
  router.get("/:handle/:id", [&app, to_web](http::Request& request) {
    const std::string& handle = request.path_param("handle");
    if (!wants_activity_json(request) || handle.size() < 2 || handle[0] != '@')
      return to_web(request);
    return status_document(app, request, handle.substr(1), request.path_param("id"), false);
  });
  router.get("/users/:username/statuses/:id", [&app](http::Request& request) {
    if (!wants_activity_json(request)) {
      auto id = parse_id(request.path_param("id"));
      if (!id) not_found();
      return http::Response::redirect(app.status_url(request.path_param("username"), *id), 302);
    }
    return status_document(app, request, request.path_param("username"), request.path_param("id"),
                           false);
  });
  router.get("/users/:username/statuses/:id/activity", [&app](http::Request& request) {
    return status_document(app, request, request.path_param("username"), request.path_param("id"),
                           true);
  });
  router.get("/users/:username/statuses/:id/replies",
             [&app](http::Request& request) { return replies_collection(app, request); });
  router.get("/users/:username/statuses/:id/likes",
             [&app](http::Request& request) { return counted_collection(app, request, true); });
  router.get("/users/:username/statuses/:id/shares",
             [&app](http::Request& request) { return counted_collection(app, request, false); });
  router.get("/users/:username/quote_authorizations/:id",
             [&app](http::Request& request) { return quote_authorization(app, request); });
  router.get("/actor", [&app](http::Request& request) { return instance_actor(app, request); });
  for (const char* name : {"outbox", "followers", "following"})
    router.get(std::string("/actor/") + name, [&app, name](http::Request&) {
      return activity_response(federation::ordered_collection(
          federation::instance_actor_uri(app) + "/" + name, 0, std::nullopt));
    });
  add_collection_routes(router, app);
  add_inbox_routes(router, app);
  add_domain_block_routes(router, app);
}

}  // namespace herd::api
