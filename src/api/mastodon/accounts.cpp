// Accounts: registration, credentials, profiles, lookup/search, statuses, followers/following,
// relationships, follow/block/mute actions, follow requests, blocks and mutes lists.
#include "service/accounts.hpp"

#include <algorithm>
#include <unordered_set>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/rate_limits.hpp"
#include "api/routes.hpp"
#include "api/status_cache.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/instance_settings.hpp"
#include "service/profile_images.hpp"
#include "service/quotes.hpp"
#include "service/relationships.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {

store::Account visible_account(App& app, Id id) {
  auto account =
      app.db->read_value([&](store::Connection& c) { return store::find_account(c, id); });
  if (!account || account->suspended) not_found();
  return *account;
}

http::Response account_response(App& app, Id id) {
  store::Account account = visible_account(app, id);
  return http::Response::json(
      app.db->read_value([&](store::Connection& c) { return account_json(app, c, account); }));
}

http::Response relationship_response(App& app, Id viewer, Id target) {
  json::object relationship = app.db->read_value(
      [&](store::Connection& c) { return relationship_json(c, viewer, target); });
  return http::Response::json(relationship);
}

// A Link-paginated list of accounts from (row id, account id) entries.
http::Response account_page(App& app, const http::Request& request, const store::PageQuery& page,
                            const std::vector<store::Entry>& entries) {
  std::vector<Id> ids, cursors;
  for (const auto& e : entries) {
    ids.push_back(e.account_id);
    cursors.push_back(e.row_id);
  }
  json::array accounts =
      app.db->read_value([&](store::Connection& c) { return accounts_json(app, c, ids); });
  http::Response response = http::Response::json(accounts);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

http::Response register_account(App& app, http::Request& request) {
  Viewer viewer = require_token(app, request, "write:accounts");
  Registrations mode = service::registrations_mode(app);
  if (mode == Registrations::closed)
    fail(ErrorKind::forbidden, "Registrations are not open on this server");
  auto& p = request.params;
  if (!http::param_bool(p, "agreement").value_or(false))
    fail(ErrorKind::validation, "Validation failed: Agreement must be accepted");
  service::NewAccount input;
  input.username = http::param_string(p, "username").value_or("");
  input.email = http::param_string(p, "email").value_or("");
  input.password = http::param_string(p, "password").value_or("");
  input.locale = http::param_string(p, "locale").value_or("en");
  input.reason = http::param_string(p, "reason").value_or("");
  input.approved = mode == Registrations::open;
  input.sign_up = true;
  input.ip = client_ip(app.config, request);
  auto registration =
      service::register_account(app, input, viewer.token->application_id, viewer.token->scopes);
  return http::Response::json(token_json(registration.token));
}

// The signed-in user of a token with read:accounts or the narrower `profile` scope (what
// verify_credentials and /oauth/userinfo take).
Viewer require_profile_reader(App& app, http::Request& request) {
  Viewer viewer = authenticate(app, request);
  if (!viewer.token) fail(ErrorKind::unauthorized, "The access token is invalid");
  if (!scope_allows(viewer.token->scopes, "read:accounts") &&
      !scope_allows(viewer.token->scopes, "profile"))
    fail(ErrorKind::forbidden, "This action is outside the authorized scopes");
  return require_user(app, request, "");
}

http::Response verify_credentials(App& app, http::Request& request) {
  Viewer viewer = require_profile_reader(app, request);
  json::object o = app.db->read_value([&](store::Connection& c) {
    return credential_account_json(app, c, *viewer.account, *viewer.user);
  });
  return http::Response::json(o);
}

// GET/POST /oauth/userinfo (Mastodon 4.4): OpenID Connect's UserInfo claims of the token's account,
// with the scopes verify_credentials takes (`profile` is the narrow one).
http::Response userinfo(App& app, http::Request& request) {
  Viewer viewer = require_profile_reader(app, request);
  json::object account = account_json(app, *viewer.account);
  return http::Response::json(json::object{{"iss", app.base_url() + "/"},
                                           {"sub", viewer.account->uri},
                                           {"name", account["display_name"]},
                                           {"preferred_username", viewer.account->username},
                                           {"profile", account["url"]},
                                           {"picture", account["avatar"]}});
}

http::Response update_credentials(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:accounts");
  auto& p = request.params;
  service::ProfileUpdate update;
  for (const auto& file : request.files) {
    // An empty file part (filename="", 0 bytes: a form's unset file input, as Phanpy sends) means
    // "no change", as in Mastodon.
    if (file.data.empty()) continue;
    if (file.field == "avatar") update.avatar = file.data;
    if (file.field == "header") update.header = file.data;
  }
  update.display_name = http::param_string(p, "display_name");
  update.note = http::param_string(p, "note");
  update.locked = http::param_bool(p, "locked");
  update.bot = http::param_bool(p, "bot");
  update.discoverable = http::param_bool(p, "discoverable");
  update.indexable = http::param_bool(p, "indexable");
  update.hide_collections = http::param_bool(p, "hide_collections");
  if (http::param(p, "fields_attributes")) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& field : http::param_objects(p, "fields_attributes")) {
      fields.emplace_back(http::param_string(field, "name").value_or(""),
                          http::param_string(field, "value").value_or(""));
    }
    update.fields = std::move(fields);
  }
  update.default_privacy = http::param_string(p, "source.privacy");
  update.default_sensitive = http::param_bool(p, "source.sensitive");
  update.default_language = http::param_string(p, "source.language");
  auto quote_policy = service::read_quote_policy(http::param_string(p, "source.quote_policy"));
  store::Account account = service::update_profile(app, viewer.account_id(), update);
  if (quote_policy)  // validated above, before anything changed
    app.db->write([&](store::Connection& c) {
      store::set_default_quote_policy(c, viewer.account_id(), *quote_policy);
    });
  json::object o = app.db->read_value([&](store::Connection& c) {
    auto user = store::find_user(c, viewer.user->id);
    return credential_account_json(app, c, account, *user);
  });
  return http::Response::json(o);
}

