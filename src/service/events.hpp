// What a service did, recorded inside the service's transaction (DESIGN.md, "Services and
// federation: one direction"). Subscribers turn an event into their own side effects in the same
// transaction: mail (mail/subscriber.hpp) queues messages, Web Push queues deliveries, streaming
// publishes after commit. A service records events and never calls the mailer, Web Push or the
// stream hub itself; a rolled-back transaction leaves no job behind.
#pragma once
#include <string>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

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

  EventKind kind;
  Id user_id = 0;
  std::string token;  // a single-use token for a link (only its digest is stored)
  std::string email;
  std::string detail;
  std::string address;
  const store::Notification* notification = nullptr;
};

// Hands the event to every subscriber, inside the caller's transaction `c`.
void record(App& app, store::Connection& c, const Event& event);

}  // namespace herd::service
