// Migrations 1-20 (store/migration_list.hpp). Never edit a migration that has shipped: add a
// new one to the list in store/migrations.cpp.
#include "store/migration_list.hpp"

namespace herd::store {

std::vector<Migration> founding_migrations() {
  return {
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
  };
}

}  // namespace herd::store
