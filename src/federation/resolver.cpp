#include "federation/resolver.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/security_settings.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/actor_document.hpp"
#include "federation/context.hpp"
#include "federation/moderation.hpp"
#include "federation/webfinger.hpp"
#include "service/admin_blocks.hpp"
#include "service/custom_emojis.hpp"
#include "service/remote_media.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"
#include "store/invalidation.hpp"
#include "text/sanitize.hpp"

namespace herd::federation {

namespace {

// Blocked, or not allowed in limited federation mode.
bool domain_blocked(App& app, const std::string& domain) {
  return !app.db->read_value(
      [&](store::Connection& c) { return service::federates_with(app, c, domain); });
}

}  // namespace

std::string domain_of(const std::string& uri) {
  return as::host_of(uri);
}

bool is_local_uri(const App& app, const std::string& uri) {
  return is_local_uri(app.base_url(), uri);
}

namespace {
thread_local std::int64_t fetch_deadline = 0;  // 0: no budget
}

FetchBudget::FetchBudget(App& app, std::int64_t milliseconds) : previous_(fetch_deadline) {
  try {
    of(app).instance_key();  // made now if it is the first fetch, outside the deadline
  } catch (const std::exception&) {
    // no key: the fetches fail (and say why) as they would have
  }
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

std::optional<json::object> fetch_document(App& app, const std::string& uri,
                                           FetchFailure* failure) {
  auto fail = [&](FetchFailure why) -> std::optional<json::object> {
    if (failure) *failure = why;
    return std::nullopt;
  };
  if (failure) *failure = FetchFailure::none;
  if (no_fetches) throw FetchNeeded{};
  if (FetchBudget::exhausted()) {
    log::warn("fetch {}: skipped, this activity's fetch budget is spent", uri);
    return fail(FetchFailure::unavailable);
  }
  std::string domain = domain_of(uri);
  if (domain.empty() || domain_blocked(app, domain)) return fail(FetchFailure::unusable);
  if (app.db->read_value(
          [&](store::Connection& c) { return store::is_tombstoned(c, uri, now_unix_ms()); }))
    return fail(FetchFailure::gone);  // gone (410) or deleted: never asked again
  Federation& federation = of(app);
  try {
    FetchResponse response = federation.client().get(uri, federation.instance_key());
    if (!response.ok()) {
      if (response.status == 410) {
        log::info("fetch {}: gone (410), remembered as a tombstone", uri);
        app.db->write(
            [&](store::Connection& c) { store::insert_tombstone(c, uri, "gone", now_unix_ms()); });
      } else if (response.status != 404) {
        log::warn("fetch {}: HTTP {}", uri, response.status);
        // A refusal (401, 403...) stands; a server error, a timeout or a rate limit may pass.
        bool refusal = response.status >= 400 && response.status < 500 && response.status != 408 &&
                       response.status != 429;
        return fail(refusal ? FetchFailure::unusable : FetchFailure::unavailable);
      }
      return fail(FetchFailure::gone);
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    if (ec || !parsed.is_object()) return fail(FetchFailure::unusable);
    json::object document = std::move(parsed.as_object());
    std::string id = as::id_of(document);
    // The document must come from its own host (Mastodon's same-origin rule for fetches).
    if (id.empty() || domain_of(id) != domain_of(response.url)) return fail(FetchFailure::unusable);
    return document;
  } catch (const FetchError& error) {
    log::warn("fetch {}: {}", uri, error.what());
    bool retry =
        error.kind() != FetchError::Kind::bad_url && error.kind() != FetchError::Kind::refused;
    return fail(retry ? FetchFailure::unavailable : FetchFailure::unusable);
  } catch (const std::exception& error) {
    log::warn("fetch {}: {}", uri, error.what());
    return fail(FetchFailure::unavailable);
  }
}

std::optional<store::Account> account_from_actor(const App& app, const json::object& actor) {
  return account_from_actor_document(app.base_url(), actor);
}

namespace {

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
    return parse_webfinger_document(response.body);
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

namespace {

// The endpoints and key an update keeps when the document does not give them: a defective or
// partial document never empties what deliveries need.
void keep_known_endpoints(store::Account& updated, const store::Account& existing) {
  auto keep = [](std::string& value, const std::string& known) {
    if (value.empty()) value = known;
  };
  keep(updated.inbox_url, existing.inbox_url);
  keep(updated.shared_inbox_url, existing.shared_inbox_url);
  keep(updated.outbox_url, existing.outbox_url);
  keep(updated.followers_url, existing.followers_url);
  keep(updated.following_url, existing.following_url);
  keep(updated.featured_url, existing.featured_url);
  keep(updated.public_key_pem, existing.public_key_pem);
}

// Stores the keys an actor document lists as its own (by key id, with their owner).
void store_actor_keys(App& app, store::Connection& c, const json::object& actor,
                      const std::string& uri) {
  for (const store::RemoteKey& key : keys_in_document(actor)) {
    if (key.key_id.empty() || key.owner_uri != uri || domain_of(key.key_id) != domain_of(uri))
      continue;
    store::upsert_remote_key(c, key);
    of(app).cache_key(key.key_id, PublicKey{key.public_key_pem, uri});
  }
}

}  // namespace

std::optional<store::Account> store_actor(App& app, const json::object& actor) {
  auto parsed = account_from_actor(app, actor);
  if (!parsed) return std::nullopt;
  if (domain_blocked(app, parsed->domain)) return std::nullopt;
  auto known = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_uri(c, parsed->uri); });
  if (known && parsed->inbox_url.empty()) {
    // Not a whole actor (a key document, a stub): it may not rewrite what is known.
    log::info("actor {}: a document without an inbox left the stored account as it was",
              parsed->uri);
    return known;
  }
  if (!known) {
    auto [username, domain] = verified_handle(app, *parsed);
    parsed->username = username;
    parsed->domain = domain;
    if (domain_blocked(app, parsed->domain)) return std::nullopt;
  }
  std::optional<store::Account> stored;
  std::vector<std::string> also_known_as = also_known_as_of(actor);
  std::string moved_to = as::first_id(actor, "movedTo");
  std::vector<std::string> dropped_copies;  // local copies of images the actor no longer shows
  {
    store::Changes changes;  // what shows the account (store/invalidation.hpp), noted below
    app.db->write([&](store::Connection& c) {
      dropped_copies.clear();
      auto existing = store::find_account_by_uri(c, parsed->uri);
      if (!existing)
        existing = store::find_account_by_username(c, parsed->username, parsed->domain);
      if (!moved_to.empty()) {  // the account it names, when known here (else as it was)
        parsed->moved_to_account_id = store::find_account_id_by_uri(c, moved_to);
        if (!parsed->moved_to_account_id && existing)
          parsed->moved_to_account_id = existing->moved_to_account_id;
      }
      if (store::domain_rejects_media(c, existing ? existing->domain : parsed->domain)) {
        parsed->avatar_url.clear();  // the default images show (Mastodon's reject_media)
        parsed->header_url.clear();
      }
      if (existing) {
        store::Account updated = *parsed;
        updated.id = existing->id;
        updated.username = existing->username;  // the handle verified when it was first stored
        updated.domain = existing->domain;
        keep_known_endpoints(updated, *existing);
        dropped_copies = service::carry_image_copies(updated, *existing);
        store::update_remote_account(c, updated);
        store::Changes::note(store::tags::account(updated.id));
      } else {
        parsed->id = next_id();
        store::insert_remote_account(c, *parsed);
        store::Changes::note(store::tags::other());  // the instance's count of known domains
      }
      stored = store::find_account_by_uri(c, parsed->uri);
      if (stored) {
        store::set_account_also_known_as(c, stored->id, also_known_as);
        store_actor_keys(app, c, actor, stored->uri);
        service::queue_image_copies(c, *stored);
      }
    });
  }  // (the emojis below are not among what the scope names)
  service::remove_media_copies(app, dropped_copies);
  if (stored) remember_emojis(app, stored->domain, as::parse_emojis(actor));
  return stored;
}

void remember_emojis(App& app, const std::string& domain, const std::vector<as::Emoji>& emojis) {
  std::vector<service::RemoteEmoji> remote;
  for (const auto& emoji : emojis)
    remote.push_back({emoji.shortcode, emoji.url, emoji.media_type, emoji.updated});
  try {
    service::remember_remote_emojis(app, domain, remote);
  } catch (const std::exception& error) {  // the post or profile is still worth storing
    log::warn("custom emojis of {}: {}", domain, error.what());
  }
}

std::optional<store::Account> store_fetched_actor(App& app, const std::string& uri,
                                                  const json::object& document) {
  std::string id = as::id_of(document);
  if (id == uri) return store_actor(app, document);
  if (!is_actor_type(document) || id.empty() || is_local_uri(app, id)) return std::nullopt;
  // Fetched under another URI (a profile URL, a key URL): only the document at its own id counts.
  auto own = fetch_document(app, id);
  if (!own || as::id_of(*own) != id) return std::nullopt;
  return store_actor(app, *own);
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
  return store_fetched_actor(app, id, *document);
}

std::optional<store::Account> resolve_activity_actor(App& app, const std::string& uri) {
  if (uri.empty()) return std::nullopt;
  std::string id = key_id_document(uri);
  if (is_local_uri(app, id)) return resolve_actor(app, uri);
  if (auto known = of(app).actors().find(*app.db, id)) return known;
  return resolve_actor(app, uri);  // fetched and stored (it reads the stored account once more)
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

namespace {

// The PEM of key `key_id` as its owner's own document (fetched at its id now, and stored as the
// actor) lists it; nullopt when it does not. A key document that is not its owner's (GoToSocial's
// key URL, a bare Key) is believed only so, as Mastodon confirms the owner of a key.
std::optional<std::string> key_listed_by_owner(App& app, const std::string& owner,
                                               const std::string& key_id) {
  if (owner.empty() || is_local_uri(app, owner)) return std::nullopt;
  auto document = fetch_document(app, owner);
  if (!document || as::id_of(*document) != owner || !is_actor_type(*document)) return std::nullopt;
  for (const store::RemoteKey& key : keys_in_document(*document)) {
    if (key.key_id != key_id || key.owner_uri != owner) continue;
    store_actor(app, *document);  // a whole fetch of the actor's own id
    return key.public_key_pem;
  }
  return std::nullopt;
}

}  // namespace

std::optional<PublicKey> lookup_key(App& app, const std::string& key_id, bool refresh) {
  Federation& federation = of(app);
  std::string document_uri = key_id_document(key_id);
  std::string domain = domain_of(document_uri);
  if (domain.empty() || domain_blocked(app, domain)) return std::nullopt;
  if (is_local_uri(app, document_uri)) {
    auto account = app.db->read_value(
        [&](store::Connection& c) { return store::find_account_by_uri(c, document_uri); });
    if (!account || account->public_key_pem.empty() || account->suspended) return std::nullopt;
    return PublicKey{account->public_key_pem, account->uri};
  }
  if (!refresh) {
    if (auto cached = federation.cached_key(key_id)) return cached;
    std::optional<PublicKey> stored;
    app.db->read([&](store::Connection& c) {
      if (auto key = store::find_remote_key(c, key_id)) {
        stored = PublicKey{key->public_key_pem, key->owner_uri};
        return;
      }
      // An account stored before keys were kept by id: its `<actor>#main-key`.
      auto account = store::find_account_by_uri(c, document_uri);
      if (account && !account->public_key_pem.empty() && key_id != document_uri)
        stored = PublicKey{account->public_key_pem, account->uri};
    });
    if (stored) {
      federation.cache_key(key_id, *stored);
      return stored;
    }
  } else if (!federation.may_refresh_key(key_id)) {
    return federation.cached_key(key_id);
  }
  // The document at the key id is only ever read for its key: an actor's document at its own id
  // (Mastodon's `<actor>#main-key`) is also stored as the actor; any other document (GoToSocial's
  // key URL answers a bare Person with only its publicKey, some servers a bare Key) never touches
  // the stored account, and its key counts only when the owner's own document lists it.
  auto document = fetch_document(app, document_uri);
  if (!document) return std::nullopt;
  std::optional<store::RemoteKey> found;
  for (store::RemoteKey& key : keys_in_document(*document)) {
    bool matches = key.key_id == key_id || (key.key_id.empty() && as::id_of(*document) == key_id);
    if (matches || (!found && key_id_document(key_id) == as::id_of(*document) &&
                    key.owner_uri == as::id_of(*document))) {
      key.key_id = key_id;
      found = key;
      if (matches) break;
    }
  }
  if (!found || found->owner_uri.empty() || domain_of(found->owner_uri) != domain) {
    log::warn("key {}: no key with this id and an owner on its host in {}", key_id, document_uri);
    return std::nullopt;
  }
  if (is_actor_type(*document) && as::id_of(*document) == document_uri &&
      found->owner_uri == document_uri) {
    store_actor(app, *document);
  } else if (auto pem = key_listed_by_owner(app, found->owner_uri, key_id)) {
    found->public_key_pem = *pem;
  } else {
    // Anyone able to serve a document on the owner's host could otherwise speak for the owner.
    log::warn("key {}: its owner {} does not list it in its own document", key_id,
              found->owner_uri);
    return std::nullopt;
  }
  PublicKey key{found->public_key_pem, found->owner_uri};
  app.db->write([&](store::Connection& c) { store::upsert_remote_key(c, *found); });
  federation.cache_key(key_id, key);
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
  // As Mastodon, limited federation mode implies authorized fetch.
  if (!app.config.authorized_fetch && !security_settings().limited_federation_mode) return "";
  Verification result = verify_request(app, request);
  if (!result.valid)
    fail(ErrorKind::unauthorized, result.error.empty() ? "Request not signed" : result.error);
  if (domain_blocked(app, domain_of(result.owner)))
    fail(ErrorKind::unauthorized, "Request from a blocked domain");
  return result.owner;
}

}  // namespace herd::federation
