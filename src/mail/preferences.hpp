// A user's email preferences (Mastodon's notification_emails settings, plus herd's "direct" and
// "sign_in"), stored as a JSON object in users.email_preferences; a missing key has its default.
// And the unsubscribe links of notification emails: an HMAC-SHA256 (key generated once and kept
// in the settings table) of the user id and the preference, so a link turns off one kind of
// email for one user and cannot be forged.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::mail {

// The preference names, in the order settings pages show them:
// mention, direct, follow, follow_request, report, pending_account, sign_in.
const std::vector<std::string>& preference_names();
// A human label for a preference ("Someone mentioned you").
std::string preference_label(std::string_view name);

// Whether the user wants emails of this kind (defaults: all on).
bool wants(store::Connection& c, Id user_id, std::string_view name);
// Sets one preference (unknown names are ignored).
void set_preference(store::Connection& c, Id user_id, std::string_view name, bool on);

// The absolute one-click unsubscribe URL for (user, preference), inside a transaction.
std::string unsubscribe_url(App& app, store::Connection& c, Id user_id, std::string_view name);
// Whether token is the one unsubscribe_url() puts in links for (user, preference).
bool unsubscribe_token_valid(App& app, Id user_id, std::string_view name, std::string_view token);

}  // namespace herd::mail
