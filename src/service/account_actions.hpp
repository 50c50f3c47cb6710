// What moderators do to accounts (Mastodon's Admin::AccountAction and the admin accounts
// controller): warn ("none"), mark sensitive, disable the login, silence (limit), suspend, and
// their undos; approve or reject pending sign-ups. Staff only (the caller checks the role); an
// account of equal or higher rank than the moderator (or the moderator's own) cannot be acted on:
// ApiError forbidden. Unknown accounts: not_found.
#pragma once
#include <optional>
#include <string>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// type: none | sensitive | disable | silence | suspend (422 otherwise). With a report, resolves
// it. A local account's suspension is announced to other servers (Update of the actor, suspended).
// A local user is told by mail unless send_email_notification is false (Mastodon's parameter).
void act_on_account(App& app, Id moderator_id, Id account_id, const std::string& type,
                    std::optional<Id> report_id, bool send_email_notification = true);
// Undo of one flag: "enable" (disable), "unsilence", "unsuspend", "unsensitive".
void undo_account_action(App& app, Id moderator_id, Id account_id, const std::string& undo);
// Pending local sign-ups only (403 otherwise): approve lets the user sign in; reject deletes it.
void approve_account(App& app, Id moderator_id, Id account_id);
void reject_account(App& app, Id moderator_id, Id account_id);

}  // namespace herd::service
