// What moderators change on accounts (Mastodon's admin account actions) and the admin accounts
// list. Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

void set_account_silenced(Connection& c, Id account_id, bool silenced);
void set_account_sensitized(Connection& c, Id account_id, bool sensitized);
bool is_sensitized(Connection& c, Id account_id);
void set_user_disabled(Connection& c, Id account_id, bool disabled);
void set_user_approved(Connection& c, Id account_id, bool approved);
// Removes a local account that was never approved: its user, tokens and account row.
void delete_pending_account(Connection& c, Id account_id);

// GET /api/v1/admin/accounts (v1 flags mapped onto v2's origin/status/permissions).
struct AdminAccountFilter {
  std::optional<std::string> origin;  // local | remote
  std::optional<std::string> status;  // active | pending | disabled | silenced | suspended
  bool staff = false;
  std::string username, display_name, email, by_domain;  // substrings ("" = any)
};
// A page of account ids, newest first (cursors: account ids).
std::vector<Id> page_admin_accounts(Connection& c, const AdminAccountFilter& filter,
                                    const PageQuery& page);

}  // namespace herd::store
