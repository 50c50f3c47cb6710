// Inbox forwarding (ActivityPub 7.1.2 "Forwarding from an Inbox"), as Mastodon does it
// (ActivityPub::Forwarder; Create's forward_for_reply).
//
// Sending. When another server's Create, Update or Delete of one of its statuses is applied here
// for the first time (the status stored, the edit applied, the status removed), it is forwarded
// when
//   - the status replies to a post of a local account: to that account's followers, signed by it;
//     or (Update, Delete) local accounts reblogged it: to their followers, signed by the first of
//     them (when both, signed by the author replied to);
//   - it may be: the status is public or unlisted (Mastodon's `distributable?`), or the activity
//     is addressed to the followers collection of the local author it replies to;
//   - the body carries a signature of its own: `signature` (a Linked Data signature, which
//     Mastodon requires of a forwarded activity) or `proof` (FEP-8b32, which Fedify checks).
//     Receivers that check those drop (Mastodon) or refuse with 401 (Fedify) an activity signed
//     by someone else than its actor without one, so forwarding it would be noise and retries.
// The body goes out as it was received, byte for byte (signatures in it stay valid), to those
// followers' inboxes (a shared inbox once), except any on the activity's own server or on the
// server that delivered it here. The jobs are written by the federation subscriber in the
// transaction that applied the activity (events status_received, edit_received,
// status_deleted), so a restart between receipt and delivery loses none.
//
// Receiving. A request signed by someone else than the activity's actor is a forwarded activity.
// herd checks no Linked Data signatures; it believes a forwarded Create, Update or Delete of a
// status only as far as the actor's own server confirms it (check_forwarded): the object is
// fetched at its id, on the actor's server, and what that server serves is applied instead of the
// embedded copy; a Delete counts when that server says the object is gone.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

// How an activity came: its body as received and the actor whose key signed the request (the
// activity's own actor, or the server that forwarded it).
struct Arrival {
  std::string_view body;
  std::string signer;
};

// While one lives on the current thread (receive_activity sets it around the application of an
// activity that came with its body), the federation subscriber may forward that activity.
class ForwardableScope {
 public:
  ForwardableScope(const boost::json::object& activity, const store::Account& actor,
                   const Arrival& arrival);
  ~ForwardableScope();
  ForwardableScope(const ForwardableScope&) = delete;
  ForwardableScope& operator=(const ForwardableScope&) = delete;

  const boost::json::object& activity;
  const store::Account& actor;
  const Arrival& arrival;
  std::string type;       // the activity's type
  std::string object_id;  // its object's id

 private:
  const ForwardableScope* previous_;
};

// The federation subscriber's hook: the remote `status` was just received (type "Create"), edited
// ("Update") or is about to be removed ("Delete"), inside that transaction. Enqueues the forward
// when the activity in scope is about it and the rules above allow it; otherwise does nothing.
void forward_received(App& app, store::Connection& c, const store::Status& status,
                      std::string_view type);

// The verdict on a forwarded activity (the inbox route asks before applying it).
struct ForwardedCheck {
  enum class Verdict {
    confirmed,    // `activity` is what to apply: the object as its origin serves it
    forged,       // its origin says otherwise: refuse (403)
    unavailable,  // its origin did not answer: the sender should try again later (503)
    ignored,      // nothing to do or nothing this check covers: accepted unread (202), logged
  };
  Verdict verdict = Verdict::ignored;
  boost::json::object activity;
  std::string reason;
};
// Checks a forwarded Create, Update or Delete of a status by `actor_uri` at the object's origin
// (the actor's server). A Create of a status already stored, an Update or Delete of one not
// stored, and other activity types are `ignored` without a fetch. A Delete is confirmed when the
// origin answers 404/410 or a Tombstone, for a status stored here as public or unlisted (a
// followers-only post also answers 404 to a stranger).
ForwardedCheck check_forwarded(App& app, const boost::json::object& activity,
                               const std::string& actor_uri);

}  // namespace herd::federation
