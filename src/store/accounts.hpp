// Accounts and local users. All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/pipeline.hpp"  // Statement

namespace herd::store {

std::optional<Account> find_account(Connection& c, Id id);
// Case-insensitive username; domain "" for local.
std::optional<Account> find_account_by_username(Connection& c, std::string_view username,
                                                std::string_view domain);
std::optional<Account> find_account_by_uri(Connection& c, std::string_view uri);
// In no particular order; unknown ids are skipped.
std::vector<Account> find_accounts(Connection& c, const std::vector<Id>& ids);
void insert_account(Connection& c, const Account& account);
// Like insert_account, but an existing (username, domain) or id leaves the table as it is;
// returns whether the row was inserted.
bool insert_account_if_new(Connection& c, const Account& account);
// Writes the profile columns: display_name, note, note_source, fields_json, locked, bot,
// discoverable, indexable, avatar_url, header_url, updated_at, hide_collections.
void update_account_profile(Connection& c, const Account& account);
// Adds the deltas to the denormalised counters.
void adjust_account_counts(Connection& c, Id account_id, std::int64_t statuses,
                           std::int64_t followers, std::int64_t following);
void touch_last_status_at(Connection& c, Id account_id, std::int64_t at);
// One more status by the account, posted at `at`: statuses_count + 1 and last_status_at, in one
// statement. On PostgreSQL it locks the account's row until the commit: writers call it last in
// their transaction, so that concurrent posts by one account wait for each other only that long.
void count_new_status(Connection& c, Id account_id, std::int64_t at);
// Accounts whose username or display name starts with/contains query (local first), for search.
std::vector<Account> search_accounts(Connection& c, std::string_view query, int limit, int offset);

std::optional<User> find_user(Connection& c, Id user_id);
std::optional<User> find_user_by_account(Connection& c, Id account_id);
// An account with its user (none for a remote account) and that user's default quote policy
// ("public" without a user), in one statement: what a post reads of its author.
struct Poster {
  Account account;
  std::optional<User> user;
  std::string default_quote_policy = "public";
};
std::optional<Poster> find_poster(Connection& c, Id account_id);
// find_poster() as its statement and the reader of its result (for query_all).
Statement poster_statement(Id account_id);
std::optional<Poster> poster_in(const Result& result);
std::optional<User> find_user_by_email(Connection& c, std::string_view email);
void insert_user(Connection& c, const User& user);
void update_user_password(Connection& c, Id user_id, const std::string& password_hash);
// Posting defaults; a nullopt leaves that preference as it is.
void update_user_preferences(Connection& c, Id account_id,
                             const std::optional<std::string>& privacy,
                             std::optional<bool> sensitive,
                             const std::optional<std::string>& language);
std::int64_t count_local_users(Connection& c);
std::int64_t count_local_statuses(Connection& c);
std::int64_t count_known_domains(Connection& c);

// Site settings (key/value), e.g. "admin_created".
std::optional<std::string> get_setting(Connection& c, std::string_view name);
void put_setting(Connection& c, std::string_view name, std::string_view value);

std::vector<Rule> list_rules(Connection& c);
void insert_rule(Connection& c, const Rule& rule);

}  // namespace herd::store
