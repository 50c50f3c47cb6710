// Browser sessions for the server-rendered pages (sign in, OAuth consent, sign up): a random token
// kept in an HttpOnly cookie, a CSRF token per session that every form carries, and optionally the
// signed-in user. Anonymous sessions exist so that the sign-in form itself is CSRF-protected.
#pragma once
#include <optional>
#include <string_view>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// Sessions older than this are ignored (and eventually deleted).
inline constexpr std::int64_t kSessionLifetimeMs = 30LL * 24 * 3600 * 1000;

struct BrowserSession {
  store::WebSession session;
  std::optional<store::User> user;        // set when signed in and still allowed to sign in
  std::optional<store::Account> account;  // the user's account
  bool signed_in() const { return user.has_value() && account.has_value(); }
};

// The live session behind a cookie token; nullopt when unknown or expired. A session whose user
// has since been disabled, unapproved or suspended comes back signed out.
std::optional<BrowserSession> load_session(App& app, std::string_view token);
// A new anonymous session (fresh token and CSRF token). Now and then deletes expired sessions.
store::WebSession start_session(App& app);
// Signs user_id in: a new session (new token and CSRF token, so a token planted before sign-in
// is worthless) replaces the one named by previous_token, if any.
store::WebSession sign_in_session(App& app, std::string_view previous_token, Id user_id);
// Deletes the session (signing out). Unknown tokens are ignored.
void end_session(App& app, std::string_view token);

}  // namespace herd::service
