// Deleting one's own account, as Mastodon does (Settings::DeletesController, DeleteAccountService):
// the current password confirms it; then, in one transaction, the account is suspended (hidden
// everywhere, its actor answers 410 Gone), its user is signed out everywhere and can no longer
// sign in, Delete(Person) is queued to its followers' inboxes and every other inbox this server
// knows, and a job in the database removes its data once the grace period has passed
// (Config::account_deletion_grace_seconds, Mastodon's 30 days by default). The account row stays,
// emptied, so that its username is never taken again. The job survives restarts and is shared by
// several processes (jobs are claimed).
#pragma once
#include <cstdint>
#include <string_view>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

inline constexpr std::string_view kAccountDeletionQueue = "account_deletions";

// 422 "Validation failed: Current password is invalid" for a wrong password; 403 for an account
// already suspended or deleted, or for the instance's owner (who would leave it without one).
void delete_own_account(App& app, Id user_id, std::string_view password);

// Whether the account was deleted by its owner (its data is gone or going).
bool account_deleted(App& app, Id account_id);

// Run by the job runner: removes the data of accounts whose grace period is over, a batch of statuses
// per transaction (the job is claimed again until nothing is left). Returns the jobs handled.
int run_account_deletion_jobs(App& app, std::int64_t now);

}  // namespace herd::service
