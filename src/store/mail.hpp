// Mail-related rows: messages that could not be delivered (for the admin), single-use account
// tokens (email confirmation, email change, password reset), the browsers a user has signed in
// from, and a user's email preferences. Queued messages themselves are `jobs` rows (queue
// "mail", store/federation.hpp). All functions run inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// ---- undeliverable messages ---------------------------------------------------------------------

struct MailFailure {
  Id id = 0;
  std::string recipient, subject, error;
  int attempts = 0;
  std::int64_t queued_at = 0, failed_at = 0;
};
void insert_mail_failure(Connection& c, const MailFailure& failure);
// Newest first.
std::vector<MailFailure> recent_mail_failures(Connection& c, int limit);

// A queued message: its job row (queue "mail").
struct QueuedMail {
  Id id = 0;
  std::string payload;
  int attempts = 0;
  std::int64_t run_at = 0;
  std::string last_error;  // "" before the first failed attempt
};
std::vector<QueuedMail> queued_mail(Connection& c, int limit);

// ---- account tokens -----------------------------------------------------------------------------

// kind: "confirmation" | "email_change" | "reset_password". Only the token's SHA-256 (hex) is
// stored; `email` is the address the token confirms (email change: the new one).
struct UserToken {
  Id user_id = 0;
  std::string kind, email;
  std::int64_t created_at = 0, expires_at = 0;
};
void insert_user_token(Connection& c, std::string_view digest, const UserToken& token);
// Removes and returns the token of this digest and kind when it has not expired (single use);
// an expired token is removed too and gives nullopt.
std::optional<UserToken> take_user_token(Connection& c, std::string_view digest,
                                         std::string_view kind, std::int64_t now);
// Forgets a user's tokens of a kind (a new one replaces them; a password change ends resets).
void delete_user_tokens(Connection& c, Id user_id, std::string_view kind);

// ---- users --------------------------------------------------------------------------------------

void confirm_user(Connection& c, Id user_id);
void update_user_email(Connection& c, Id user_id, std::string_view email);
// The JSON object text of the user's email preferences ("" until changed).
std::string user_email_preferences(Connection& c, Id user_id);
void update_user_email_preferences(Connection& c, Id user_id, std::string_view preferences);
// Staff users (moderator, admin, owner) who are not disabled.
std::vector<User> staff_users(Connection& c);

// Records that the user signed in from the browser (digest of its cookie); returns true when
// it was new to this user.
bool remember_user_browser(Connection& c, Id user_id, std::string_view browser, std::int64_t now);
std::int64_t count_user_browsers(Connection& c, Id user_id);

}  // namespace herd::store
