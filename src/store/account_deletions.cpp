#include "store/account_deletions.hpp"

#include "store/invalidation.hpp"
#include "store/media.hpp"

namespace herd::store {

void insert_account_deletion(Connection& c, Id account_id, std::int64_t now,
                             std::int64_t purge_at) {
  c.query("INSERT INTO account_deletions (account_id, requested_at, purge_at) VALUES (?, ?, ?)",
          {Value(account_id), Value(now), Value(purge_at)});
}

std::optional<AccountDeletion> find_account_deletion(Connection& c, Id account_id) {
  auto result = c.query(
      "SELECT account_id, requested_at, purge_at, purged_at FROM account_deletions WHERE "
      "account_id = ?",
      {Value(account_id)});
  if (result.empty()) return std::nullopt;
  const Row& r = result.front();
  return AccountDeletion{r.i(0), r.i(1), r.i(2), r.oi(3)};
}

void set_account_purged(Connection& c, Id account_id, std::int64_t now) {
  c.query("UPDATE account_deletions SET purged_at = ? WHERE account_id = ?",
          {Value(now), Value(account_id)});
}

std::vector<std::string> all_known_inboxes(Connection& c) {
  std::vector<std::string> out;
  for (const Row& r : c.query("SELECT DISTINCT CASE WHEN shared_inbox_url <> '' THEN "
                              "shared_inbox_url ELSE inbox_url END FROM accounts WHERE domain <> "
                              "'' AND suspended = 0 AND (shared_inbox_url <> '' OR inbox_url <> "
                              "'')")
                          .rows)
    out.push_back(r.s(0));
  return out;
}

void lock_out_user(Connection& c, Id user_id, Id account_id, std::int64_t now) {
  std::vector<Value> user{Value(user_id)};
  c.query("UPDATE users SET disabled = 1 WHERE id = ?", user);
  c.query("DELETE FROM web_sessions WHERE user_id = ? OR pending_user_id = ?",
          {Value(user_id), Value(user_id)});
  c.query("DELETE FROM web_push_subscriptions WHERE account_id = ?", {Value(account_id)});
  c.query("UPDATE oauth_access_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
          {Value(now), Value(user_id)});
  c.query("DELETE FROM oauth_access_grants WHERE user_id = ?", user);
  c.query("DELETE FROM user_tokens WHERE user_id = ?", user);
}

std::vector<Id> account_status_ids(Connection& c, Id account_id, int limit) {
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT id FROM statuses WHERE account_id = ? ORDER BY id LIMIT ?",
                              {Value(account_id), Value(std::int64_t{limit})})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

std::vector<MediaAttachment> purge_account_rows(Connection& c, Id account_id) {
  // Other accounts' statuses (their counts, mentions) and accounts: never declared.
  Changes::note_everything();
  Changes::note_account_row(account_id);
  std::vector<Value> a{Value(account_id)};
  // The other side's counters first, while the rows still say who they are.
  c.query(
      "UPDATE accounts SET followers_count = CASE WHEN followers_count > 0 THEN followers_count - "
      "1 ELSE 0 END WHERE id IN (SELECT target_account_id FROM follows WHERE account_id = ?)",
      a);
  c.query(
      "UPDATE accounts SET following_count = CASE WHEN following_count > 0 THEN following_count - "
      "1 ELSE 0 END WHERE id IN (SELECT account_id FROM follows WHERE target_account_id = ?)",
      a);
  c.query(
      "UPDATE statuses SET favourites_count = CASE WHEN favourites_count > 0 THEN "
      "favourites_count - 1 ELSE 0 END WHERE id IN (SELECT status_id FROM favourites WHERE "
      "account_id = ?)",
      a);
  for (const char* table : {"follows", "follow_requests", "blocks", "mutes", "account_notes",
                            "account_pins", "suggestion_dismissals"})
    c.query(std::string("DELETE FROM ") + table + " WHERE account_id = ? OR target_account_id = ?",
            {Value(account_id), Value(account_id)});
  for (const char* table : {"notifications", "notification_requests", "notification_permissions"})
    c.query(std::string("DELETE FROM ") + table + " WHERE account_id = ? OR from_account_id = ?",
            {Value(account_id), Value(account_id)});
  c.query(
      "DELETE FROM filter_keywords WHERE filter_id IN (SELECT id FROM filters WHERE account_id = "
      "?)",
      a);
  c.query(
      "DELETE FROM filter_statuses WHERE filter_id IN (SELECT id FROM filters WHERE account_id = "
      "?)",
      a);
  c.query(
      "DELETE FROM list_accounts WHERE list_id IN (SELECT id FROM lists WHERE account_id = ?) OR "
      "account_id = ?",
      {Value(account_id), Value(account_id)});
  for (const char* table :
       {"favourites", "bookmarks", "home_feed", "lists", "filters", "markers", "tag_follows",
        "featured_tags", "account_domain_blocks", "account_conversations", "scheduled_statuses",
        "poll_votes", "announcement_dismissals", "announcement_reactions", "notification_policies",
        "idempotency_keys", "web_push_subscriptions", "imports", "account_archives"})
    c.query(std::string("DELETE FROM ") + table + " WHERE account_id = ?", a);
  for (const char* table : {"user_tokens", "user_browsers", "oauth_access_tokens",
                            "oauth_access_grants", "web_sessions"})
    c.query(std::string("DELETE FROM ") + table +
                " WHERE user_id IN (SELECT id FROM users WHERE account_id = ?)",
            a);
  c.query("DELETE FROM users WHERE account_id = ?", a);
  c.query(
      "UPDATE accounts SET display_name = '', note = '', note_source = '', fields_json = '[]', "
      "avatar_url = '', header_url = '', statuses_count = 0, followers_count = 0, "
      "following_count = 0, discoverable = 0, indexable = 0, suspended = 1 WHERE id = ?",
      a);
  return delete_unattached_media(c, account_id);
}

}  // namespace herd::store
