// Account, CredentialAccount, Application, Token, Rule, Relationship.
#include <unordered_map>

#include "api/mastodon/emojis.hpp"
#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "service/custom_emojis.hpp"
#include "store/accounts.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"

namespace herd::api {

json::object account_json(const App& app, const store::Account& a) {
  json::object o;
  o["id"] = std::to_string(a.id);
  o["username"] = a.username;
  o["acct"] = a.acct();
  o["display_name"] = a.display_name;
  o["locked"] = a.locked;
  o["bot"] = a.bot;
  o["discoverable"] = a.discoverable;
  o["indexable"] = a.indexable;
  o["group"] = a.actor_type == "Group";
  // Mastodon clamps created_at to midnight UTC.
  o["created_at"] = rfc3339(a.created_at - a.created_at % 86400000);
  o["note"] = a.note;
  o["url"] = a.url.empty() ? a.uri : a.url;
  o["uri"] = a.uri;
  o["avatar"] = app.avatar_url(a);
  o["avatar_static"] = app.avatar_static_url(a);
  o["header"] = app.header_url(a);
  o["header_static"] = app.header_static_url(a);
  o["followers_count"] = a.followers_count;
  o["following_count"] = a.following_count;
  o["statuses_count"] = a.statuses_count;
  o["last_status_at"] = a.last_status_at ? json::value(rfc3339_date(*a.last_status_at)) : nullptr;
  o["hide_collections"] = a.hide_collections;
  o["noindex"] = !a.indexable;
  o["roles"] = json::array();
  json::array fields;
  o["emojis"] = emojis_json(app, service::custom_emoji_registry().used_by(a));
  for (const auto& field : store::profile_fields(a)) {
    fields.push_back(json::object{
        {"name", field.name},
        {"value", field.value},
        {"verified_at", field.verified_at ? json::value(*field.verified_at) : nullptr}});
  }
  o["fields"] = std::move(fields);
  if (a.suspended) o["suspended"] = true;
  if (a.silenced) o["limited"] = true;
  return o;
}

json::object credential_account_json(const App& app, store::Connection& c,
                                     const store::Account& account, const store::User& user) {
  json::object o = account_json(app, account);
  json::object source;
  source["privacy"] = user.default_privacy;
  source["sensitive"] = user.default_sensitive;
  source["language"] = user.default_language ? json::value(*user.default_language) : nullptr;
  source["quote_policy"] = store::default_quote_policy(c, account.id);
  source["note"] = account.note_source;
  json::array fields;
  for (const auto& field : store::profile_fields(account))
    fields.push_back(json::object{
        {"name", field.name}, {"value", field.source_value}, {"verified_at", nullptr}});
  source["fields"] = std::move(fields);
  source["follow_requests_count"] = store::count_follow_requests(c, account.id);
  source["attribution_domains"] = json::array();
  source["discoverable"] = account.discoverable;
  source["indexable"] = account.indexable;
  source["hide_collections"] = account.hide_collections;
  o["source"] = std::move(source);
  json::object role;
  std::string name = user.role == "user"    ? ""
                     : user.role == "owner" ? "Owner"
                     : user.role == "admin" ? "Admin"
                                            : "Moderator";
  role["id"] = user.role == "owner"       ? "3"
               : user.role == "admin"     ? "2"
               : user.role == "moderator" ? "1"
                                          : "-99";
  role["name"] = name;
  role["permissions"] = user.role == "owner"       ? "1"
                        : user.role == "admin"     ? "1048575"
                        : user.role == "moderator" ? "1308"
                                                   : "65536";
  role["color"] = "";
  role["highlighted"] = user.role != "user";
  o["role"] = std::move(role);
  return o;
}

json::object application_json(const store::Application& a, bool with_secret,
                              std::string_view vapid_key) {
  json::object o;
  o["id"] = std::to_string(a.id);
  o["name"] = a.name;
  o["website"] = a.website ? json::value(*a.website) : nullptr;
  json::array scopes;
  {
    size_t pos = 0;
    while (pos < a.scopes.size()) {
      size_t end = a.scopes.find(' ', pos);
      if (end == std::string::npos) end = a.scopes.size();
      if (end > pos) scopes.push_back(json::value(a.scopes.substr(pos, end - pos)));
      pos = end + 1;
    }
  }
  o["scopes"] = std::move(scopes);
  json::array uris;
  {
    size_t pos = 0;
    while (pos < a.redirect_uris.size()) {
      size_t end = a.redirect_uris.find('\n', pos);
      if (end == std::string::npos) end = a.redirect_uris.size();
      if (end > pos) uris.push_back(json::value(a.redirect_uris.substr(pos, end - pos)));
      pos = end + 1;
    }
  }
  o["redirect_uri"] = a.redirect_uris;
  o["redirect_uris"] = std::move(uris);
  o["vapid_key"] = vapid_key;
  if (with_secret) {
    o["client_id"] = a.client_id;
    o["client_secret"] = a.client_secret;
    o["client_secret_expires_at"] = 0;
  }
  return o;
}

json::object token_json(const store::AccessToken& t) {
  return json::object{{"access_token", t.token},
                      {"token_type", "Bearer"},
                      {"scope", t.scopes},
                      {"created_at", t.created_at / 1000}};
}

json::object rule_json(const store::Rule& rule) {
  return json::object{{"id", std::to_string(rule.id)}, {"text", rule.text}, {"hint", rule.hint}};
}

json::array relationships_json(store::Connection& c, Id viewer, const std::vector<Id>& targets) {
  json::array out;
  auto relations = store::load_relationships(c, viewer, targets);
  store::load_notes_and_endorsements(c, viewer, targets, relations);
  for (Id target : targets) {
    const store::Relationship& r = relations[target];
    json::object o;
    o["id"] = std::to_string(target);
    o["following"] = r.following;
    o["showing_reblogs"] = r.following ? r.showing_reblogs : false;
    o["notifying"] = r.notifying;
    o["languages"] = json::array();
    o["followed_by"] = r.followed_by;
    o["blocking"] = r.blocking;
    o["blocked_by"] = r.blocked_by;
    o["muting"] = r.muting;
    o["muting_notifications"] = r.muting_notifications;
    o["requested"] = r.requested;
    o["requested_by"] = r.requested_by;
    o["domain_blocking"] = r.domain_blocking;
    o["endorsed"] = r.endorsed;
    o["note"] = r.note;
    out.push_back(std::move(o));
  }
  return out;
}

json::object relationship_json(store::Connection& c, Id viewer, Id target) {
  return relationships_json(c, viewer, {target}).at(0).as_object();
}

json::array accounts_json(const App& app, store::Connection& c, const std::vector<Id>& ids) {
  auto accounts = store::find_accounts(c, ids);
  std::unordered_map<Id, const store::Account*> by_id;
  for (const auto& a : accounts) by_id[a.id] = &a;
  json::array out;
  for (Id id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(account_json(app, c, *it->second));
  }
  return out;
}

}  // namespace herd::api
