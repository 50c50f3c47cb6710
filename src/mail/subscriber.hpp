// Mail as a subscriber of service events (service/events.hpp): turns each event into the
// messages it calls for, queued in the event's transaction (mail/queue.hpp):
//   account_registered        the confirmation link (when mail is enabled and the user is
//                             unconfirmed); to staff who want it, "new account up for review"
//                             when the sign-up awaits approval
//   confirmation_requested    the confirmation link again
//   email_change_requested    a confirmation link to the new address
//   email_changed             a notice to the old address
//   password_reset_requested  the reset link (expires, single use)
//   password_changed          a notice, with a link to reset it if it was not the user
//   signed_in_new_browser     a notice (preference "sign_in")
//   notification_created      mention / direct / follow / follow_request / admin.report, by the
//                             recipient's preferences, with List-Unsubscribe
//   account_warned            what the moderators did
// Links are absolute to the instance (App::base_url).
#pragma once
#include "app.hpp"
#include "service/events.hpp"
#include "store/database.hpp"

namespace herd::mail {

void on_event(App& app, store::Connection& c, const service::Event& event);

}  // namespace herd::mail
