// Migration 88: one status per URI (store/migration_list.hpp). Two deliveries of one remote post
// that ran at once on PostgreSQL could both find its URI unknown and both store it; the copies are
// merged into the oldest row here, and a unique index keeps it so from then on.
#include <string>
#include <vector>

#include "store/migration_list.hpp"

namespace herd::store {

namespace {

// Points the rows of `table` whose `column` names a copy (status_duplicates.id) to the status
// kept instead, unless the kept one already has such a row: `owners` are the columns that make a
// row unique with `column` (one move per owner and kept status, from the oldest copy), `only` a
// condition on the rows concerned. What is not moved is deleted.
std::string move_rows(const std::string& table, const std::string& column,
                      const std::vector<std::string>& owners, const std::string& only = "") {
  std::string same_owner;
  for (const auto& owner : owners) same_owner += " AND o." + owner + " = " + table + "." + owner;
  std::string concerned =
      column + " IN (SELECT id FROM status_duplicates)" + (only.empty() ? "" : " AND " + only);
  std::string others = only.empty() ? "" : " AND o." + only;
  return "UPDATE " + table + " SET " + column +
         " = (SELECT d.keep_id FROM status_duplicates d WHERE d.id = " + table + "." + column +
         ") WHERE " + concerned + " AND NOT EXISTS (SELECT 1 FROM " + table +
         " o JOIN status_duplicates d ON d.id = " + table + "." + column + " WHERE o." + column +
         " = d.keep_id" + same_owner + others + ") AND " + column + " = (SELECT MIN(o." + column +
         ") FROM " + table + " o JOIN status_duplicates d ON d.id = o." + column +
         " JOIN status_duplicates e ON e.id = " + table + "." + column +
         " WHERE d.keep_id = e.keep_id" + same_owner + others + ");\nDELETE FROM " + table +
         " WHERE " + concerned + ";\n";
}

// Points `column` of `table` from a copy to the status kept (no uniqueness to keep).
std::string repoint(const std::string& table, const std::string& column) {
  return "UPDATE " + table + " SET " + column +
         " = (SELECT d.keep_id FROM status_duplicates d WHERE d.id = " + table + "." + column +
         ") WHERE " + column + " IN (SELECT id FROM status_duplicates);\n";
}

// What both dialects run: the copies found, then everything that names one moved or deleted.
std::string shared_sql() {
  std::string sql = R"SQL(
UPDATE statuses SET uri = COALESCE((SELECT a.uri FROM accounts a WHERE a.id = statuses.account_id), '')
  || '/statuses/' || CAST(id AS TEXT) || CASE WHEN reblog_of_id IS NULL THEN '' ELSE '/activity' END
WHERE uri = '';
CREATE TABLE status_duplicates (id BIGINT PRIMARY KEY, keep_id BIGINT NOT NULL);
INSERT INTO status_duplicates (id, keep_id)
SELECT s.id, k.keep_id FROM statuses s
JOIN (SELECT uri, MIN(id) AS keep_id FROM statuses GROUP BY uri HAVING COUNT(*) > 1) k ON k.uri = s.uri
WHERE s.id <> k.keep_id;
)SQL";
  sql += repoint("statuses", "in_reply_to_id");
  sql += repoint("statuses", "reblog_of_id");
  // An account that reblogged two copies (or a copy and the kept one) keeps its oldest reblog.
  sql += R"SQL(
INSERT INTO status_duplicates (id, keep_id)
SELECT s.id, k.keep_id FROM statuses s
JOIN (SELECT account_id, reblog_of_id, MIN(id) AS keep_id FROM statuses
      WHERE reblog_of_id IN (SELECT keep_id FROM status_duplicates)
        AND id NOT IN (SELECT id FROM status_duplicates)
      GROUP BY account_id, reblog_of_id HAVING COUNT(*) > 1) k
  ON k.account_id = s.account_id AND k.reblog_of_id = s.reblog_of_id
WHERE s.id <> k.keep_id AND s.id NOT IN (SELECT id FROM status_duplicates);
)SQL";
  sql += move_rows("favourites", "status_id", {"account_id"});
  sql += move_rows("bookmarks", "status_id", {"account_id"});
  sql += move_rows("home_feed", "status_id", {"account_id"});
  sql += move_rows("mentions", "status_id", {"account_id"});
  sql += move_rows("statuses_tags", "status_id", {"tag_id"});
  sql += move_rows("filter_statuses", "status_id", {"filter_id"});
  sql += move_rows("notifications", "status_id", {"account_id", "type", "from_account_id"});
  sql += move_rows("status_preview_cards", "status_id", {});
  sql += move_rows("trend_reviews", "target_id", {"kind"}, "kind = 'status'");
  sql += repoint("quotes", "quoted_status_id");
  sql += repoint("notification_requests", "last_status_id");
  sql += repoint("idempotency_keys", "status_id");
  // A copy's own rows (its media, poll, edits, quote) describe the same post as the kept one's;
  // votes of a copy's poll move to the kept poll unless the voter voted there too.
  sql += R"SQL(
UPDATE poll_votes SET poll_id = (SELECT kp.id FROM polls p JOIN status_duplicates d ON d.id = p.status_id
                                 JOIN polls kp ON kp.status_id = d.keep_id WHERE p.id = poll_votes.poll_id)
WHERE poll_id IN (SELECT p.id FROM polls p JOIN status_duplicates d ON d.id = p.status_id
                  JOIN polls kp ON kp.status_id = d.keep_id)
  AND NOT EXISTS (SELECT 1 FROM polls p JOIN status_duplicates d ON d.id = p.status_id
                  JOIN polls kp ON kp.status_id = d.keep_id JOIN poll_votes v ON v.poll_id = kp.id
                  WHERE p.id = poll_votes.poll_id AND v.account_id = poll_votes.account_id);
DELETE FROM poll_votes WHERE poll_id IN (SELECT p.id FROM polls p JOIN status_duplicates d ON d.id = p.status_id);
DELETE FROM poll_options WHERE poll_id IN (SELECT p.id FROM polls p JOIN status_duplicates d ON d.id = p.status_id);
DELETE FROM polls WHERE status_id IN (SELECT id FROM status_duplicates);
DELETE FROM media_attachments WHERE status_id IN (SELECT id FROM status_duplicates);
DELETE FROM status_edits WHERE status_id IN (SELECT id FROM status_duplicates);
DELETE FROM quotes WHERE status_id IN (SELECT id FROM status_duplicates);
UPDATE statuses SET
  replies_count = replies_count + (SELECT COALESCE(SUM(c.replies_count), 0) FROM statuses c
                                   JOIN status_duplicates d ON d.id = c.id WHERE d.keep_id = statuses.id),
  favourites_count = (SELECT COUNT(*) FROM favourites f WHERE f.status_id = statuses.id),
  reblogs_count = (SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = statuses.id
                   AND r.id NOT IN (SELECT id FROM status_duplicates))
WHERE id IN (SELECT keep_id FROM status_duplicates);
UPDATE statuses SET reblogs_count = (SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = statuses.id
                                     AND r.id NOT IN (SELECT id FROM status_duplicates))
WHERE id IN (SELECT s.reblog_of_id FROM statuses s JOIN status_duplicates d ON d.id = s.id);
UPDATE accounts SET statuses_count = CASE
  WHEN statuses_count > (SELECT COUNT(*) FROM statuses s JOIN status_duplicates d ON d.id = s.id
                         WHERE s.account_id = accounts.id AND s.visibility <> 'direct')
  THEN statuses_count - (SELECT COUNT(*) FROM statuses s JOIN status_duplicates d ON d.id = s.id
                         WHERE s.account_id = accounts.id AND s.visibility <> 'direct')
  ELSE 0 END
WHERE id IN (SELECT s.account_id FROM statuses s JOIN status_duplicates d ON d.id = s.id);
)SQL";
  return sql;
}

// Last, after each dialect's search index lost the copies.
const char* kCopiesGone = R"SQL(
DELETE FROM statuses WHERE id IN (SELECT id FROM status_duplicates);
DROP TABLE status_duplicates;
DROP INDEX statuses_uri;
CREATE UNIQUE INDEX statuses_uri ON statuses (uri);
)SQL";

}  // namespace

Migration unique_status_uris() {
  static const std::string shared = shared_sql();
  static const std::string sqlite =
      std::string("DELETE FROM status_search WHERE rowid IN (SELECT id FROM status_duplicates);") +
      kCopiesGone;
  static const std::string postgres =
      std::string(
          "DELETE FROM status_search WHERE status_id IN (SELECT id FROM status_duplicates);") +
      kCopiesGone;
  return {88, "one status per URI (copies of a post stored twice merged into the oldest)",
          shared.c_str(), sqlite.c_str(), postgres.c_str()};
}

}  // namespace herd::store
