// Plain records as stored. Times are unix milliseconds; ids are snowflakes (core/ids.hpp).
// Rendering to client JSON lives in api/mastodon/entities; to ActivityStreams in federation/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace herd::store {

struct Account {
  Id id = 0;
  std::string username;
  std::string domain;  // "" for local accounts
  std::string display_name;
  std::string note;                // HTML
  std::string note_source;         // plain text as typed (local accounts)
  std::string fields_json = "[]";  // [{"name","value"(HTML),"source_value","verified_at"}]
  std::string uri, url, inbox_url, shared_inbox_url, outbox_url, followers_url, following_url,
      featured_url;
  std::string public_key_pem, private_key_pem;
  std::string avatar_url, header_url;  // "" means the default image
  // A remote account's local copies of avatar_url/header_url (relative paths, as a local
  // account's avatar_url): "" until fetched (service/remote_media.hpp), and for local accounts.
  std::string avatar_file, header_file;
  std::string actor_type = "Person";
  bool locked = false, bot = false, discoverable = true, indexable = true, suspended = false,
       silenced = false;
  bool hide_collections = false;  // follows and followers hidden from others (local accounts)
  std::optional<Id> moved_to_account_id;
  std::int64_t statuses_count = 0, followers_count = 0, following_count = 0;
  std::optional<std::int64_t> last_status_at;
  std::int64_t created_at = 0, updated_at = 0;

  bool local() const { return domain.empty(); }
  // "user" for local accounts, "user@domain" for remote ones.
  std::string acct() const { return local() ? username : username + "@" + domain; }
};

// One profile field as stored in Account::fields_json.
struct ProfileField {
  std::string name;
  std::string value;         // HTML
  std::string source_value;  // plain text as typed (local accounts)
  std::optional<std::string> verified_at;
};
// The account's profile fields; malformed or missing JSON gives none.
std::vector<ProfileField> profile_fields(const Account& account);

struct User {
  Id id = 0;
  Id account_id = 0;
  std::string email;
  std::string password_hash;
  std::string role = "user";  // user | moderator | admin | owner
  bool confirmed = false, approved = true, disabled = false;
  std::string locale = "en";
  std::string registration_reason;
  std::string default_privacy = "public";
  bool default_sensitive = false;
  std::optional<std::string> default_language;
  std::int64_t created_at = 0;
};

struct Application {
  Id id = 0;
  std::string name;
  std::optional<std::string> website;
  std::string redirect_uris;  // newline-separated
  std::string scopes;         // space-separated
  std::string client_id, client_secret;
  std::int64_t created_at = 0;
};

struct AccessToken {
  Id id = 0;
  std::string token;
  Id application_id = 0;
  std::optional<Id> user_id;  // none for client_credentials (app) tokens
  std::string scopes;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
};

struct AccessGrant {
  Id id = 0;
  std::string code;
  Id application_id = 0;
  Id user_id = 0;
  std::string redirect_uri, scopes;
  std::optional<std::string> code_challenge, code_challenge_method;
  std::int64_t expires_at = 0;
  bool used = false;
};

struct WebSession {
  Id id = 0;
  std::string token;
  std::optional<Id> user_id;
  std::string csrf_token;
  std::int64_t created_at = 0;
};

enum class Visibility { public_, unlisted, private_, direct };
std::string to_string(Visibility v);  // "public", "unlisted", ...
std::optional<Visibility> parse_visibility(std::string_view text);

struct Status {
  Id id = 0;
  Id account_id = 0;
  std::string uri, url;
  bool local = true;
  std::string text;     // source as typed (local)
  std::string content;  // HTML
  std::string spoiler_text;
  bool sensitive = false;
  Visibility visibility = Visibility::public_;
  std::optional<std::string> language;
  std::optional<Id> in_reply_to_id, in_reply_to_account_id, reblog_of_id, application_id;
  bool has_media = false;
  std::int64_t replies_count = 0, reblogs_count = 0, favourites_count = 0;
  std::optional<std::int64_t> pinned_at, edited_at;
  std::int64_t created_at = 0;
  // Who may quote it (Mastodon 4.5): "public", "followers" or "nobody" with automatic approval,
  // and (remote statuses) who may ask for manual approval: "", "public" or "followers".
  std::string quote_policy = "public";
  std::string quote_policy_manual;
  std::int64_t quotes_count = 0;  // accepted quotes
};

struct Tag {
  Id id = 0;
  std::string name;  // lowercase
  std::int64_t created_at = 0;
};

struct Notification {
  Id id = 0;
  Id account_id = 0;       // recipient
  Id from_account_id = 0;  // who acted
  std::string type;        // mention, reblog, favourite, follow, follow_request, ...
  std::optional<Id> status_id;
  std::int64_t created_at = 0;
  // Notifications of one kind about one target close in time share a key (favourite, reblog and
  // follow, as Mastodon groups them); every other one has "ungrouped-<id>".
  std::string group_key;
  bool filtered = false;  // held back by the recipient's notification policy
};

struct Rule {
  Id id = 0;
  int position = 0;
  std::string text, hint;
};

}  // namespace herd::store
