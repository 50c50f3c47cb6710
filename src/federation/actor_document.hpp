// Reading actor documents (Person, Service, Application, Group, Organization) as remote servers
// send them: the account they describe and the public keys they carry. Pure functions of the
// document, no network and no database (resolver.hpp stores what these read), so that the fuzz
// targets (fuzz/) exercise exactly the code the inbox and the resolver run.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "federation/http_signature.hpp"
#include "store/federation_records.hpp"
#include "store/models.hpp"

namespace herd::federation {

// True when the object's type is one of the actor types.
bool is_actor_type(const boost::json::object& object);

// True when uri is base_url itself or lies under it ("/" or "#" after it).
bool is_local_uri(std::string_view base_url, std::string_view uri);

// The keys a document carries: its publicKey entries (one object or several), or the document
// itself when it is a bare key ({id, owner, publicKeyPem}). A key's owner is its `owner`, else
// the document's id when the document is an actor.
std::vector<store::RemoteKey> keys_in_document(const boost::json::object& document);

// The actor's key with this id, else (for a Mastodon-style `<actor>#main-key` or no key id) its
// first key.
std::optional<PublicKey> key_in_actor(const boost::json::object& actor, const std::string& key_id);

// Builds the account an actor document describes (not stored): username from preferredUsername,
// domain from the actor's host, sanitised note and fields, URLs, key, images, flags. nullopt when
// the document is not a usable actor, or when it claims an id under local_base_url (ours).
std::optional<store::Account> account_from_actor_document(std::string_view local_base_url,
                                                          const boost::json::object& actor);

}  // namespace herd::federation
