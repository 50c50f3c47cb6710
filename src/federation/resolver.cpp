#include "federation/resolver.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/context.hpp"
#include "federation/moderation.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "text/sanitize.hpp"

namespace herd::federation {

namespace {

bool domain_blocked(App& app, const std::string& domain) {
  return app.db->read_value(
      [&](store::Connection& c) { return store::is_domain_blocked(c, domain); });
}

std::string image_url(const json::object& actor, std::string_view name) {
  for (const json::value* value : as::values(actor, name)) {
    if (value->is_string()) return std::string(value->get_string());
    if (value->is_object()) {
      std::string url = as::first_id(value->get_object(), "url");
      if (!url.empty()) return url;
    }
  }
  return "";
}

// The actor's key with this id (publicKey may be one object or several), else the first one.
std::optional<PublicKey> key_in_actor(const json::object& actor, const std::string& key_id) {
  std::optional<PublicKey> first;
  std::string owner = as::id_of(actor);
  for (const json::value* value : as::values(actor, "publicKey")) {
    if (!value->is_object()) continue;
    const json::object& key = value->get_object();
    std::string pem = as::string_of(key, "publicKeyPem");
    if (pem.empty()) continue;
    PublicKey found{pem, owner};
    if (as::id_of(key) == key_id) return found;
    if (!first) first = found;
  }
  if (key_id.empty() || key_id_document(key_id) == owner) return first;
  return std::nullopt;
}

bool is_actor_type(const json::object& object) {
  for (std::string_view type : {"Person", "Service", "Application", "Group", "Organization"})
    if (as::has_type(object, type)) return true;
  return false;
}

}  // namespace

std::string domain_of(const std::string& uri) {
  return as::host_of(uri);
}

bool is_local_uri(const App& app, const std::string& uri) {
  const std::string& base = app.base_url();
  return uri.size() >= base.size() && uri.compare(0, base.size(), base) == 0 &&
         (uri.size() == base.size() || uri[base.size()] == '/' || uri[base.size()] == '#');
}

namespace {
thread_local std::int64_t fetch_deadline = 0;  // 0: no budget
}

FetchBudget::FetchBudget(std::int64_t milliseconds) : previous_(fetch_deadline) {
  std::int64_t deadline = now_unix_ms() + milliseconds;
  if (fetch_deadline == 0 || deadline < fetch_deadline) fetch_deadline = deadline;
}

FetchBudget::~FetchBudget() {
  fetch_deadline = previous_;
}

bool FetchBudget::exhausted() {
  return fetch_deadline != 0 && now_unix_ms() >= fetch_deadline;
}

namespace {
thread_local bool no_fetches = false;
}

NoFetches::NoFetches() : previous_(no_fetches) {
  no_fetches = true;
}

NoFetches::~NoFetches() {
  no_fetches = previous_;
}

bool NoFetches::active() {
  return no_fetches;
}

std::optional<json::object> fetch_document(App& app, const std::string& uri) {
  if (no_fetches) throw FetchNeeded{};
  if (FetchBudget::exhausted()) {
    log::warn("fetch {}: skipped, this activity's fetch budget is spent", uri);
    return std::nullopt;
  }
  std::string domain = domain_of(uri);
  if (domain.empty() || domain_blocked(app, domain)) return std::nullopt;
  Federation& federation = of(app);
  try {
    FetchResponse response = federation.client().get(uri, federation.instance_key());
    if (!response.ok()) {
      if (response.status != 404 && response.status != 410)
        log::warn("fetch {}: HTTP {}", uri, response.status);
      return std::nullopt;
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    json::object document = std::move(parsed.as_object());
    std::string id = as::id_of(document);
    // The document must come from its own host (Mastodon's same-origin rule for fetches).
    if (id.empty() || domain_of(id) != domain_of(response.url)) return std::nullopt;
    return document;
  } catch (const std::exception& error) {
    log::warn("fetch {}: {}", uri, error.what());
    return std::nullopt;
  }
}

std::optional<store::Account> account_from_actor(const App& app, const json::object& actor) {
  if (!is_actor_type(actor)) return std::nullopt;
  store::Account a;
  a.uri = as::id_of(actor);
  a.username = as::string_of(actor, "preferredUsername");
  a.domain = domain_of(a.uri);
  if (a.uri.empty() || a.username.empty() || a.domain.empty() || is_local_uri(app, a.uri))
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
    if (!a.url.empty()) break;
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

namespace {

struct Finger {
  std::string username, domain;  // from the subject (acct:username@domain)
  std::string self;              // the ActivityPub actor it links to
};

// WebFinger acct:username@domain at domain.
std::optional<Finger> webfinger(App& app, const std::string& username, const std::string& domain) {
  if (no_fetches) throw FetchNeeded{};
  if (FetchBudget::exhausted()) return std::nullopt;
  Federation& federation = of(app);
  std::string scheme = federation.client().options().allow_http ? "http" : "https";
  std::string url = scheme + "://" + domain + "/.well-known/webfinger?resource=" +
                    http::percent_encode("acct:" + username + "@" + domain);
  try {
    FetchResponse response = federation.client().get(url, federation.instance_key(),
                                                     "application/jrd+json, application/json");
    if (!response.ok()) return std::nullopt;
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    const json::object& doc = parsed.as_object();
    Finger finger;
    std::string subject = as::string_of(doc, "subject");
    if (subject.rfind("acct:", 0) == 0) subject = subject.substr(5);
    std::size_t at = subject.rfind('@');
    if (at != std::string::npos && at > 0) {
      finger.username = subject.substr(0, at);
      finger.domain = subject.substr(at + 1);
      for (char& ch : finger.domain)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    for (const json::value* value : as::values(doc, "links")) {
      if (!value->is_object()) continue;
      const json::object& link = value->get_object();
      std::string type = as::string_of(link, "type");
      if (as::string_of(link, "rel") != "self" ||
          (type.find("activity+json") == std::string::npos &&
           type.find("ld+json") == std::string::npos))
        continue;
      finger.self = as::string_of(link, "href");
      if (!finger.self.empty()) break;
    }
    if (finger.self.empty()) return std::nullopt;
    return finger;
  } catch (const std::exception& error) {
    log::warn("webfinger {}@{}: {}", username, domain, error.what());
    return std::nullopt;
  }
}

// The handle of a new remote account, as Mastodon verifies it: WebFinger preferredUsername at the
// actor's host; when the subject names another domain, that domain's WebFinger must link the same
// actor (the round trip). Otherwise preferredUsername@host.
std::pair<std::string, std::string> verified_handle(App& app, const store::Account& account) {
  auto finger = webfinger(app, account.username, account.domain);
  if (!finger || finger->self != account.uri || finger->username.empty())
    return {account.username, account.domain};
  if (finger->domain == account.domain) return {finger->username, finger->domain};
  auto back = webfinger(app, finger->username, finger->domain);
  if (back && back->self == account.uri) return {finger->username, finger->domain};
  return {account.username, account.domain};
}

}  // namespace

std::optional<store::Account> store_actor(App& app, const json::object& actor) {
  auto parsed = account_from_actor(app, actor);
  if (!parsed) return std::nullopt;
  if (domain_blocked(app, parsed->domain)) return std::nullopt;
  bool known = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_uri(c, parsed->uri).has_value(); });
  if (!known) {
    auto [username, domain] = verified_handle(app, *parsed);
    parsed->username = username;
    parsed->domain = domain;
    if (domain_blocked(app, parsed->domain)) return std::nullopt;
  }
  std::optional<store::Account> stored;
  std::vector<std::string> also_known_as = also_known_as_of(actor);
  std::string moved_to = as::first_id(actor, "movedTo");
  app.db->write([&](store::Connection& c) {
    auto existing = store::find_account_by_uri(c, parsed->uri);
    if (!existing) existing = store::find_account_by_username(c, parsed->username, parsed->domain);
    if (!moved_to.empty()) {  // the account it names, when known here (else as it was)
      parsed->moved_to_account_id = store::find_account_id_by_uri(c, moved_to);
      if (!parsed->moved_to_account_id && existing)
        parsed->moved_to_account_id = existing->moved_to_account_id;
    }
    if (existing) {
      store::Account updated = *parsed;
      updated.id = existing->id;
      updated.username = existing->username;  // the handle verified when it was first stored
      updated.domain = existing->domain;
      store::update_remote_account(c, updated);
    } else {
      parsed->id = next_id();
      store::insert_remote_account(c, *parsed);
    }
    stored = store::find_account_by_uri(c, parsed->uri);
    if (stored) store::set_account_also_known_as(c, stored->id, also_known_as);
  });
  if (stored && !stored->public_key_pem.empty())
    of(app).cache_key(stored->uri + "#main-key", PublicKey{stored->public_key_pem, stored->uri});
  return stored;
}

std::optional<store::Account> resolve_actor(App& app, const std::string& uri, bool refresh) {
  if (uri.empty()) return std::nullopt;
  std::string id = key_id_document(uri);
  if (!refresh || is_local_uri(app, id)) {
    auto known =
        app.db->read_value([&](store::Connection& c) { return store::find_account_by_uri(c, id); });
    if (known || is_local_uri(app, id)) return known;
  }
  auto document = fetch_document(app, id);
  if (!document) return std::nullopt;
  return store_actor(app, *document);  // its id may differ (alias): fetch_document checked the host
}

std::optional<store::Account> resolve_handle(App& app, const std::string& username,
                                             const std::string& domain_in) {
  std::string domain = domain_in;
  for (char& ch : domain) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string web = app.config.web_domain.empty() ? app.domain() : app.config.web_domain;
  if (domain.empty() || domain == app.domain() || domain == web)
    return app.db->read_value(
        [&](store::Connection& c) { return store::find_account_by_username(c, username, ""); });
  auto known = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, username, domain); });
  if (known) return known;
  if (domain_blocked(app, domain)) return std::nullopt;
  auto finger = webfinger(app, username, domain);
  if (!finger) return std::nullopt;
  return resolve_actor(app, finger->self, true);
}

