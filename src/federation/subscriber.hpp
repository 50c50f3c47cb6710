// Federation as a subscriber of service events (service/events.hpp): turns each event into the
// activity other servers hear of, one delivery job per inbox queued in the event's transaction
// (outbox.hpp, enqueue_delivery), so that the write and its deliveries commit together:
//   status_posted           Create(Note) to the audience's inboxes, or Announce for a reblog
//   status_edited           Update(Note)
//   status_refreshed        Update(Note) with a fresh activity id (quotes.hpp)
//   status_deleted          Delete(Tombstone), or Undo(Announce) for a reblog; for a remote
//                           status, the Delete received forwarded (forwarding.hpp)
//   status_received         the Create received, forwarded (forwarding.hpp)
//   edit_received           the Update received, forwarded (forwarding.hpp)
//   favourited              Like to the remote author; unfavourited: Undo(Like)
//   follow_requested        Follow to the remote account; unfollowed: Undo(Follow)
//   follow_accepted         Accept(Follow) to the remote follower; follow_rejected: Reject(Follow)
//   blocked                 Block to the remote account; unblocked: Undo(Block)
//   profile_updated         Update(Person) to the followers' servers
//   account_deleted         Delete(Person) to the followers' and every known inbox
//   status_pinned           Add(Note) to `featured`; status_unpinned: Remove (featured.hpp)
//   tag_featured            Add(Hashtag) to `featured`; tag_unfeatured: Remove
//   quote_requested         QuoteRequest to the quoted author; quote_revoked:
//                           Delete(QuoteAuthorization) (quotes.hpp)
//   report_forwarded        Flag from the instance actor (moderation.hpp)
//   poll_voted              Create(Note) per vote; poll_changed: Update(Question) (polls.hpp)
// Nothing is sent for remote actors or when nobody elsewhere needs to hear of it; other events
// are not federation's.
#pragma once
#include "app.hpp"
#include "service/events.hpp"
#include "store/database.hpp"

namespace herd::federation {

void on_event(App& app, store::Connection& c, const service::Event& event);

}  // namespace herd::federation
