// A user's signed-in browser sessions and the applications holding their tokens, for listing and
// revoking them (the settings page "Sessions and authorized apps"). Inside a caller's
// transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct SessionInfo {
  Id id = 0;
  std::string token;
  std::int64_t created_at = 0;
  std::string user_agent;
  std::string ip;
};

// The user's signed-in sessions created after `created_after`, newest first.
std::vector<SessionInfo> list_user_sessions(Connection& c, Id user_id, std::int64_t created_after);
// Signs the session out (deletes it) when it is the user's; false otherwise.
bool delete_user_session(Connection& c, Id user_id, Id session_id);
// Records the browser and address a session was signed in from.
void set_session_details(Connection& c, std::string_view token, std::string_view user_agent,
                         std::string_view ip);

struct AuthorizedApp {
  Id application_id = 0;
  std::string name;
  std::optional<std::string> website;
  std::string scopes;              // of the newest token
  std::int64_t authorized_at = 0;  // the first token still valid
  std::int64_t tokens = 0;
};
// Applications holding tokens of the user that are not revoked, by name.
std::vector<AuthorizedApp> list_authorized_apps(Connection& c, Id user_id);
// Revokes all of the user's tokens for the application (and their Web Push subscriptions);
// returns how many tokens.
std::int64_t revoke_app_tokens(Connection& c, Id user_id, Id application_id, std::int64_t now);

}  // namespace herd::store
