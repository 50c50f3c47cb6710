// Outbound federation: what local actions send to other servers. The federation subscriber
// (subscriber.hpp) calls these hooks for the events services record, inside the service's
// transaction, so that the action and its delivery jobs commit together; each hook
// builds the activity and enqueues one delivery job per inbox (shared inboxes preferred) in the
// `jobs` table, to be sent by the delivery worker (delivery.hpp). A hook does nothing when the
// actor is not local or when nobody elsewhere needs to hear about it.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

inline constexpr std::string_view kDeliveryQueue = "deliveries";

// One job per inbox: POST `activity` signed by the local account `signer` (0: the instance
// actor). Duplicate inboxes are sent once.
void enqueue_delivery(App& app, store::Connection& c, Id signer,
                      const boost::json::object& activity, const std::vector<std::string>& inboxes);
// The same with the body as it is to be sent (an activity forwarded as received: forwarding.hpp).
void enqueue_delivery(App& app, store::Connection& c, Id signer, const std::string& body,
                      const std::vector<std::string>& inboxes);

// A local status was posted (Create(Note)) or a local account reblogged (Announce). `author`:
// the status's author's row when the caller holds it (else it is read); `inboxes`: its delivery
// audience (status_inboxes()) when the caller read it (else it is read).
void on_status_posted(App& app, store::Connection& c, const store::Status& status,
                      const store::Account* author = nullptr,
                      const std::vector<std::string>* inboxes = nullptr);
// A local status was edited (edited_at set): Update(Note) to the same audience. (For the edit
// service when there is one.)
void on_status_edited(App& app, store::Connection& c, const store::Status& status);
// A local status or reblog is about to be removed (Delete(Tombstone) / Undo(Announce)); call before
// its rows are gone.
void on_status_deleted(App& app, store::Connection& c, const store::Status& status);
// A local account favourited (or unfavourited) a status: Like / Undo(Like) to its author.
void on_favourite(App& app, store::Connection& c, Id account_id, const store::Status& status,
                  bool undo);
// A local account asked to follow (or stopped following) a remote one: Follow / Undo(Follow).
// For undo, call before the follow rows are removed.
void on_follow(App& app, store::Connection& c, Id follower_id, Id target_id, bool undo);
// A local account accepted or rejected a remote account's follow: Accept / Reject. Call before
// the follow request row is removed.
void on_follow_answered(App& app, store::Connection& c, Id target_id, Id follower_id,
                        bool accepted);
// A local account blocked (or unblocked) a remote one: Block / Undo(Block).
void on_block(App& app, store::Connection& c, Id account_id, Id target_id, bool undo);
// A local account's profile changed: Update(Person) to its followers' servers.
void on_profile_updated(App& app, store::Connection& c, Id account_id);
// A local account deleted itself: Delete(Person) to its followers' inboxes and every other inbox
// this server knows (as Mastodon's DeleteAccountService), signed by the account.
void on_account_deleted(App& app, store::Connection& c, const store::Account& account);

}  // namespace herd::federation
