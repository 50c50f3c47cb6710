// A local account deleted by its owner (Mastodon's Settings::DeletesController and
// DeleteAccountService): the `account_deletions` row remembers when it was asked and when its
// data goes; the accounts row itself stays for ever (suspended, emptied) so that its username is
// never taken again and its key still signs the Delete that other servers receive. Inside a
// caller's transaction.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/media.hpp"
#include "store/models.hpp"

namespace herd::store {

struct AccountDeletion {
  Id account_id = 0;
  std::int64_t requested_at = 0;
  std::int64_t purge_at = 0;
  std::optional<std::int64_t> purged_at;
};

void insert_account_deletion(Connection& c, Id account_id, std::int64_t now, std::int64_t purge_at);
std::optional<AccountDeletion> find_account_deletion(Connection& c, Id account_id);
void set_account_purged(Connection& c, Id account_id, std::int64_t now);

// Every remote inbox this server knows (shared inboxes preferred), of accounts not suspended:
// where a Delete of a local actor goes, as Mastodon sends it to all known inboxes.
std::vector<std::string> all_known_inboxes(Connection& c);

// Signs the user out everywhere at once: web sessions, OAuth tokens and grants, Web Push
// subscriptions; the user can no longer sign in (disabled).
void lock_out_user(Connection& c, Id user_id, Id account_id, std::int64_t now);

// Up to `limit` of the account's statuses (reblogs included), oldest first.
std::vector<Id> account_status_ids(Connection& c, Id account_id, int limit);

// The account's own rows outside its statuses: relationships in both directions (with the other
// side's counters corrected), favourites (status counters corrected), bookmarks, notifications
// to and from it, lists, filters, markers, followed tags, featured tags, notes, pins,
// conversations, scheduled statuses, poll votes, announcements' reactions, notification
// policy/requests, suggestions, idempotency keys, imports and archives (their files are the
// caller's to remove); the user row (its email becomes free) and its
// tokens; the profile emptied (name, bio, fields, avatar and header URLs) and counters zeroed.
// Returns the media attachments not attached to a status (their files to remove).
std::vector<MediaAttachment> purge_account_rows(Connection& c, Id account_id);

}  // namespace herd::store
