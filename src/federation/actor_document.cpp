#include "federation/actor_document.hpp"

#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "text/sanitize.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

std::string image_url(const json::object& actor, std::string_view name) {
  for (const json::value* value : as::values(actor, name)) {
    std::string url = value->is_string()   ? std::string(value->get_string())
                      : value->is_object() ? as::first_id(value->get_object(), "url")
                                           : "";
    if (as::is_web_url(url)) return url;
  }
  return "";
}

}  // namespace

bool is_local_uri(std::string_view base, std::string_view uri) {
  return uri.size() >= base.size() && uri.compare(0, base.size(), base) == 0 &&
         (uri.size() == base.size() || uri[base.size()] == '/' || uri[base.size()] == '#');
}

std::vector<store::RemoteKey> keys_in_document(const json::object& document) {
  std::vector<store::RemoteKey> keys;
  std::string document_id = as::id_of(document);
  auto add = [&](const json::object& key, const std::string& fallback_owner) {
    std::string pem = as::string_of(key, "publicKeyPem");
    if (pem.empty()) return;
    std::string owner = as::first_id(key, "owner");
    if (owner.empty()) owner = fallback_owner;
    keys.push_back({as::id_of(key), owner, pem, now_unix_ms()});
  };
  if (document.contains("publicKeyPem")) add(document, "");
  for (const json::value* value : as::values(document, "publicKey"))
    if (value->is_object()) add(value->get_object(), document_id);
  return keys;
}

std::optional<PublicKey> key_in_actor(const json::object& actor, const std::string& key_id) {
  auto keys = keys_in_document(actor);
  for (const auto& key : keys)
    if (key.key_id == key_id) return PublicKey{key.public_key_pem, as::id_of(actor)};
  if (!keys.empty() && (key_id.empty() || key_id_document(key_id) == as::id_of(actor)))
    return PublicKey{keys.front().public_key_pem, as::id_of(actor)};
  return std::nullopt;
}

bool is_actor_type(const json::object& object) {
  for (std::string_view type : {"Person", "Service", "Application", "Group", "Organization"})
    if (as::has_type(object, type)) return true;
  return false;
}

std::optional<store::Account> account_from_actor_document(std::string_view local_base_url,
                                                          const json::object& actor) {
  if (!is_actor_type(actor)) return std::nullopt;
  store::Account a;
  a.uri = as::id_of(actor);
  a.username = as::string_of(actor, "preferredUsername");
  a.domain = as::host_of(a.uri);
  if (a.uri.empty() || a.username.empty() || a.domain.empty() ||
      is_local_uri(local_base_url, a.uri))
    return std::nullopt;
  a.display_name = as::natural_text(actor, "name");
  a.note = text::sanitize_html(as::natural_text(actor, "summary"));
  json::array fields;
  for (const json::value* value : as::values(actor, "attachment")) {
    if (!value->is_object() || !as::has_type(value->get_object(), "PropertyValue")) continue;
    const json::object& field = value->get_object();
    fields.push_back(json::object{{"name", as::string_of(field, "name")},
                                  {"value", text::sanitize_html(as::string_of(field, "value"))},
                                  {"verified_at", nullptr}});
  }
  a.fields_json = json::serialize(fields);
  a.url = "";
  for (const json::value* value : as::values(actor, "url")) {
    a.url = as::id_of(*value);
    if (as::is_web_url(a.url)) break;
    a.url.clear();
  }
  if (a.url.empty()) a.url = a.uri;
  a.inbox_url = as::first_id(actor, "inbox");
  if (const json::value* endpoints = as::find(actor, "endpoints");
      endpoints && endpoints->is_object())
    a.shared_inbox_url = as::first_id(endpoints->get_object(), "sharedInbox");
  a.outbox_url = as::first_id(actor, "outbox");
  a.followers_url = as::first_id(actor, "followers");
  a.following_url = as::first_id(actor, "following");
  a.featured_url = as::first_id(actor, "featured");
  if (auto key = key_in_actor(actor, a.uri + "#main-key")) a.public_key_pem = key->pem;
  a.avatar_url = image_url(actor, "icon");
  a.header_url = image_url(actor, "image");
  a.actor_type = as::type_of(actor);
  a.bot = a.actor_type == "Service" || a.actor_type == "Application";
  a.locked = as::bool_of(actor, "manuallyApprovesFollowers").value_or(false);
  a.discoverable = as::bool_of(actor, "discoverable").value_or(false);
  a.indexable = as::bool_of(actor, "indexable").value_or(false);
  a.created_at = as::time_of(actor, "published").value_or(now_unix_ms());
  a.updated_at = now_unix_ms();
  return a;
}

}  // namespace herd::federation
