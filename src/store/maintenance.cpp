#include "store/maintenance.hpp"

#include <string>

#include "store/invalidation.hpp"

namespace herd::store {

namespace {

std::vector<Id> ids_of(const Result& result) {
  std::vector<Id> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back(row.i(0));
  return out;
}

// A status id column `s.id` that a local account or a local status needs.
constexpr const char* kNeededByLocal =
    " AND NOT EXISTS (SELECT 1 FROM favourites f JOIN accounts a ON a.id = f.account_id "
    "WHERE f.status_id = s.id AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM bookmarks b JOIN accounts a ON a.id = b.account_id "
    "WHERE b.status_id = s.id AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM statuses r JOIN accounts a ON a.id = r.account_id "
    "WHERE (r.reblog_of_id = s.id OR r.in_reply_to_id = s.id) AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM mentions m JOIN accounts a ON a.id = m.account_id "
    "WHERE m.status_id = s.id AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM quotes q JOIN accounts a ON a.id = q.account_id "
    "WHERE q.quoted_status_id = s.id AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM polls p JOIN poll_votes v ON v.poll_id = p.id "
    "JOIN accounts a ON a.id = v.account_id WHERE p.status_id = s.id AND a.domain = '')"
    " AND NOT EXISTS (SELECT 1 FROM reports rp WHERE rp.status_ids LIKE '%' || "
    "CAST(s.id AS TEXT) || '%')"
    " AND NOT EXISTS (SELECT 1 FROM statuses o JOIN accounts a ON a.id = o.account_id "
    "WHERE (o.id = s.reblog_of_id OR o.id = s.in_reply_to_id) AND a.domain = '')";

}  // namespace

std::vector<Id> removable_remote_statuses(Connection& c, std::int64_t before, Id after,
                                          std::size_t limit) {
  return ids_of(c.query(std::string("SELECT s.id FROM statuses s WHERE s.local = 0 AND s.id > ? "
                                    "AND s.created_at < ? AND s.pinned_at IS NULL") +
                            kNeededByLocal + " ORDER BY s.id LIMIT " + std::to_string(limit),
                        {Value(after), Value(before)}));
}

std::vector<Id> unattached_media(Connection& c, std::int64_t before) {
  return ids_of(
      c.query("SELECT m.id FROM media_attachments m JOIN accounts a ON a.id = m.account_id "
              "WHERE m.status_id IS NULL AND a.domain = '' AND m.created_at < ? ORDER BY m.id",
              {Value(before)}));
}

std::vector<Id> cached_remote_media(Connection& c, std::int64_t before) {
  return ids_of(
      c.query("SELECT id FROM media_attachments WHERE remote_url IS NOT NULL AND remote_url <> '' "
              "AND file <> '' AND created_at < ? ORDER BY id",
              {Value(before)}));
}

void forget_cached_media(Connection& c, Id media_id) {
  c.query(
      "UPDATE media_attachments SET file = '', small_file = NULL, thumbnail_file = NULL "
      "WHERE id = ?",
      {Value(media_id)});
}

std::vector<Id> pending_accounts(Connection& c) {
  return ids_of(c.query("SELECT account_id FROM users WHERE approved = 0 ORDER BY account_id"));
}

std::vector<Id> domain_accounts(Connection& c, std::string_view domain) {
  if (domain.empty()) return {};
  return ids_of(c.query("SELECT id FROM accounts WHERE domain = ? ORDER BY id",
                        {Value(std::string(domain))}));
}

std::vector<Id> account_status_ids(Connection& c, Id account_id) {
  return ids_of(
      c.query("SELECT id FROM statuses WHERE account_id = ? ORDER BY id", {Value(account_id)}));
}

void remove_remote_account(Connection& c, Id account_id) {
  Changes::note_everything();  // other accounts' counts and statuses': never declared
  Changes::note_account_row(account_id);
  std::vector<Value> id{Value(account_id)};
  std::vector<Value> twice{Value(account_id), Value(account_id)};
  // The local accounts whose counters change, and the statuses it favourited.
  auto linked =
      ids_of(c.query("SELECT target_account_id FROM follows WHERE account_id = ? UNION "
                     "SELECT account_id FROM follows WHERE target_account_id = ?",
                     twice));
  auto favourited = ids_of(c.query("SELECT status_id FROM favourites WHERE account_id = ?", id));
  for (const char* sql : {
           "DELETE FROM follows WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM follow_requests WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM blocks WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM mutes WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM account_notes WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM account_pins WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM suggestion_dismissals WHERE account_id = ? OR target_account_id = ?",
           "DELETE FROM notifications WHERE account_id = ? OR from_account_id = ?",
           "DELETE FROM notification_requests WHERE account_id = ? OR from_account_id = ?",
           "DELETE FROM notification_permissions WHERE account_id = ? OR from_account_id = ?",
       })
    c.query(sql, twice);
  for (const char* sql : {
           "DELETE FROM favourites WHERE account_id = ?",
           "DELETE FROM bookmarks WHERE account_id = ?",
           "DELETE FROM mentions WHERE account_id = ?",
           "DELETE FROM poll_votes WHERE account_id = ?",
           "DELETE FROM list_accounts WHERE account_id = ?",
           "DELETE FROM remote_keys WHERE owner_uri = (SELECT uri FROM accounts WHERE id = ?)",
           "DELETE FROM accounts WHERE id = ?",
       })
    c.query(sql, id);
  for (Id other : linked)
    c.query(
        "UPDATE accounts SET "
        "followers_count = (SELECT COUNT(*) FROM follows WHERE target_account_id = ?), "
        "following_count = (SELECT COUNT(*) FROM follows WHERE account_id = ?) WHERE id = ?",
        {Value(other), Value(other), Value(other)});
  for (Id status : favourited)
    c.query(
        "UPDATE statuses SET favourites_count = "
        "(SELECT COUNT(*) FROM favourites WHERE status_id = ?) WHERE id = ?",
        {Value(status), Value(status)});
}

}  // namespace herd::store