// DELETE /api/v1/profile/avatar and /header: back to the default image.
http::Response remove_profile_image(App& app, http::Request& request, service::ProfileImage kind) {
  Viewer viewer = require_user(app, request, "write:accounts");
  store::Account account = service::remove_profile_image(app, viewer.account_id(), kind);
  json::object o = app.db->read_value([&](store::Connection& c) {
    auto user = store::find_user(c, viewer.user->id);
    return credential_account_json(app, c, account, *user);
  });
  return http::Response::json(o);
}

http::Response lookup(App& app, http::Request& request) {
  optional_user(app, request, "read:accounts");
  std::string acct = http::param_string(request.params, "acct").value_or("");
  if (!acct.empty() && acct[0] == '@') acct = acct.substr(1);
  std::string username = acct, domain;
  size_t at = acct.find('@');
  if (at != std::string::npos) {
    username = acct.substr(0, at);
    domain = acct.substr(at + 1);
    if (domain == app.domain()) domain.clear();
  }
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, username, domain); });
  if (!account || account->suspended) not_found();
  return http::Response::json(
      app.db->read_value([&](store::Connection& c) { return account_json(app, c, *account); }));
}

http::Response search(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  std::string q = http::param_string(request.params, "q").value_or("");
  if (!q.empty() && q[0] == '@') q = q.substr(1);
  int limit = static_cast<int>(
      std::clamp<std::int64_t>(http::param_int(request.params, "limit").value_or(40), 1, 80));
  int offset = static_cast<int>(
      std::max<std::int64_t>(0, http::param_int(request.params, "offset").value_or(0)));
  bool following = http::param_bool(request.params, "following").value_or(false);
  std::string username = q.substr(0, q.find('@'));
  json::array out = app.db->read_value([&](store::Connection& c) {
    json::array result;
    if (username.empty()) return result;
    for (const auto& account : store::search_accounts(c, username, limit, offset)) {
      if (following && !store::is_following(c, viewer.account_id(), account.id)) continue;
      result.push_back(account_json(app, account));
    }
    return result;
  });
  return http::Response::json(out);
}

