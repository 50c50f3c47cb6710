// Dereferencing remote things: documents by URI (signed GET with the instance actor's key),
// actors (stored as remote accounts), WebFinger handles, public keys for signature verification,
// and the verification of incoming signed requests. Blocking: network I/O happens here; never call
// these inside a database transaction.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "federation/http_signature.hpp"
#include "http/request.hpp"
#include "store/models.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace as {
struct Emoji;
}

// Bounds the network time of the work on the current thread (an inbox activity is processed on a
// server thread): while a FetchBudget lives, fetches and WebFinger lookups that would start after
// its deadline are skipped (as failed ones are). Nested budgets keep the earliest deadline.
// Fetches are signed with the instance actor's key, made on first use: the constructor makes it
// first (once per instance; an RSA key takes a second or more on a busy machine), so that the
// budget bounds network time only and the first fetches of a new instance are not skipped.
class FetchBudget {
 public:
  FetchBudget(App& app, std::int64_t milliseconds);
  ~FetchBudget();
  FetchBudget(const FetchBudget&) = delete;
  FetchBudget& operator=(const FetchBudget&) = delete;
  static bool exhausted();

 private:
  std::int64_t previous_;
};

// While a NoFetches lives on the current thread (the inbox batch thread, whose work runs inside
// one transaction), a fetch or WebFinger lookup throws FetchNeeded instead of going to the
// network. FetchNeeded is not a std::exception, so that no caller mistakes it for a failed fetch.
struct FetchNeeded {};
class NoFetches {
 public:
  NoFetches();
  ~NoFetches();
  NoFetches(const NoFetches&) = delete;
  NoFetches& operator=(const NoFetches&) = delete;
  static bool active();

 private:
  bool previous_;
};

// Why fetch_document found nothing.
enum class FetchFailure {
  none,
  gone,         // 404, 410, or remembered as a tombstone: the server says it does not exist
  unavailable,  // network error, 5xx, 408, 429, the fetch budget spent: ask again later
  unusable,     // refused (another 4xx), not JSON, an id on another host, a blocked domain, a
                // malformed URI
};

// The document at uri, when it is JSON whose id lives on the host it came from (after
// redirects). nullopt for 404/410, non-JSON, mismatched ids, blocked domains and refused or
// failed fetches (logged), with the reason in `failure` when given. A 410 answer is remembered as
// a tombstone, and a tombstoned uri (gone, or deleted by its owner) is never fetched again.
std::optional<json::object> fetch_document(App& app, const std::string& uri,
                                           FetchFailure* failure = nullptr);

// Builds the account an actor document describes (not stored): username from preferredUsername,
// domain from the actor's host, sanitised note and fields, URLs, key, images, flags. nullopt when
// the document is not a usable actor.
std::optional<store::Account> account_from_actor(const App& app, const json::object& actor);

// Stores (inserts or updates) the account an actor document describes, and the keys it lists as
// its own (by key id); returns it. Only a whole actor (one with an inbox) updates a known account,
// and an update never empties a known inbox, shared inbox, collection URL or key. Callers pass
// the document fetched at the actor's own id, or the object of a signed Update from the actor.
std::optional<store::Account> store_actor(App& app, const json::object& actor);

// Stores the custom emojis (Emoji tags) a remote document of `domain` carries, so that the
// `emojis` of its statuses and accounts show them (service/custom_emojis.hpp).
void remember_emojis(App& app, const std::string& domain, const std::vector<as::Emoji>& emojis);

// Stores the actor a fetch of uri answered: as it is when its id is uri, else (a profile or key
// URL) only after fetching the document at its own id. nullopt when that fails.
std::optional<store::Account> store_fetched_actor(App& app, const std::string& uri,
                                                  const json::object& document);

// The account for an actor URI: the stored one, or fetched and stored when unknown (or when
// refresh). Local URIs give local accounts, never a fetch.
std::optional<store::Account> resolve_actor(App& app, const std::string& uri, bool refresh = false);

// resolve_actor() for the actor of an activity received in an inbox: a remote account stored here
// is read through the actor cache (store/actor_cache.hpp: as stored but for its counts, which may
// be older; none of the inbox's work reads them).
std::optional<store::Account> resolve_activity_actor(App& app, const std::string& uri);

// WebFinger: the account for user@domain (remote: looked up, fetched and stored when unknown).
std::optional<store::Account> resolve_handle(App& app, const std::string& username,
                                             const std::string& domain);

// The key lookup verification uses: memory cache, then the keys stored by key id (remote_keys),
// then a fetch of the keyId's document (refresh: always fetch, at most once per few seconds per
// key). The fetched document is only read for the key with that id and its owner (which must
// live on the key's host); it updates the stored actor only when it is the actor's own document.
// When it is not (a key URL answering a stub Person or a bare Key), the owner's own document is
// fetched and must list a key with that id (then its key is the one used, and the owner stored).
// The key found is stored by key id, so that a restart does not fetch it again.
std::optional<PublicKey> lookup_key(App& app, const std::string& key_id, bool refresh);

// Verifies an incoming request's HTTP signature against the signer's key.
Verification verify_request(App& app, const http::Request& request);

// For AUTHORIZED_FETCH: when enabled, requires a valid signature from a non-blocked domain
// (ApiError unauthorized with the reason otherwise). Returns the signer's actor URI ("" when
// the mode is off and the request is unsigned).
std::string require_signed_fetch(App& app, const http::Request& request);

// The host part (with port) of a URI, lowercased.
std::string domain_of(const std::string& uri);
// True when uri is on this instance.
bool is_local_uri(const App& app, const std::string& uri);

}  // namespace herd::federation
