// ActivityPub routes (shared between the files of api/activitypub/): content negotiation, the
// JSON response type, and the sub-groups add_activitypub_routes() wires.
#pragma once
#include <boost/json.hpp>

#include "app.hpp"
#include "core/ids.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace herd::api::activitypub {

// True when the Accept header asks for ActivityStreams: application/activity+json or
// application/ld+json (with or without the ActivityStreams profile).
bool wants_activity_json(const http::Request& request);
// The document as application/activity+json, with Vary: Accept.
http::Response activity_response(const boost::json::object& document, int status = 200);
// The account the request's signature belongs to (0 when unsigned, badly signed or unknown).
// Under AUTHORIZED_FETCH an unsigned or badly signed request is a 401 (ApiError).
Id signer_account(App& app, http::Request& request);

void add_collection_routes(http::Router& router, App& app);    // collections.cpp
void add_inbox_routes(http::Router& router, App& app);         // inbox.cpp
void add_domain_block_routes(http::Router& router, App& app);  // domain_blocks.cpp

}  // namespace herd::api::activitypub
