// Two-factor authentication state of local users (users.otp_*, consumed_timestep) and the sign-in
// waiting for its second step (web_sessions.pending_user_id). Inside a caller's transaction/read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct TwoFactor {
  std::optional<std::string> secret;          // base32; set during setup and while enabled
  bool required = false;                      // enabled: sign-ins ask for a code
  std::vector<std::string> recovery_hashes;   // SHA-256 (hex) of each unused recovery code
  std::optional<std::int64_t> consumed_step;  // the last TOTP step used (each works once)
};

TwoFactor find_two_factor(Connection& c, Id user_id);
// Stores a new secret for a setup in progress (two-factor stays off).
void set_otp_secret(Connection& c, Id user_id, const std::string& secret);
// Turns two-factor on with these recovery code hashes.
void enable_two_factor(Connection& c, Id user_id, const std::vector<std::string>& recovery_hashes);
void set_recovery_hashes(Connection& c, Id user_id, const std::vector<std::string>& hashes);
// Turns two-factor off and forgets the secret and recovery codes.
void disable_two_factor(Connection& c, Id user_id);
// Records `step` as used when it is newer than the last used one; false when it is not (replay).
bool consume_otp_step(Connection& c, Id user_id, std::int64_t step);

// The web session `token` waits for the second step of user_id's sign-in since `at`.
void set_pending_sign_in(Connection& c, std::string_view token, std::optional<Id> user_id,
                         std::int64_t at);
struct PendingSignIn {
  Id user_id = 0;
  std::int64_t at = 0;
};
std::optional<PendingSignIn> find_pending_sign_in(Connection& c, std::string_view token);

}  // namespace herd::store