http::Response account_statuses(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  store::Account account = visible_account(app, path_id(request));
  store::PageQuery page = read_page(request, 20, 40);
  store::AccountStatusesFilter filter;
  auto& p = request.params;
  filter.only_media = http::param_bool(p, "only_media").value_or(false);
  filter.exclude_replies = http::param_bool(p, "exclude_replies").value_or(false);
  filter.exclude_reblogs = http::param_bool(p, "exclude_reblogs").value_or(false);
  filter.pinned = http::param_bool(p, "pinned").value_or(false);
  filter.tagged = http::param_string(p, "tagged");
  std::vector<Id> cursors;
  auto generation = status_cache_version(*app.db);  // before the rows (status_cache.hpp)
  http::BodyPieces statuses = app.db->read_value([&](store::Connection& c) {
    std::vector<store::Status> rows;  // none for an account blocked either way
    if (!viewer.signed_in() || !store::blocked_either_way(c, viewer.account_id(), account.id))
      rows = store::page_account_statuses(c, account.id, viewer.account_id(), filter, page);
    for (const auto& s : rows) cursors.push_back(s.id);
    return StatusRenderer(app, c, viewer.account_id(), "account").render_pieces(rows, generation);
  });
  http::Response response;
  response.pieces = std::make_shared<const http::BodyPieces>(std::move(statuses));
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

using EntryPage = std::vector<store::Entry> (*)(store::Connection&, Id, const store::PageQuery&);

// A Link-paginated list of accounts related to the account of the path (followers, following,
// endorsements), public as the profile is. A network the account hides (hide_collections) is an
// empty list to everyone else, as in Mastodon.
http::Response related_accounts(App& app, http::Request& request, EntryPage fn,
                                bool hideable = false) {
  Viewer viewer = optional_user(app, request, "read:accounts");
  store::Account account = visible_account(app, path_id(request));
  store::PageQuery page = read_page(request, 40, 80);
  if (hideable && account.hide_collections && viewer.account_id() != account.id)
    return account_page(app, request, page, {});
  auto entries = app.db->read_value([&](store::Connection& c) { return fn(c, account.id, page); });
  return account_page(app, request, page, entries);
}

http::Response followers(App& app, http::Request& request) {
  return related_accounts(app, request, store::page_followers, true);
}

http::Response following(App& app, http::Request& request) {
  return related_accounts(app, request, store::page_following, true);
}

http::Response endorsements(App& app, http::Request& request) {
  return related_accounts(app, request, store::page_account_pins);
}

// The distinct ids of the id[] parameter, in the order given.
std::vector<Id> id_params(const http::Request& request) {
  std::vector<Id> ids;
  std::unordered_set<Id> seen;
  for (const auto& text : http::param_strings(request.params, "id"))
    if (auto id = parse_id(text); id && seen.insert(*id).second) ids.push_back(*id);
  return ids;
}

http::Response relationships(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:follows");
  std::vector<Id> ids = id_params(request);
  json::array out = app.db->read_value(
      [&](store::Connection& c) { return relationships_json(c, viewer.account_id(), ids); });
  return http::Response::json(out);
}

http::Response many_accounts(App& app, http::Request& request) {
  optional_user(app, request, "read:accounts");
  std::vector<Id> ids;
  for (const auto& text : http::param_strings(request.params, "id"))
    if (auto id = parse_id(text)) ids.push_back(*id);
  json::array out =
      app.db->read_value([&](store::Connection& c) { return accounts_json(app, c, ids); });
  return http::Response::json(out);
}

using Action = void (*)(App&, Id, Id);

http::Handler relationship_action(App& app, const char* scope, Action action) {
  return [&app, scope, action](http::Request& request) {
    Viewer viewer = require_user(app, request, scope);
    Id target = path_id(request);
    action(app, viewer.account_id(), target);
    return relationship_response(app, viewer.account_id(), target);
  };
}

http::Response follow(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:follows");
  Id target = path_id(request);
  service::FollowOptions options;
  options.reblogs = http::param_bool(request.params, "reblogs");
  options.notify = http::param_bool(request.params, "notify");
  service::follow(app, viewer.account_id(), target, options);
  return relationship_response(app, viewer.account_id(), target);
}

http::Response mute(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:mutes");
  Id target = path_id(request);
  service::mute(app, viewer.account_id(), target,
                http::param_bool(request.params, "notifications").value_or(true),
                http::param_int(request.params, "duration"));
  return relationship_response(app, viewer.account_id(), target);
}

http::Response follow_request_action(App& app, http::Request& request, bool accept) {
  Viewer viewer = require_user(app, request, "write:follows");
  Id requester = path_id(request);
  if (accept)
    service::authorize_follow_request(app, viewer.account_id(), requester);
  else
    service::reject_follow_request(app, viewer.account_id(), requester);
  return relationship_response(app, viewer.account_id(), requester);
}

template <typename PageFn>
http::Response own_list(App& app, http::Request& request, const char* scope, PageFn fn) {
  Viewer viewer = require_user(app, request, scope);
  store::PageQuery page = read_page(request, 40, 80);
  auto entries =
      app.db->read_value([&](store::Connection& c) { return fn(c, viewer.account_id(), page); });
  return account_page(app, request, page, entries);
}

// GET /api/v1/accounts/familiar_followers?id[]=...: a user token with read:follows, as Mastodon.
// One FamiliarFollowers entry per requested account that exists and is not suspended, in the
// order asked (duplicates once): the accounts the viewer follows that follow it.
http::Response familiar_followers(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:follows");
  std::vector<Id> ids = id_params(request);
  json::array out = app.db->read_value([&](store::Connection& c) {
    std::unordered_set<Id> present;
    for (const auto& a : store::find_accounts(c, ids))
      if (!a.suspended) present.insert(a.id);
    std::vector<Id> targets;
    for (Id id : ids)
      if (present.count(id)) targets.push_back(id);
    auto familiar = store::familiar_follower_ids(c, viewer.account_id(), targets);
    json::array entries;
    for (Id id : targets) {
      auto it = familiar.find(id);
      entries.push_back(json::object{
          {"id", std::to_string(id)},
          {"accounts", it == familiar.end() ? json::array() : accounts_json(app, c, it->second)}});
    }
    return entries;
  });
  return http::Response::json(out);
}

}  // namespace

