// Two-factor authentication (TOTP, RFC 6238) with recovery codes, as Mastodon offers it: set up
// from the web settings (secret and otpauth:// URI shown, enabled once a code from the app is
// confirmed), asked after the password at web sign-in (and so in the OAuth authorization flow),
// refused by the password grant (which has no place for a code).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

inline constexpr int kRecoveryCodeCount = 10;
// How long a password-checked sign-in waits for its code.
inline constexpr std::int64_t kPendingSignInMs = 10 * 60 * 1000;

bool two_factor_enabled(App& app, Id user_id);

struct TwoFactorSetup {
  std::string secret;  // base32, to type into an app
  std::string uri;     // otpauth://totp/..., to paste or scan
};
// Starts (or restarts) a setup: a new secret, two-factor still off. 409 when already enabled.
TwoFactorSetup begin_two_factor(App& app, const store::User& user);
// The setup in progress, if any (for showing it again).
std::optional<TwoFactorSetup> pending_two_factor(App& app, const store::User& user);
// Enables two-factor when `code` is the current code of the pending secret; returns the recovery
// codes (shown once). 422 for a wrong code, 409 without a setup in progress.
std::vector<std::string> enable_two_factor(App& app, Id user_id, std::string_view code,
                                           std::int64_t now_ms);
// True when `code` is a current TOTP code not used before, or an unused recovery code (which is
// used up). Always false when two-factor is off.
bool verify_two_factor(App& app, Id user_id, std::string_view code, std::int64_t now_ms);
// Turns two-factor off after verify_two_factor(code); 422 when the code is wrong.
void disable_two_factor(App& app, Id user_id, std::string_view code, std::int64_t now_ms);
// New recovery codes (the old ones stop working) after verify_two_factor(code); 422 otherwise.
std::vector<std::string> regenerate_recovery_codes(App& app, Id user_id, std::string_view code,
                                                   std::int64_t now_ms);
// Turns two-factor off without a code (herd admin accounts disable-2fa). False when it was off.
bool admin_disable_two_factor(App& app, Id user_id);

// The web session `token` passed the password step for user_id and waits for a code.
void set_pending_sign_in(App& app, std::string_view token, Id user_id, std::int64_t now_ms);
// The user waiting for a code in that session (within kPendingSignInMs), if any.
std::optional<Id> pending_sign_in(App& app, std::string_view token, std::int64_t now_ms);

}  // namespace herd::service
