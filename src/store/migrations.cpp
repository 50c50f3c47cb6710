// Numbered schema migrations. Each migration has SQL shared by both dialects and optional
// dialect-specific SQL; a migration runs in one transaction and is recorded in schema_migrations.
// Conventions: ids are BIGINT snowflakes, times are BIGINT unix milliseconds, booleans INTEGER 0/1.
#include <string>
#include <vector>

#include "store/database.hpp"

namespace herd::store {

namespace {

struct Migration {
  int version;
  const char* name;
  const char* shared;
  const char* sqlite_only = "";
  const char* postgres_only = "";
};

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "initial schema", R"SQL(
CREATE TABLE accounts (
  id BIGINT PRIMARY KEY,
  username TEXT NOT NULL,
  domain TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  note_source TEXT NOT NULL DEFAULT '',
  fields_json TEXT NOT NULL DEFAULT '[]',
  uri TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  inbox_url TEXT NOT NULL DEFAULT '',
  shared_inbox_url TEXT NOT NULL DEFAULT '',
  outbox_url TEXT NOT NULL DEFAULT '',
  followers_url TEXT NOT NULL DEFAULT '',
  following_url TEXT NOT NULL DEFAULT '',
  featured_url TEXT NOT NULL DEFAULT '',
  public_key_pem TEXT NOT NULL DEFAULT '',
  private_key_pem TEXT NOT NULL DEFAULT '',
  avatar_url TEXT NOT NULL DEFAULT '',
  header_url TEXT NOT NULL DEFAULT '',
  actor_type TEXT NOT NULL DEFAULT 'Person',
  locked INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  discoverable INTEGER NOT NULL DEFAULT 1,
  indexable INTEGER NOT NULL DEFAULT 1,
  suspended INTEGER NOT NULL DEFAULT 0,
  silenced INTEGER NOT NULL DEFAULT 0,
  moved_to_account_id BIGINT,
  statuses_count BIGINT NOT NULL DEFAULT 0,
  followers_count BIGINT NOT NULL DEFAULT 0,
  following_count BIGINT NOT NULL DEFAULT 0,
  last_status_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_username_domain ON accounts (lower(username), domain);
CREATE INDEX accounts_uri ON accounts (uri);

CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user',
  confirmed INTEGER NOT NULL DEFAULT 0,
  approved INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  locale TEXT NOT NULL DEFAULT 'en',
  registration_reason TEXT NOT NULL DEFAULT '',
  default_privacy TEXT NOT NULL DEFAULT 'public',
  default_sensitive INTEGER NOT NULL DEFAULT 0,
  default_language TEXT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE oauth_applications (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  website TEXT,
  redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE oauth_access_grants (
  id BIGINT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  application_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes TEXT NOT NULL,
  code_challenge TEXT,
  code_challenge_method TEXT,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE oauth_access_tokens (
  id BIGINT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  application_id BIGINT NOT NULL,
  user_id BIGINT,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE web_sessions (
  id BIGINT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  user_id BIGINT,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE statuses (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  uri TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  local INTEGER NOT NULL DEFAULT 1,
  text TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  spoiler_text TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  visibility TEXT NOT NULL DEFAULT 'public',
  language TEXT,
  in_reply_to_id BIGINT,
  in_reply_to_account_id BIGINT,
  reblog_of_id BIGINT,
  application_id BIGINT,
  has_media INTEGER NOT NULL DEFAULT 0,
  replies_count BIGINT NOT NULL DEFAULT 0,
  reblogs_count BIGINT NOT NULL DEFAULT 0,
  favourites_count BIGINT NOT NULL DEFAULT 0,
  pinned_at BIGINT,
  edited_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_reblog_of ON statuses (reblog_of_id, account_id);
CREATE INDEX statuses_in_reply_to ON statuses (in_reply_to_id);
CREATE INDEX statuses_uri ON statuses (uri);
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id IS NULL;

CREATE TABLE mentions (
  status_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id);

CREATE TABLE tags (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

CREATE TABLE statuses_tags (
  tag_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX statuses_tags_status ON statuses_tags (status_id);

CREATE TABLE favourites (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX favourites_account_status ON favourites (account_id, status_id);
CREATE INDEX favourites_status ON favourites (status_id, id);

CREATE TABLE bookmarks (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bookmarks_account_status ON bookmarks (account_id, status_id);

CREATE TABLE follows (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  show_reblogs INTEGER NOT NULL DEFAULT 1,
  notify INTEGER NOT NULL DEFAULT 0,
  uri TEXT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (account_id, target_account_id);
CREATE INDEX follows_target ON follows (target_account_id, id);

CREATE TABLE follow_requests (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  show_reblogs INTEGER NOT NULL DEFAULT 1,
  notify INTEGER NOT NULL DEFAULT 0,
  uri TEXT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX follow_requests_pair ON follow_requests (account_id, target_account_id);
CREATE INDEX follow_requests_target ON follow_requests (target_account_id, id);

CREATE TABLE blocks (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  uri TEXT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX blocks_pair ON blocks (account_id, target_account_id);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  hide_notifications INTEGER NOT NULL DEFAULT 1,
  expires_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX mutes_pair ON mutes (account_id, target_account_id);

CREATE TABLE home_feed (
  account_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  PRIMARY KEY (account_id, status_id)
);
CREATE INDEX home_feed_status ON home_feed (status_id);

CREATE TABLE notifications (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  from_account_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  status_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_status ON notifications (status_id);

CREATE TABLE idempotency_keys (
  account_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  status_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, key)
);

CREATE TABLE instance_rules (
  id BIGINT PRIMARY KEY,
  position INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  hint TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE jobs (
  id BIGINT PRIMARY KEY,
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  run_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (queue, run_at);
)SQL"},
      {2, "federation: domain blocks", R"SQL(
CREATE TABLE domain_blocks (
  id BIGINT PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  severity TEXT NOT NULL DEFAULT 'suspend',
  created_at BIGINT NOT NULL
);
CREATE INDEX accounts_domain ON accounts (domain);
CREATE INDEX follows_uri ON follows (uri);
)SQL"},
      {3, "media attachments", R"SQL(
CREATE TABLE media_attachments (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  status_id BIGINT,
  type TEXT NOT NULL DEFAULT 'unknown',
  file TEXT NOT NULL DEFAULT '',
  thumbnail_file TEXT,
  content_type TEXT NOT NULL DEFAULT '',
  file_size BIGINT NOT NULL DEFAULT 0,
  width BIGINT,
  height BIGINT,
  description TEXT,
  focus_x DOUBLE PRECISION,
  focus_y DOUBLE PRECISION,
  blurhash TEXT,
  remote_url TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX media_attachments_status ON media_attachments (status_id);
CREATE INDEX media_attachments_account ON media_attachments (account_id, id);
)SQL"},
      {6, "reports and moves", R"SQL(
CREATE TABLE reports (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  status_ids TEXT NOT NULL DEFAULT '[]',
  rule_ids TEXT NOT NULL DEFAULT '[]',
  comment TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT 'other',
  forwarded INTEGER NOT NULL DEFAULT 0,
  uri TEXT,
  action_taken_at BIGINT,
  action_taken_by_account_id BIGINT,
  assigned_account_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX reports_target ON reports (target_account_id, id);
CREATE INDEX reports_account ON reports (account_id, id);
CREATE UNIQUE INDEX reports_uri ON reports (uri);
ALTER TABLE accounts ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '[]';
ALTER TABLE notifications ADD COLUMN report_id BIGINT;
)SQL"},
      {4, "status edits", R"SQL(
CREATE TABLE status_edits (
  id BIGINT PRIMARY KEY,
  status_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  spoiler_text TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  media_ids TEXT NOT NULL DEFAULT '[]',
  poll_options TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);
)SQL"},
      {5, "polls", R"SQL(
CREATE TABLE polls (
  id BIGINT PRIMARY KEY,
  status_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  expires_at BIGINT,
  multiple INTEGER NOT NULL DEFAULT 0,
  hide_totals INTEGER NOT NULL DEFAULT 0,
  votes_count BIGINT NOT NULL DEFAULT 0,
  voters_count BIGINT,
  uri TEXT,
  closed_at BIGINT,
  last_fetched_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX polls_status ON polls (status_id);
CREATE TABLE poll_options (
  poll_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  votes_count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (poll_id, position)
);
CREATE TABLE poll_votes (
  id BIGINT PRIMARY KEY,
  poll_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  choice INTEGER NOT NULL,
  uri TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (poll_id, account_id, choice)
);
CREATE INDEX poll_votes_account ON poll_votes (account_id, poll_id);
)SQL"},
      {8, "lists", R"SQL(
CREATE TABLE lists (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  replies_policy TEXT NOT NULL DEFAULT 'list',
  exclusive INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);
CREATE TABLE list_accounts (
  id BIGINT PRIMARY KEY,
  list_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX list_accounts_pair ON list_accounts (list_id, account_id);
CREATE INDEX list_accounts_account ON list_accounts (account_id);
)SQL"},
      {9, "filters", R"SQL(
CREATE TABLE filters (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '[]',
  filter_action TEXT NOT NULL DEFAULT 'warn',
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX filters_account ON filters (account_id, id);
CREATE TABLE filter_keywords (
  id BIGINT PRIMARY KEY,
  filter_id BIGINT NOT NULL,
  keyword TEXT NOT NULL,
  whole_word INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);
CREATE TABLE filter_statuses (
  id BIGINT PRIMARY KEY,
  filter_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX filter_statuses_pair ON filter_statuses (filter_id, status_id);
)SQL"},
      {10, "markers", R"SQL(
CREATE TABLE markers (
  account_id BIGINT NOT NULL,
  timeline TEXT NOT NULL,
  last_read_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, timeline)
);
)SQL"},
      {11, "conversations", R"SQL(
CREATE TABLE account_conversations (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  participant_key TEXT NOT NULL,
  unread INTEGER NOT NULL DEFAULT 0,
  removed_up_to BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_conversations_key ON account_conversations (account_id, participant_key);
)SQL"},
      {12, "scheduled statuses", R"SQL(
CREATE TABLE scheduled_statuses (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  scheduled_at BIGINT NOT NULL,
  params_json TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
)SQL"},
      {13, "web push", R"SQL(
CREATE TABLE web_push_subscriptions (
  id BIGINT PRIMARY KEY,
  access_token_id BIGINT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL,
  endpoint TEXT NOT NULL,
  key_p256dh TEXT NOT NULL,
  key_auth TEXT NOT NULL,
  alerts TEXT NOT NULL,
  policy TEXT NOT NULL DEFAULT 'all',
  created_at BIGINT NOT NULL
);
CREATE INDEX web_push_subscriptions_account ON web_push_subscriptions (account_id);
)SQL"},
      {14, "followed hashtags", R"SQL(
CREATE TABLE tag_follows (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  tag_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tag_follows_pair ON tag_follows (account_id, tag_id);
CREATE INDEX tag_follows_tag ON tag_follows (tag_id);
)SQL"},
      {15, "sensitized accounts", R"SQL(
ALTER TABLE accounts ADD COLUMN sensitized INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {16, "limited accounts index", R"SQL(
CREATE INDEX accounts_silenced ON accounts (id) WHERE silenced = 1;
)SQL"},
      {17, "account notes and domain blocks", R"SQL(
CREATE TABLE account_notes (
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  comment TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, target_account_id)
);
CREATE TABLE account_domain_blocks (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  domain TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_domain_blocks_pair ON account_domain_blocks (account_id, domain);
)SQL"},
      {18, "preview cards", R"SQL(
CREATE TABLE preview_cards (
  id BIGINT PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT 'link',
  provider_name TEXT NOT NULL DEFAULT '',
  author_name TEXT NOT NULL DEFAULT '',
  image_url TEXT,
  width BIGINT NOT NULL DEFAULT 0,
  height BIGINT NOT NULL DEFAULT 0,
  language TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE status_preview_cards (
  status_id BIGINT PRIMARY KEY,
  preview_card_id BIGINT NOT NULL
);
)SQL"},
      {19, "featured tags and endorsements", R"SQL(
CREATE TABLE featured_tags (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  tag_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX featured_tags_pair ON featured_tags (account_id, tag_id);
CREATE TABLE account_pins (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_pins_pair ON account_pins (account_id, target_account_id);
)SQL"},
      {20, "announcements", R"SQL(
CREATE TABLE announcements (
  id BIGINT PRIMARY KEY,
  text TEXT NOT NULL,
  starts_at BIGINT,
  ends_at BIGINT,
  all_day INTEGER NOT NULL DEFAULT 0,
  published_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE announcement_dismissals (
  announcement_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  PRIMARY KEY (announcement_id, account_id)
);
CREATE TABLE announcement_reactions (
  announcement_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (announcement_id, account_id, name)
);
)SQL"},
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
       // The index is filled by service/search: the statuses written before this migration by
       // the backfill that `search_backfill_after` asks of `herd serve` (or herd admin search
       // deploy).
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
  };
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
      c.exec_script(migration.shared);
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
