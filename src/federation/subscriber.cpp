#include "federation/subscriber.hpp"

#include "federation/featured.hpp"
#include "federation/forwarding.hpp"
#include "federation/moderation.hpp"
#include "federation/outbox.hpp"
#include "federation/polls.hpp"
#include "federation/quotes.hpp"

namespace herd::federation {

using service::Event;
using service::EventKind;

void on_event(App& app, store::Connection& c, const Event& e) {
  switch (e.kind) {
    case EventKind::status_posted:
      if (e.status) on_status_posted(app, c, *e.status, e.account, e.inboxes);
      return;
    case EventKind::status_edited:
      if (e.status) on_status_edited(app, c, *e.status);
      return;
    case EventKind::status_refreshed:
      if (e.status) on_note_refreshed(app, c, *e.status);
      return;
    case EventKind::status_deleted:
      if (e.status) {
        on_status_deleted(app, c, *e.status);
        forward_received(app, c, *e.status, "Delete");
      }
      return;
    case EventKind::status_received:
      if (e.status) forward_received(app, c, *e.status, "Create");
      return;
    case EventKind::edit_received:
      if (e.status) forward_received(app, c, *e.status, "Update");
      return;
    case EventKind::favourited:
    case EventKind::unfavourited:
      if (e.status)
        on_favourite(app, c, e.account_id, *e.status, e.kind == EventKind::unfavourited);
      return;
    case EventKind::follow_requested:
    case EventKind::unfollowed:
      on_follow(app, c, e.account_id, e.target_id, e.kind == EventKind::unfollowed);
      return;
    case EventKind::follow_accepted:
    case EventKind::follow_rejected:
      on_follow_answered(app, c, e.account_id, e.target_id, e.kind == EventKind::follow_accepted);
      return;
    case EventKind::blocked:
    case EventKind::unblocked:
      on_block(app, c, e.account_id, e.target_id, e.kind == EventKind::unblocked);
      return;
    case EventKind::profile_updated:
      on_profile_updated(app, c, e.account_id);
      return;
    case EventKind::account_deleted:
      if (e.account) on_account_deleted(app, c, *e.account);
      return;
    case EventKind::status_pinned:
    case EventKind::status_unpinned:
      if (e.status) on_status_pinned(app, c, *e.status, e.kind == EventKind::status_pinned);
      return;
    case EventKind::tag_featured:
    case EventKind::tag_unfeatured:
      on_tag_featured(app, c, e.account_id, e.detail, e.kind == EventKind::tag_featured);
      return;
    case EventKind::quote_requested:
      if (e.quote && e.status) on_quote_requested(app, c, *e.quote, *e.status);
      return;
    case EventKind::quote_revoked:
      if (e.quote) on_quote_revoked(app, c, *e.quote);
      return;
    case EventKind::report_forwarded:
      if (e.report && e.account) on_report_forwarded(app, c, *e.report, *e.account);
      return;
    case EventKind::poll_voted:
      if (e.status && e.poll && e.votes)
        on_poll_voted(app, c, e.account_id, *e.status, *e.poll, *e.votes);
      return;
    case EventKind::poll_changed:
      if (e.status) on_poll_changed(app, c, *e.status);
      return;
    default:
      return;  // mail and notification events
  }
}

}  // namespace herd::federation
