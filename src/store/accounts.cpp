#include "store/accounts.hpp"

#include <string>

#include "store/columns.hpp"
#include "store/invalidation.hpp"
#include "store/pipeline.hpp"
#include "store/token_holders.hpp"
#include "store/viewer_flags.hpp"

namespace herd::store {

namespace {

constexpr const char* kAccountColumns =
    "id, username, domain, display_name, note, note_source, fields_json, uri, url, inbox_url, "
    "shared_inbox_url, outbox_url, followers_url, following_url, featured_url, public_key_pem, "
    "private_key_pem, avatar_url, header_url, actor_type, locked, bot, discoverable, indexable, "
    "suspended, silenced, moved_to_account_id, statuses_count, followers_count, following_count, "
    "last_status_at, created_at, updated_at, avatar_file, header_file, hide_collections";

Account account_from_row(const Row& r, int i = 0) {
  Account a;
  a.id = r.i(i++);
  a.username = r.s(i++);
  a.domain = r.s(i++);
  a.display_name = r.s(i++);
  a.note = r.s(i++);
  a.note_source = r.s(i++);
  a.fields_json = r.s(i++);
  a.uri = r.s(i++);
  a.url = r.s(i++);
  a.inbox_url = r.s(i++);
  a.shared_inbox_url = r.s(i++);
  a.outbox_url = r.s(i++);
  a.followers_url = r.s(i++);
  a.following_url = r.s(i++);
  a.featured_url = r.s(i++);
  a.public_key_pem = r.s(i++);
  a.private_key_pem = r.s(i++);
  a.avatar_url = r.s(i++);
  a.header_url = r.s(i++);
  a.actor_type = r.s(i++);
  a.locked = r.b(i++);
  a.bot = r.b(i++);
  a.discoverable = r.b(i++);
  a.indexable = r.b(i++);
  a.suspended = r.b(i++);
  a.silenced = r.b(i++);
  a.moved_to_account_id = r.oi(i++);
  a.statuses_count = r.i(i++);
  a.followers_count = r.i(i++);
  a.following_count = r.i(i++);
  a.last_status_at = r.oi(i++);
  a.created_at = r.i(i++);
  a.updated_at = r.i(i++);
  a.avatar_file = r.s(i++);
  a.header_file = r.s(i++);
  a.hide_collections = r.b(i++);
  Dependencies::note(tags::account(a.id));  // what a cached response shows (invalidation.hpp)
  return a;
}

std::optional<Account> first_account(const Result& result) {
  if (result.empty()) return std::nullopt;
  return account_from_row(result.front());
}

constexpr const char* kUserColumns =
    "id, account_id, email, password_hash, role, confirmed, approved, disabled, locale, "
    "registration_reason, default_privacy, default_sensitive, default_language, created_at";

User user_from_row(const Row& r, int i = 0) {
  User u;
  u.id = r.i(i++);
  u.account_id = r.i(i++);
  u.email = r.s(i++);
  u.password_hash = r.s(i++);
  u.role = r.s(i++);
  u.confirmed = r.b(i++);
  u.approved = r.b(i++);
  u.disabled = r.b(i++);
  u.locale = r.s(i++);
  u.registration_reason = r.s(i++);
  u.default_privacy = r.s(i++);
  u.default_sensitive = r.b(i++);
  u.default_language = r.os(i++);
  u.created_at = r.i(i++);
  return u;
}

std::optional<User> first_user(const Result& result) {
  if (result.empty()) return std::nullopt;
  return user_from_row(result.front());
}

Value b(bool v) {
  return Value(std::int64_t{v ? 1 : 0});
}

constexpr int kAccountColumnCount = column_count(kAccountColumns);
constexpr int kUserColumnCount = column_count(kUserColumns);

// "id, username" -> "a.id, a.username"
std::string qualified(std::string_view columns, std::string_view alias) {
  std::string out;
  std::size_t start = 0;
  while (start < columns.size()) {
    std::size_t end = columns.find(',', start);
    if (end == std::string_view::npos) end = columns.size();
    std::string_view column = columns.substr(start, end - start);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += alias;
    out += '.';
    out += column;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<Account> find_account(Connection& c, Id id) {
  return first_account(c.query(
      std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id = ?", {Value(id)}));
}

std::optional<Account> find_account_by_username(Connection& c, std::string_view username,
                                                std::string_view domain) {
  return first_account(
      c.query(std::string("SELECT ") + kAccountColumns +
                  " FROM accounts WHERE lower(username) = lower(CAST(? AS TEXT)) AND domain = ?",
              {Value(std::string(username)), Value(std::string(domain))}));
}

std::optional<Account> find_account_by_uri(Connection& c, std::string_view uri) {
  return first_account(
      c.query(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE uri = ?",
              {Value(std::string(uri))}));
}

std::vector<Account> find_accounts(Connection& c, const std::vector<Id>& ids) {
  std::vector<Account> out;
  if (ids.empty()) return out;
  std::vector<Value> params(ids.begin(), ids.end());
  auto result = c.query(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id IN (" +
                            placeholders(ids.size()) + ")",
                        params);
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) out.push_back(account_from_row(row));
  return out;
}

namespace {
std::int64_t insert_account_row(Connection& c, const Account& a, const char* conflict) {
  return c
      .query(
          std::string("INSERT INTO accounts (") + kAccountColumns +
              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" +
              conflict,
          {Value(a.id),
           Value(a.username),
           Value(a.domain),
           Value(a.display_name),
           Value(a.note),
           Value(a.note_source),
           Value(a.fields_json),
           Value(a.uri),
           Value(a.url),
           Value(a.inbox_url),
           Value(a.shared_inbox_url),
           Value(a.outbox_url),
           Value(a.followers_url),
           Value(a.following_url),
           Value(a.featured_url),
           Value(a.public_key_pem),
           Value(a.private_key_pem),
           Value(a.avatar_url),
           Value(a.header_url),
           Value(a.actor_type),
           b(a.locked),
           b(a.bot),
           b(a.discoverable),
           b(a.indexable),
           b(a.suspended),
           b(a.silenced),
           opt(a.moved_to_account_id),
           Value(a.statuses_count),
           Value(a.followers_count),
           Value(a.following_count),
           opt(a.last_status_at),
           Value(a.created_at),
           Value(a.updated_at),
           Value(a.avatar_file),
           Value(a.header_file),
           b(a.hide_collections)})
      .affected;
}
}  // namespace

void insert_account(Connection& c, const Account& a) {
  insert_account_row(c, a, "");
}

bool insert_account_if_new(Connection& c, const Account& a) {
  return insert_account_row(c, a, " ON CONFLICT DO NOTHING") > 0;
}

void update_account_profile(Connection& c, const Account& a) {
  Changes::note_account_row(a.id);  // the actor cache (invalidation.hpp)
  c.query(
      "UPDATE accounts SET display_name = ?, note = ?, note_source = ?, fields_json = ?, locked = "
      "?, "
      "bot = ?, discoverable = ?, indexable = ?, avatar_url = ?, header_url = ?, updated_at = ?, "
      "hide_collections = ? WHERE id = ?",
      {Value(a.display_name), Value(a.note), Value(a.note_source), Value(a.fields_json),
       b(a.locked), b(a.bot), b(a.discoverable), b(a.indexable), Value(a.avatar_url),
       Value(a.header_url), Value(a.updated_at), b(a.hide_collections), Value(a.id)});
}

void adjust_account_counts(Connection& c, Id account_id, std::int64_t statuses,
                           std::int64_t followers, std::int64_t following) {
  Changes::note(tags::account(account_id));  // its counts (invalidation.hpp)
  query_later(
      c,
      "UPDATE accounts SET statuses_count = CASE WHEN statuses_count + ? < 0 THEN 0 ELSE "
      "statuses_count + ? END, followers_count = CASE WHEN followers_count + ? < 0 THEN 0 ELSE "
      "followers_count + ? END, following_count = CASE WHEN following_count + ? < 0 THEN 0 ELSE "
      "following_count + ? END WHERE id = ?",
      {Value(statuses), Value(statuses), Value(followers), Value(followers), Value(following),
       Value(following), Value(account_id)});
}

void touch_last_status_at(Connection& c, Id account_id, std::int64_t at) {
  Changes::note(tags::account(account_id));
  query_later(c, "UPDATE accounts SET last_status_at = ? WHERE id = ?",
              {Value(at), Value(account_id)});
}

void count_new_status(Connection& c, Id account_id, std::int64_t at) {
  Changes::note(tags::account(account_id));  // its counts (invalidation.hpp)
  // Queued (store/pipeline.hpp): the author's row stays locked until the commit, but for no
  // round trip, so that concurrent statuses of one author (an inbox) do not wait on each other.
  query_later(c,
              "UPDATE accounts SET statuses_count = CASE WHEN statuses_count < 0 THEN 1 ELSE "
              "statuses_count + 1 END, last_status_at = ? WHERE id = ?",
              {Value(at), Value(account_id)});
}

std::vector<Account> search_accounts(Connection& c, std::string_view query, int limit, int offset) {
  std::string pattern = "%" + std::string(query) + "%";
  for (auto& ch : pattern) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto result = c.query(
      std::string("SELECT ") + kAccountColumns +
          " FROM accounts WHERE suspended = 0 AND (lower(username) LIKE ? OR "
          "lower(display_name) LIKE ?) ORDER BY (domain = '') DESC, "
          "followers_count DESC, id LIMIT ? OFFSET ?",
      {Value(pattern), Value(pattern), Value(std::int64_t{limit}), Value(std::int64_t{offset})});
  std::vector<Account> out;
  for (const Row& row : result.rows) out.push_back(account_from_row(row));
  return out;
}

PageAccounts find_page_accounts(Connection& c, const std::vector<Id>& ids) {
  PageAccounts out;
  if (ids.empty()) return out;
  std::vector<Value> params(ids.begin(), ids.end());
  auto result =
      c.query(std::string("SELECT ") + kAccountColumns +
                  ", sensitized FROM accounts WHERE id IN (" + placeholders(ids.size()) + ")",
              params);
  out.accounts.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    out.accounts.push_back(account_from_row(row));
    if (row.b(kAccountColumnCount)) out.sensitized.insert(out.accounts.back().id);
  }
  return out;
}

std::optional<TokenHolder> find_token_holder(Connection& c, std::string_view token) {
  static const std::string sql =
      "SELECT t.id, t.token, t.application_id, t.user_id, t.scopes, t.created_at, t.revoked_at, " +
      qualified(kUserColumns, "u") + ", " + qualified(kAccountColumns, "a") +
      " FROM oauth_access_tokens t LEFT JOIN users u ON u.id = t.user_id"
      " LEFT JOIN accounts a ON a.id = u.account_id WHERE t.token = ? AND t.revoked_at IS NULL";
  auto result = c.query(sql, {Value(std::string(token))});
  if (result.empty()) return std::nullopt;
  const Row& r = result.front();
  TokenHolder holder;
  holder.token = AccessToken{r.i(0), r.s(1), r.i(2), r.oi(3), r.s(4), r.i(5), r.oi(6)};
  constexpr int kUser = 7, kAccount = kUser + kUserColumnCount;
  if (!r.is_null(kUser)) holder.user = user_from_row(r, kUser);
  if (!r.is_null(kAccount)) holder.account = account_from_row(r, kAccount);
  return holder;
}

std::optional<User> find_user(Connection& c, Id user_id) {
  return first_user(c.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?",
                            {Value(user_id)}));
}

std::optional<User> find_user_by_account(Connection& c, Id account_id) {
  return first_user(
      c.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE account_id = ?",
              {Value(account_id)}));
}

Statement poster_statement(Id account_id) {
  static const std::string sql = "SELECT " + qualified(kAccountColumns, "a") + ", " +
                                 qualified(kUserColumns, "u") +
                                 ", u.default_quote_policy FROM accounts a LEFT JOIN users u ON "
                                 "u.account_id = a.id WHERE a.id = ?";
  return Statement{sql, {Value(account_id)}};
}

std::optional<Poster> poster_in(const Result& result) {
  if (result.empty()) return std::nullopt;
  const Row& r = result.front();
  constexpr int kUser = kAccountColumnCount, kPolicy = kUser + kUserColumnCount;
  Poster poster{account_from_row(r, 0), std::nullopt, "public"};
  if (!r.is_null(kUser)) {
    poster.user = user_from_row(r, kUser);
    poster.default_quote_policy = r.s(kPolicy);
  }
  return poster;
}

std::optional<Poster> find_poster(Connection& c, Id account_id) {
  Statement statement = poster_statement(account_id);
  return poster_in(c.query(statement.sql, statement.params));
}

std::optional<User> find_user_by_email(Connection& c, std::string_view email) {
  return first_user(c.query(std::string("SELECT ") + kUserColumns +
                                " FROM users WHERE lower(email) = lower(CAST(? AS TEXT))",
                            {Value(std::string(email))}));
}

void insert_user(Connection& c, const User& u) {
  c.query(
      std::string("INSERT INTO users (") + kUserColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {Value(u.id), Value(u.account_id), Value(u.email), Value(u.password_hash), Value(u.role),
       b(u.confirmed), b(u.approved), b(u.disabled), Value(u.locale), Value(u.registration_reason),
       Value(u.default_privacy), b(u.default_sensitive), opt(u.default_language),
       Value(u.created_at)});
}

void update_user_password(Connection& c, Id user_id, const std::string& password_hash) {
  c.query("UPDATE users SET password_hash = ? WHERE id = ?",
          {Value(password_hash), Value(user_id)});
}

void update_user_preferences(Connection& c, Id account_id,
                             const std::optional<std::string>& privacy,
                             std::optional<bool> sensitive,
                             const std::optional<std::string>& language) {
  c.query(
      "UPDATE users SET default_privacy = COALESCE(?, default_privacy), default_sensitive = "
      "COALESCE(?, default_sensitive), default_language = COALESCE(?, default_language) WHERE "
      "account_id = ?",
      {opt(privacy), sensitive ? b(*sensitive) : null_value(), opt(language), Value(account_id)});
}

std::int64_t count_local_users(Connection& c) {
  return c.query("SELECT COUNT(*) FROM users WHERE approved = 1 AND disabled = 0").front().i(0);
}

std::int64_t count_local_statuses(Connection& c) {
  return c.query("SELECT COALESCE(SUM(statuses_count), 0) FROM accounts WHERE domain = ''")
      .front()
      .i(0);
}

std::int64_t count_known_domains(Connection& c) {
  return c.query("SELECT COUNT(DISTINCT domain) FROM accounts WHERE domain <> ''").front().i(0);
}

std::optional<std::string> get_setting(Connection& c, std::string_view name) {
  auto result = c.query("SELECT value FROM settings WHERE name = ?", {Value(std::string(name))});
  if (result.empty()) return std::nullopt;
  return result.front().s(0);
}

void put_setting(Connection& c, std::string_view name, std::string_view value) {
  c.query(
      "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = "
      "excluded.value",
      {Value(std::string(name)), Value(std::string(value))});
}

std::vector<Rule> list_rules(Connection& c) {
  std::vector<Rule> out;
  for (const Row& r :
       c.query("SELECT id, position, text, hint FROM instance_rules ORDER BY position, id").rows)
    out.push_back(Rule{r.i(0), static_cast<int>(r.i(1)), r.s(2), r.s(3)});
  return out;
}

void insert_rule(Connection& c, const Rule& rule) {
  c.query("INSERT INTO instance_rules (id, position, text, hint, created_at) VALUES (?,?,?,?,?)",
          {Value(rule.id), Value(std::int64_t{rule.position}), Value(rule.text), Value(rule.hint),
           Value(std::int64_t{0})});
}

}  // namespace herd::store
