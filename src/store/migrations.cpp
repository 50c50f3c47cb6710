// Numbered schema migrations (store/migration_list.hpp): 1-20 in store/migrations_founding.cpp,
// 21 on below, and the runner. A new migration is added at the end of the list below.
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/migration_list.hpp"

namespace herd::store {

namespace {

// The founding migrations, then `later`.
std::vector<Migration> with_founding(std::vector<Migration> later) {
  std::vector<Migration> list = founding_migrations();
  list.insert(list.end(), later.begin(), later.end());
  return list;
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = with_founding({
      {21, "suggestion dismissals", R"SQL(
CREATE TABLE suggestion_dismissals (
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  PRIMARY KEY (account_id, target_account_id)
);
)SQL"},
      {22, "remote keys, tombstones, delivery failures", R"SQL(
CREATE TABLE remote_keys (
  key_id TEXT PRIMARY KEY,
  owner_uri TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX remote_keys_owner ON remote_keys (owner_uri);
CREATE TABLE tombstones (
  uri TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE delivery_failures (
  id BIGINT PRIMARY KEY,
  inbox TEXT NOT NULL,
  account_uri TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  error TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)SQL"},
      {23, "mail: messages, account tokens, known browsers", R"SQL(
CREATE TABLE mail_failures (
  id BIGINT PRIMARY KEY,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  queued_at BIGINT NOT NULL,
  failed_at BIGINT NOT NULL
);
CREATE TABLE user_tokens (
  digest TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, kind);
CREATE TABLE user_browsers (
  user_id BIGINT NOT NULL,
  browser TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, browser)
);
ALTER TABLE users ADD COLUMN email_preferences TEXT NOT NULL DEFAULT '';
UPDATE users SET confirmed = 1;
)SQL"},
      {25, "rate limits, two-factor authentication, session details", R"SQL(
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  count BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
ALTER TABLE users ADD COLUMN otp_secret TEXT;
ALTER TABLE users ADD COLUMN otp_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN otp_backup_codes TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN consumed_timestep BIGINT;
ALTER TABLE web_sessions ADD COLUMN pending_user_id BIGINT;
ALTER TABLE web_sessions ADD COLUMN pending_at BIGINT;
ALTER TABLE web_sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE web_sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE web_sessions ADD COLUMN last_used_at BIGINT;
)SQL"},
      {27, "notification groups, policy and requests", R"SQL(
ALTER TABLE notifications ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;
UPDATE notifications SET group_key = 'ungrouped-' || CAST(id AS TEXT);
CREATE INDEX notifications_group ON notifications (account_id, group_key);
CREATE TABLE notification_policies (
  account_id BIGINT PRIMARY KEY,
  for_not_following TEXT NOT NULL DEFAULT 'accept',
  for_not_followers TEXT NOT NULL DEFAULT 'accept',
  for_new_accounts TEXT NOT NULL DEFAULT 'accept',
  for_private_mentions TEXT NOT NULL DEFAULT 'filter',
  for_limited_accounts TEXT NOT NULL DEFAULT 'filter',
  updated_at BIGINT NOT NULL
);
CREATE TABLE notification_requests (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  from_account_id BIGINT NOT NULL,
  last_status_id BIGINT,
  notifications_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_requests_pair ON notification_requests (account_id, from_account_id);
CREATE TABLE notification_permissions (
  account_id BIGINT NOT NULL,
  from_account_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, from_account_id)
);
)SQL"},
      {28, "quotes", R"SQL(
CREATE TABLE quotes (
  id BIGINT PRIMARY KEY,
  status_id BIGINT,
  uri TEXT NOT NULL DEFAULT '',
  account_id BIGINT NOT NULL,
  quoted_status_id BIGINT,
  quoted_account_id BIGINT,
  quoted_uri TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  request_uri TEXT NOT NULL DEFAULT '',
  authorization_uri TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX quotes_status ON quotes (status_id);
CREATE INDEX quotes_uri ON quotes (uri);
CREATE INDEX quotes_quoted ON quotes (quoted_status_id, status_id);
CREATE INDEX quotes_authorization ON quotes (authorization_uri);
ALTER TABLE statuses ADD COLUMN quote_policy TEXT NOT NULL DEFAULT 'public';
ALTER TABLE statuses ADD COLUMN quote_policy_manual TEXT NOT NULL DEFAULT '';
ALTER TABLE statuses ADD COLUMN quotes_count BIGINT NOT NULL DEFAULT 0;
UPDATE statuses SET quote_policy = 'nobody' WHERE local = 0 OR visibility IN ('private', 'direct');
ALTER TABLE users ADD COLUMN default_quote_policy TEXT NOT NULL DEFAULT 'public';
)SQL"},
      {29, "custom emojis", R"SQL(
CREATE TABLE custom_emojis (
  id BIGINT PRIMARY KEY,
  shortcode TEXT NOT NULL,
  domain TEXT NOT NULL DEFAULT '',
  image_url TEXT NOT NULL DEFAULT '',
  file_path TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  visible_in_picker INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (shortcode, domain)
);
)SQL"},
      {30, "account deletions, CSV imports", R"SQL(
CREATE TABLE account_deletions (
  account_id BIGINT PRIMARY KEY,
  requested_at BIGINT NOT NULL,
  purge_at BIGINT NOT NULL,
  purged_at BIGINT
);
CREATE TABLE imports (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  mode TEXT NOT NULL,
  state TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL,
  total_items BIGINT NOT NULL,
  processed_items BIGINT NOT NULL DEFAULT 0,
  imported_items BIGINT NOT NULL DEFAULT 0,
  failures TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX imports_by_account ON imports (account_id, id);
)SQL"},
      {31, "account archives", R"SQL(
CREATE TABLE account_archives (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  size BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX account_archives_by_account ON account_archives (account_id, id);
)SQL"},
      {32, "media processing: small preview, meta, processing state", R"SQL(
ALTER TABLE media_attachments ADD COLUMN small_file TEXT;
ALTER TABLE media_attachments ADD COLUMN meta TEXT;
ALTER TABLE media_attachments ADD COLUMN processing INTEGER NOT NULL DEFAULT 2;
)SQL"},
      {33, "domain blocks: public and private comments, obfuscation", R"SQL(
ALTER TABLE domain_blocks ADD COLUMN public_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_blocks ADD COLUMN private_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_blocks ADD COLUMN obfuscate INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {34, "full-text search of statuses",
       // The index is filled by service/search: the statuses written before this
       // migration by the backfill that `search_backfill_after` asks of `herd serve`
       // (or herd admin search deploy).
       R"SQL(
INSERT INTO settings (name, value) VALUES ('search_backfill_after', '0');
)SQL",
       R"SQL(
CREATE VIRTUAL TABLE status_search USING fts5(document, tokenize = 'unicode61 remove_diacritics 2');
)SQL",
       R"SQL(
CREATE TABLE status_search (
  status_id BIGINT PRIMARY KEY,
  document tsvector NOT NULL
);
CREATE INDEX status_search_document ON status_search USING GIN (document);
)SQL"},
      {35, "async refreshes", R"SQL(
CREATE TABLE async_refreshes (
  id BIGINT PRIMARY KEY,
  refresh_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  result_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
)SQL"},
      {39, "announcement drafts", R"SQL(
ALTER TABLE announcements ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
)SQL"},
      {40, "ID tags handed out to processes", R"SQL(
CREATE TABLE id_tags (id INTEGER PRIMARY KEY, last_tag BIGINT NOT NULL);
INSERT INTO id_tags (id, last_tag) VALUES (1, 0);
)SQL"},
      {58, "accounts hiding their follows and followers", R"SQL(
ALTER TABLE accounts ADD COLUMN hide_collections INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {66, "an account's reblogs by the status reblogged (the viewer flag cache)", R"SQL(
CREATE INDEX statuses_account_reblogs ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
)SQL"},
      {76, "public timeline ids from the index alone (SQLite)",
       // A public page's ids (store::page_public_timeline_ids) read every row of the page from
       // the table for its conditions (author, reply, local, media): the index holds them now,
       // under the name the page statements name (INDEXED BY). PostgreSQL keeps its index.
       "",
       R"SQL(
DROP INDEX statuses_public;
CREATE INDEX statuses_public ON statuses (id, account_id, in_reply_to_id, in_reply_to_account_id, local, has_media) WHERE visibility = 'public' AND reblog_of_id IS NULL;
)SQL"},
      {47, "hashtag moderation: usable, listable", R"SQL(
ALTER TABLE tags ADD COLUMN usable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tags ADD COLUMN listable INTEGER NOT NULL DEFAULT 1;
)SQL"},
      {41, "local copies of remote avatars and headers, remote media fetch failures", R"SQL(
ALTER TABLE accounts ADD COLUMN avatar_file TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN header_file TEXT NOT NULL DEFAULT '';
CREATE TABLE remote_media_failures (
  id BIGINT PRIMARY KEY,
  url TEXT NOT NULL,
  domain TEXT NOT NULL,
  purpose TEXT NOT NULL,
  error TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)SQL"},
      {42, "domain blocks: reject_media and reject_reports", R"SQL(
ALTER TABLE domain_blocks ADD COLUMN reject_media INTEGER NOT NULL DEFAULT 0;
ALTER TABLE domain_blocks ADD COLUMN reject_reports INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {36, "admin blocks, domain allows, trend reviews, account activity", R"SQL(
CREATE TABLE ip_blocks (
  id BIGINT PRIMARY KEY,
  ip TEXT NOT NULL UNIQUE,
  severity TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE email_domain_blocks (
  id BIGINT PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  allow_with_approval INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE email_domain_block_attempts (
  block_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  email TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (block_id, day, email)
);
CREATE TABLE canonical_email_blocks (
  id BIGINT PRIMARY KEY,
  canonical_email_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE domain_allows (
  id BIGINT PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE trend_reviews (
  kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  trendable INTEGER NOT NULL,
  reviewed_at BIGINT NOT NULL,
  PRIMARY KEY (kind, target_id)
);
CREATE TABLE account_activity (
  account_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  PRIMARY KEY (day, account_id)
);
)SQL"},
      {46, "home feed without rowid; mutes by target",
       // Posting inserts one home_feed row per follower: keyed by its primary key alone, a row
       // is one B-tree insert fewer (SQLite; PostgreSQL keeps its heap). A post's audience leaves
       // out those who mute its author: an index instead of a scan of mutes.
       R"SQL(
CREATE INDEX mutes_target ON mutes (target_account_id);
)SQL",
       R"SQL(
CREATE TABLE home_feed_keyed (
  account_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
INSERT INTO home_feed_keyed (account_id, status_id) SELECT account_id, status_id FROM home_feed;
DROP TABLE home_feed;
ALTER TABLE home_feed_keyed RENAME TO home_feed;
CREATE INDEX home_feed_status ON home_feed (status_id);
)SQL"},
      {48, "remote media failures by URL (a given-up emoji image is not queued again)", R"SQL(
CREATE INDEX remote_media_failures_url ON remote_media_failures (url);
)SQL"},
      {49, "custom emoji still images (static_url)", R"SQL(
ALTER TABLE custom_emojis ADD COLUMN static_path TEXT NOT NULL DEFAULT '';
)SQL"},
      // Emojis stored before 49 (local ones and remote copies) have no still: one job each
      // whose image may be animated (service/custom_emojis.hpp: make_missing_emoji_still). The
      // job's id is the emoji's (both snowflakes: never one another's).
      {61, "custom emoji still images for emojis stored before 49", R"SQL(
INSERT INTO jobs (id, queue, payload, run_at, attempts, created_at)
SELECT id, 'remote_media', '{"emoji_still":"' || CAST(id AS TEXT) || '"}', 0, 0, 0
FROM custom_emojis
WHERE file_path <> '' AND static_path = '' AND (file_path LIKE '%.gif' OR file_path LIKE '%.webp');
)SQL"},
      unique_status_uris(),
  });
  return list;
}

}  // namespace

std::vector<int> pending_migrations(Connection& c) {
  std::vector<int> pending;
  std::vector<std::int64_t> applied;
  try {
    for (const Row& row : c.query("SELECT version FROM schema_migrations", {}).rows)
      applied.push_back(row.i(0));
  } catch (const DatabaseError&) {
    if (c.query("SELECT 1", {}).empty()) throw;  // the database itself does not answer
  }
  for (const Migration& migration : migrations())
    if (std::find(applied.begin(), applied.end(), migration.version) == applied.end())
      pending.push_back(migration.version);
  return pending;
}

int migrate(Database& database) {
  database.write([](Connection& c) {
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
  });
  int applied = 0;
  for (const Migration& migration : migrations()) {
    bool ran = false;
    database.write([&](Connection& c) {
      if (c.dialect() == Dialect::postgres)  // several processes may start at once
        c.exec_script("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
      auto done = c.query("SELECT 1 FROM schema_migrations WHERE version = ?",
                          {Value(std::int64_t{migration.version})});
      if (!done.empty()) return;
      if (*migration.shared) c.exec_script(migration.shared);  // empty: one dialect's only
      const char* specific =
          c.dialect() == Dialect::sqlite ? migration.sqlite_only : migration.postgres_only;
      if (*specific) c.exec_script(specific);
      c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              {Value(std::int64_t{migration.version}), Value(std::string(migration.name)),
               Value(std::int64_t{0})});
      ran = true;
    });
    if (ran) ++applied;
  }
  return applied;
}

}  // namespace herd::store
