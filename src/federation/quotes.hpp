// Quote posts over ActivityPub, as Mastodon 4.5 does them (FEP-044f):
//  - a quote post carries `quote` (and quoteUri/_misskey_quote) and, once approved,
//    `quoteAuthorization`; every note advertises interactionPolicy.canQuote (serialize.cpp);
//  - quoting a remote post sends a QuoteRequest (the quote post inlined as `instrument`) to its
//    author; an Accept carrying a QuoteAuthorization as `result` approves it (the quote post is
//    then sent again as Update(Note) with quoteAuthorization), a Reject refuses it;
//  - a QuoteRequest for a local post is answered by its policy: Accept with a QuoteAuthorization
//    served at <actor>/quote_authorizations/<id>, or Reject;
//  - a remote quote post is approved only when it quotes its own author's post, or its
//    quoteAuthorization is ours, or it dereferences to a valid QuoteAuthorization (its
//    interactingObject the quote post, interactionTarget the quoted post, attributedTo the quoted
//    post's author, hosted on that author's server); otherwise it stays pending;
//  - revoking is a Delete of the QuoteAuthorization, sent to the quote post's author and the
//    quoted post's audience; a received one marks the quote revoked.
#pragma once
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>

#include "app.hpp"
#include "federation/activitystreams.hpp"
#include "federation/inbox.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/quotes.hpp"

namespace herd::federation {

// ---- outbound (subscriber.hpp, inside the service's transaction) -------------------------------

// A local status quotes a remote one (quote pending): QuoteRequest to its author's inbox.
void on_quote_requested(App& app, store::Connection& c, const store::Quote& quote,
                        const store::Status& quoting);
// A local author revoked a quote of their status: Delete(QuoteAuthorization) to the quoting
// author's inbox and the quoted status's audience (nothing when both are local).
void on_quote_revoked(App& app, store::Connection& c, const store::Quote& quote);
// A local status changed in a way that needs its note sent again without being an edit (its quote
// approved, its quote policy changed): Update(Note) with a fresh activity id, to the reach of an
// edit (documents.hpp).
void on_note_refreshed(App& app, store::Connection& c, const store::Status& status);

// The QuoteAuthorization a local author granted (nullopt: unknown, not theirs, not accepted).
std::optional<boost::json::object> quote_authorization_document(App& app, store::Connection& c,
                                                                const std::string& username,
                                                                Id quote_id);

// ---- inbound (federation/inbox.cpp) -------------------------------------------------------------

// Finds a status by its uri, storing a remote one when unknown: from `inlined` when the activity
// embeds it (attributed to `author_uri`'s server), else fetched (nullopt: not available).
using StatusResolver = std::function<std::optional<store::Status>(
    const std::string& uri, const boost::json::object* inlined)>;

// The quote policy columns of a remote status from its note (no canQuote: "nobody").
void apply_quote_policy(const as::Post& post, const store::Account& author, store::Status& status);
// After a remote post was stored or updated: records its quote (when it has one) with the state
// the rules above give it; a newly approved quote of a local status is counted and notified.
void receive_quote(App& app, const as::Post& post, const store::Status& stored,
                   const StatusResolver& resolve);
// QuoteRequest for a local status: Accept (with an authorization) or Reject, as its policy says.
// `resolve` stores the quote post (inlined as instrument, or fetched).
IngestResult receive_quote_request(App& app, const boost::json::object& activity,
                                   const store::Account& actor, const StatusResolver& resolve);
// Accept / Reject whose object is one of our QuoteRequests (nullopt: not about a quote).
std::optional<IngestResult> receive_quote_answer(App& app, const boost::json::object& activity,
                                                 const store::Account& actor, bool accepted);
// Delete of a QuoteAuthorization (nullopt: the id is no authorization we know).
std::optional<IngestResult> receive_authorization_deleted(App& app, const std::string& id,
                                                          const store::Account& actor);

}  // namespace herd::federation
