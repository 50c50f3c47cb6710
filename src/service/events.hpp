// What a service did, recorded inside the service's transaction (DESIGN.md, "Services and
// federation: one direction"). Subscribers turn an event into their own side effects in the same
// transaction: federation (federation/subscriber.hpp) queues delivery jobs, mail
// (mail/subscriber.hpp) queues messages, Web Push queues deliveries, streaming publishes after
// commit. A service records events and never calls the federation outbox, the mailer, Web Push
// or the stream hub itself (tests/unit/service/layering_test.cpp keeps it so); a rolled-back
// transaction leaves no job behind. Subscribers run in the order of record() calls, so that what
// a service records first is delivered first (an Undo after its Follow, a Delete after its
// Create).
#pragma once
#include <string>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {
struct Quote;
struct Report;
struct Poll;
struct PollVote;
}  // namespace herd::store

namespace herd::service {

enum class EventKind {
  account_registered,        // user_id: a new local user (confirmation, staff approval mail)
  confirmation_requested,    // user_id, token: confirm the address again (resend)
  email_change_requested,    // user_id, token, email: the new address to confirm
  email_changed,             // user_id, email: the old address (told of the change)
  password_reset_requested,  // user_id, token
  password_changed,          // user_id
  signed_in_new_browser,     // user_id, detail: the browser's User-Agent, address: its IP
  notification_created,      // notification
  account_warned,  // user_id, detail: the action (none, sensitive, disable, silence, suspend)
  archive_ready,   // user_id, detail: the archive's download URL

  // What other servers hear of (federation/subscriber.hpp). `account_id` is the local account
  // that acted, `target_id` the other account.
  status_posted,     // status: a local status or reblog, its rows (and quote) written;
                     // account (optional): its author's row, when the writer holds it
  status_edited,     // status: edited, edited_at set
  status_refreshed,  // status: changed without an edit (its quote approved, its quote policy)
  status_deleted,    // status: a status or reblog about to go; record before its rows are gone
  status_received,   // status: a remote status stored (its rows, media and poll written)
  edit_received,     // status: a remote status's edit applied
  favourited,        // account_id, status
  unfavourited,      // account_id, status
  follow_requested,  // account_id asked to follow target_id
  unfollowed,        // account_id stopped following (or asking) target_id; before the rows go
  follow_accepted,   // account_id accepted target_id's follow request; before the request goes
  follow_rejected,   // account_id rejected target_id's request or removed it as a follower
  blocked,           // account_id blocked target_id
  unblocked,         // account_id unblocked target_id
  profile_updated,   // account_id: its actor document changed
  account_deleted,   // account: deleted by its owner (suspended, data purged later)
  status_pinned,     // status
  status_unpinned,   // status
  tag_featured,      // account_id, detail: the hashtag's name
  tag_unfeatured,    // account_id, detail: the hashtag's name
  quote_requested,   // quote (pending), status: the quoting status
  quote_revoked,     // quote: its author revoked it
  report_forwarded,  // report, account: the reported (remote) account
  poll_voted,        // account_id voted in the remote poll of `status`: poll, votes
  poll_changed,      // status: its local poll's counts changed or it ended
};

struct Event {
  explicit Event(EventKind kind, Id user_id = 0) : kind(kind), user_id(user_id) {}
  Event& with_token(std::string value) {
    token = std::move(value);
    return *this;
  }
  Event& with_email(std::string value) {
    email = std::move(value);
    return *this;
  }
  Event& with_detail(std::string value) {
    detail = std::move(value);
    return *this;
  }
  Event& with_address(std::string value) {
    address = std::move(value);
    return *this;
  }
  Event& by(Id account) {
    account_id = account;
    return *this;
  }
  Event& with_target(Id account) {
    target_id = account;
    return *this;
  }
  Event& with_status(const store::Status& value) {
    status = &value;
    return *this;
  }
  Event& with_account(const store::Account& value) {
    account = &value;
    return *this;
  }
  // status_posted: where the post is delivered (status_inboxes()), when the caller read it before
  // its transaction (service::post_status: a post without mentions that is not a reply).
  Event& with_inboxes(const std::vector<std::string>& value) {
    inboxes = &value;
    return *this;
  }
  Event& with_quote(const store::Quote& value) {
    quote = &value;
    return *this;
  }
  Event& with_report(const store::Report& value) {
    report = &value;
    return *this;
  }
  Event& with_poll(const store::Poll& value, const std::vector<store::PollVote>& chosen) {
    poll = &value;
    votes = &chosen;
    return *this;
  }

  EventKind kind;
  Id user_id = 0;
  std::string token;  // a single-use token for a link (only its digest is stored)
  std::string email;
  std::string detail;
  std::string address;
  Id account_id = 0;
  Id target_id = 0;
  // Borrowed for the call of record(): build the event in the record() call itself.
  const store::Notification* notification = nullptr;
  const store::Status* status = nullptr;
  const store::Account* account = nullptr;
  const store::Quote* quote = nullptr;
  const store::Report* report = nullptr;
  const store::Poll* poll = nullptr;
  const std::vector<store::PollVote>* votes = nullptr;
  const std::vector<std::string>* inboxes = nullptr;
};

// Hands the event to every subscriber, inside the caller's transaction `c`.
void record(App& app, store::Connection& c, const Event& event);

}  // namespace herd::service