void add_account_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.post("/api/v1/accounts", bind(register_account));
  router.get("/api/v1/accounts", bind(many_accounts));
  // Reads of the local database (http::Cost::quick_read; docs/ARCHITECTURE.md "Quick reads").
  router.get("/api/v1/accounts/verify_credentials", bind(verify_credentials),
             http::Cost::quick_read);
  router.get("/oauth/userinfo", bind(userinfo));
  router.post("/oauth/userinfo", bind(userinfo));
  router.patch("/api/v1/accounts/update_credentials", bind(update_credentials));
  router.del("/api/v1/profile/avatar", [&app](http::Request& request) {
    return remove_profile_image(app, request, service::ProfileImage::avatar);
  });
  router.del("/api/v1/profile/header", [&app](http::Request& request) {
    return remove_profile_image(app, request, service::ProfileImage::header);
  });
  router.get("/api/v1/accounts/lookup", bind(lookup));
  router.get("/api/v1/accounts/search", bind(search));
  router.get("/api/v1/accounts/relationships", bind(relationships));
  router.get("/api/v1/accounts/familiar_followers", bind(familiar_followers));
  router.get(
      "/api/v1/accounts/:id",
      [&app](http::Request& request) {
        optional_user(app, request, "read:accounts");
        return account_response(app, path_id(request));
      },
      http::Cost::quick_read);
  router.get("/api/v1/accounts/:id/statuses", bind(account_statuses), http::Cost::quick_read);
  router.get("/api/v1/accounts/:id/followers", bind(followers));
  router.get("/api/v1/accounts/:id/following", bind(following));
  router.post("/api/v1/accounts/:id/follow", bind(follow));
  router.post("/api/v1/accounts/:id/unfollow",
              relationship_action(app, "write:follows", service::unfollow));
  router.post("/api/v1/accounts/:id/block",
              relationship_action(app, "write:blocks", service::block));
  router.post("/api/v1/accounts/:id/unblock",
              relationship_action(app, "write:blocks", service::unblock));
  router.post("/api/v1/accounts/:id/mute", bind(mute));
  router.post("/api/v1/accounts/:id/unmute",
              relationship_action(app, "write:mutes", service::unmute));
  // Featuring accounts on one's profile: endorse/unendorse (Mastodon 4.4), pin/unpin before.
  auto endorse = [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "write:accounts");
    Id target = path_id(request);
    service::endorse(app, viewer.account_id(), target);
    return relationship_response(app, viewer.account_id(), target);
  };
  auto unendorse = [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "write:accounts");
    Id target = path_id(request);
    service::unendorse(app, viewer.account_id(), target);
    return relationship_response(app, viewer.account_id(), target);
  };
  router.post("/api/v1/accounts/:id/endorse", endorse);
  router.post("/api/v1/accounts/:id/pin", endorse);
  router.post("/api/v1/accounts/:id/unendorse", unendorse);
  router.post("/api/v1/accounts/:id/unpin", unendorse);
  // The accounts someone features on their profile (public, as the profile is).
  router.get("/api/v1/accounts/:id/endorsements", bind(endorsements));
  // Who to follow: v1 a list of accounts, v2 {source, sources, account} (herd's only source is
  // "global": local accounts first, then by followers).
  auto suggestions = [&app](http::Request& request, bool v2) {
    Viewer viewer = require_user(app, request, "read:accounts");
    int limit = static_cast<int>(
        std::clamp<std::int64_t>(http::param_int(request.params, "limit").value_or(40), 1, 80));
    json::array body = app.db->read_value([&](store::Connection& c) {
      json::array accounts =
          accounts_json(app, c, store::suggested_account_ids(c, viewer.account_id(), limit));
      if (!v2) return accounts;
      json::array out;
      for (auto& account : accounts)
        out.push_back(json::object{{"source", "global"},
                                   {"sources", json::array{"global"}},
                                   {"account", std::move(account)}});
      return out;
    });
    return http::Response::json(body);
  };
  router.get("/api/v1/suggestions",
             [suggestions](http::Request& request) { return suggestions(request, false); });
  router.get("/api/v2/suggestions",
             [suggestions](http::Request& request) { return suggestions(request, true); });
  router.del("/api/v1/suggestions/:id", [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "read:accounts");
    Id target = path_id(request);
    service::dismiss_suggestion(app, viewer.account_id(), target);
    return http::Response::json(json::object{});
  });
  router.get("/api/v1/endorsements", [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "read:accounts");
    store::PageQuery page = read_page(request, 40, 80);
    auto entries = app.db->read_value([&](store::Connection& c) {
      return store::page_account_pins(c, viewer.account_id(), page);
    });
    return account_page(app, request, page, entries);
  });
  router.post("/api/v1/accounts/:id/note", [&app](http::Request& request) {
    Viewer viewer = require_user(app, request, "write:accounts");
    Id target = path_id(request);
    service::set_note(app, viewer.account_id(), target,
                      http::param_string(request.params, "comment").value_or(""));
    return relationship_response(app, viewer.account_id(), target);
  });
  router.post("/api/v1/accounts/:id/remove_from_followers",
              relationship_action(app, "write:follows", service::remove_from_followers));
  router.get("/api/v1/follow_requests", [&app](http::Request& request) {
    return own_list(app, request, "read:follows", store::page_follow_requests);
  });
  router.post("/api/v1/follow_requests/:id/authorize",
              [&app](http::Request& request) { return follow_request_action(app, request, true); });
  router.post("/api/v1/follow_requests/:id/reject", [&app](http::Request& request) {
    return follow_request_action(app, request, false);
  });
  router.get("/api/v1/blocks", [&app](http::Request& request) {
    return own_list(app, request, "read:blocks", store::page_blocks);
  });
  router.get("/api/v1/mutes", [&app](http::Request& request) {
    return own_list(app, request, "read:mutes", store::page_mutes);
  });
}

}  // namespace herd::api
