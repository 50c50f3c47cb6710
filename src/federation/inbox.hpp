// Inbound activities (Mastodon's app/lib/activitypub/activity/*.rb), applied through the same
// services the client API uses, so that a rule (visibility, blocks, notifications) lives in one
// place. The caller has already verified the HTTP signature and that the signing actor is the
// activity's actor, or had a forwarded activity confirmed at its origin (forwarding.hpp).
//
//   Follow                 service::follow (locked -> request); Accept sent when it stands
//   Accept / Reject        of our Follow (embedded, or by its id): request accepted / dropped
//   Undo                   of Follow, Like, Announce, Block (embedded, or by id where stored)
//   Create                 Note, Question, Article, Page, Video... -> service::receive_status,
//                          when solicited (a local follower, a local mention or a local parent);
//                          missing parents are fetched up to 3 levels
//   Update                 of the actor itself (profile) or of its status (edit)
//   Delete                 of its status (-> service::delete_status) or of itself (suspended)
//   Announce               -> service::receive_reblog (the object fetched when unknown)
//   Like / Block           -> service::favourite / service::block
//   Flag / Move            -> moderation.hpp: a report about local accounts / followers moved
//   QuoteRequest           -> quotes.hpp: answered with Accept (+ QuoteAuthorization) or Reject;
//                          Accept/Reject of our QuoteRequest, Delete of a QuoteAuthorization and
//                          the `quote` of notes likewise
//   Add, Remove            of the actor's `featured` collection: pins and featured hashtags
//                          (featured.hpp)
// An activity about a status replying to a local account's post (or reblogged here) may be
// forwarded to that account's followers (forwarding.hpp).
// An object attributed to someone else than the actor (or hosted elsewhere) is rejected. Fetches
// made while applying one activity (parents, mentioned actors, announced objects) share a budget of
// 8 seconds (FetchBudget), since they run on a server thread.
#pragma once
#include <boost/json.hpp>
#include <string>

#include "app.hpp"
#include "federation/forwarding.hpp"
#include "store/models.hpp"

namespace herd::federation {

enum class Outcome { accepted, ignored, rejected };

struct IngestResult {
  Outcome outcome = Outcome::ignored;
  std::string reason;  // for logs (and the 403 body of rejected activities)
};

// `arrival` (when it has a body): how it came, so that it can be forwarded as received
// (forwarding.hpp).
IngestResult receive_activity(App& app, const boost::json::object& activity,
                              const store::Account& actor, const Arrival& arrival = {});

// A post fetched from `uri` (the document given), stored with its author (and its parents, as
// for an incoming reply) when it is hosted on its own id's server and its author's: its id.
std::optional<Id> store_fetched_post(App& app, const std::string& uri,
                                     const boost::json::object& document);
// Fetches and stores the post at `uri` unless it is local or already stored: the id of the status
// stored now, or nullopt (known, unreachable, not a post).
std::optional<Id> fetch_post(App& app, const std::string& uri);

// What a search with resolve=true asks for: "@user@domain" or "user@domain" (WebFinger), an actor
// URI, or a post URL (fetched and stored, with its author). Local and unknown things: nothing.
void resolve_for_search(App& app, const std::string& query);

// Looks up (WebFinger) the remote "@user@domain" mentions of a status text that are not known yet,
// so that the formatter can link them. At most 10 lookups.
void resolve_mentions(App& app, std::string_view text);

}  // namespace herd::federation
