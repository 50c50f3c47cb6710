#include "store/mail.hpp"

#include "store/accounts.hpp"

namespace herd::store {

namespace {
Value text(std::string_view s) {
  return Value(std::string(s));
}
}  // namespace

void insert_mail_failure(Connection& c, const MailFailure& f) {
  c.query(
      "INSERT INTO mail_failures (id, recipient, subject, error, attempts, queued_at, failed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Value(f.id), text(f.recipient), text(f.subject), text(f.error.substr(0, 1000)),
       Value(std::int64_t{f.attempts}), Value(f.queued_at), Value(f.failed_at)});
}

std::vector<MailFailure> recent_mail_failures(Connection& c, int limit) {
  std::vector<MailFailure> out;
  for (const Row& r :
       c.query("SELECT id, recipient, subject, error, attempts, queued_at, failed_at "
               "FROM mail_failures ORDER BY id DESC LIMIT " +
               std::to_string(limit))
           .rows)
    out.push_back(
        MailFailure{r.i(0), r.s(1), r.s(2), r.s(3), static_cast<int>(r.i(4)), r.i(5), r.i(6)});
  return out;
}

std::vector<QueuedMail> queued_mail(Connection& c, int limit) {
  std::vector<QueuedMail> out;
  for (const Row& r : c.query("SELECT id, payload, attempts, run_at, last_error FROM jobs WHERE "
                              "queue = 'mail' ORDER BY run_at LIMIT " +
                              std::to_string(limit))
                          .rows)
    out.push_back(QueuedMail{r.i(0), r.s(1), static_cast<int>(r.i(2)), r.i(3), r.s(4)});
  return out;
}

void insert_user_token(Connection& c, std::string_view digest, const UserToken& t) {
  c.query(
      "INSERT INTO user_tokens (digest, user_id, kind, email, created_at, expires_at) VALUES (?, "
      "?, ?, ?, ?, ?)",
      {text(digest), Value(t.user_id), text(t.kind), text(t.email), Value(t.created_at),
       Value(t.expires_at)});
}

std::optional<UserToken> take_user_token(Connection& c, std::string_view digest,
                                         std::string_view kind, std::int64_t now) {
  auto result = c.query(
      "DELETE FROM user_tokens WHERE digest = ? AND kind = ? RETURNING user_id, kind, email, "
      "created_at, expires_at",
      {text(digest), text(kind)});
  if (result.empty()) return std::nullopt;
  const Row& r = result.front();
  UserToken token{r.i(0), r.s(1), r.s(2), r.i(3), r.i(4)};
  if (token.expires_at < now) return std::nullopt;
  return token;
}

void delete_user_tokens(Connection& c, Id user_id, std::string_view kind) {
  c.query("DELETE FROM user_tokens WHERE user_id = ? AND kind = ?", {Value(user_id), text(kind)});
}

void confirm_user(Connection& c, Id user_id) {
  c.query("UPDATE users SET confirmed = 1 WHERE id = ?", {Value(user_id)});
}

void update_user_email(Connection& c, Id user_id, std::string_view email) {
  c.query("UPDATE users SET email = ? WHERE id = ?", {text(email), Value(user_id)});
}

std::string user_email_preferences(Connection& c, Id user_id) {
  auto result = c.query("SELECT email_preferences FROM users WHERE id = ?", {Value(user_id)});
  return result.empty() ? std::string() : result.front().s(0);
}

void update_user_email_preferences(Connection& c, Id user_id, std::string_view preferences) {
  c.query("UPDATE users SET email_preferences = ? WHERE id = ?",
          {text(preferences), Value(user_id)});
}

std::vector<User> staff_users(Connection& c) {
  std::vector<User> out;
  for (const Row& r : c.query("SELECT id FROM users WHERE role IN ('moderator', 'admin', 'owner') "
                              "AND disabled = 0 ORDER BY id")
                          .rows)
    if (auto user = find_user(c, r.i(0))) out.push_back(*user);
  return out;
}

bool remember_user_browser(Connection& c, Id user_id, std::string_view browser, std::int64_t now) {
  return c.query(
              "INSERT INTO user_browsers (user_id, browser, created_at) VALUES (?, ?, ?) ON "
              "CONFLICT (user_id, browser) DO NOTHING",
              {Value(user_id), text(browser), Value(now)})
             .affected > 0;
}

std::int64_t count_user_browsers(Connection& c, Id user_id) {
  return c.query("SELECT COUNT(*) FROM user_browsers WHERE user_id = ?", {Value(user_id)})
      .front()
      .i(0);
}

}  // namespace herd::store