std::optional<PublicKey> lookup_key(App& app, const std::string& key_id, bool refresh) {
  Federation& federation = of(app);
  std::string document_uri = key_id_document(key_id);
  std::string domain = domain_of(document_uri);
  if (domain.empty() || domain_blocked(app, domain)) return std::nullopt;
  if (!refresh || is_local_uri(app, document_uri)) {
    if (auto cached = federation.cached_key(key_id)) return cached;
    auto account = app.db->read_value(
        [&](store::Connection& c) { return store::find_account_by_uri(c, document_uri); });
    if (account && !account->public_key_pem.empty() && !account->suspended) {
      PublicKey key{account->public_key_pem, account->uri};
      federation.cache_key(key_id, key);
      return key;
    }
    if (is_local_uri(app, document_uri)) return std::nullopt;
  } else if (!federation.may_refresh_key(key_id)) {
    return federation.cached_key(key_id);
  }
  auto document = fetch_document(app, document_uri);
  if (!document) return std::nullopt;
  std::optional<PublicKey> key;
  if (is_actor_type(*document)) {
    key = key_in_actor(*document, key_id);
    if (key) store_actor(app, *document);
  } else {
    // A key document (GoToSocial-style keyId): its owner is the actor.
    std::string owner = as::first_id(*document, "owner");
    std::string pem = as::string_of(*document, "publicKeyPem");
    if (!owner.empty() && domain_of(owner) == domain) {
      auto actor = fetch_document(app, owner);
      if (actor && is_actor_type(*actor)) {
        key = key_in_actor(*actor, key_id);
        if (!key && !pem.empty()) key = PublicKey{pem, owner};
        store_actor(app, *actor);
      }
    }
  }
  if (key) federation.cache_key(key_id, *key);
  return key;
}

Verification verify_request(App& app, const http::Request& request) {
  ReceivedRequest received;
  received.method = request.method;
  received.target = request.target;
  std::string host(request.header("host"));
  received.target_uri = app.config.scheme() + "://" + host + request.target;
  for (const auto& [name, value] : request.headers) received.headers.emplace_back(name, value);
  received.body = request.body;
  return federation::verify_request(
      received,
      [&app](const std::string& key_id, bool refresh) { return lookup_key(app, key_id, refresh); },
      now_unix_ms());
}

std::string require_signed_fetch(App& app, const http::Request& request) {
  if (!app.config.authorized_fetch) return "";
  Verification result = verify_request(app, request);
  if (!result.valid)
    fail(ErrorKind::unauthorized, result.error.empty() ? "Request not signed" : result.error);
  if (app.db->read_value([&](store::Connection& c) {
        return store::is_domain_blocked(c, domain_of(result.owner));
      }))
    fail(ErrorKind::unauthorized, "Request from a blocked domain");
  return result.owner;
}

}  // namespace herd::federation
