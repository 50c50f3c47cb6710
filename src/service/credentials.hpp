// A local user's credentials and email address, as Mastodon (Devise) handles them: confirming
// the email address of a new account, changing it (confirmed by a link to the new address),
// forgetting and resetting the password, changing it, and noticing sign-ins from new browsers.
// Links travel by mail: these actions record events (service/events.hpp) carrying a fresh
// single-use token, and the mail subscriber queues the messages in the same transaction. Only a
// token's SHA-256 is stored. Lifetimes: confirmation and email change 24 hours, password reset
// 2 hours (a newer token of the same kind replaces the older).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::service {

// A new single-use token of `kind` (confirmation | email_change | reset_password) for the user,
// replacing older ones of that kind; returns the token's text (for the link).
std::string issue_user_token(store::Connection& c, Id user_id, std::string_view kind,
                             std::string_view email, std::int64_t now);

// POST /api/v1/emails/confirmations and the web "resend" form: a new confirmation link; with
// `new_email`, the unconfirmed account's address is corrected first (validated, unique). 403
// "This method is only available while the e-mail is awaiting confirmation" once confirmed.
void resend_confirmation(App& app, Id user_id, const std::optional<std::string>& new_email);
// The web "resend" form by address: does nothing (and says nothing) for an unknown or already
// confirmed address.
void resend_confirmation_to(App& app, std::string_view email);

// Follows a confirmation link: a sign-up confirmation confirms the user; an email-change token
// moves the user to the new address (and tells the old one). Returns the user, or nullopt for an
// unknown, used or expired token.
std::optional<store::User> confirm_email(App& app, std::string_view token);

// "Forgot your password?": mails a reset link when the email address (or username) belongs to a
// local user; says nothing either way.
void request_password_reset(App& app, std::string_view login);
// Sets a new password with a reset token (single use; any other reset tokens end too). 422 with
// Mastodon's messages for a bad password; nullopt for an unknown, used or expired token.
std::optional<Id> reset_password(App& app, std::string_view token, const std::string& password);

// Web settings, current password required (422 "Current password is invalid").
void change_password(App& app, Id user_id, std::string_view current_password,
                     const std::string& new_password);
// Mails a confirmation link to the new address; the address changes when it is followed (with
// mail disabled it changes at once). 422 for an invalid or taken address.
void request_email_change(App& app, Id user_id, std::string_view current_password,
                          const std::string& new_email);

// `herd admin accounts reset-password NAME`: a new random password, returned to print once.
std::string admin_reset_password(App& app, std::string_view username);

// A successful web sign-in from the browser identified by `browser` (its cookie, stored as a
// digest): remembers it, and when the user had signed in from other browsers but never this
// one, records signed_in_new_browser (a mail, if the user wants it).
void note_sign_in(App& app, Id user_id, std::string_view browser, std::string_view user_agent,
                  std::string_view address);

}  // namespace herd::service
