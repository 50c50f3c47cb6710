#include "store/oauth.hpp"

namespace herd::store {

namespace {
constexpr const char* kAppColumns =
    "id, name, website, redirect_uris, scopes, client_id, client_secret, created_at";
Application app_from_row(const Row& r) {
  return Application{r.i(0), r.s(1), r.os(2), r.s(3), r.s(4), r.s(5), r.s(6), r.i(7)};
}
constexpr const char* kTokenColumns =
    "id, token, application_id, user_id, scopes, created_at, revoked_at";
constexpr const char* kGrantColumns =
    "id, code, application_id, user_id, redirect_uri, scopes, code_challenge, "
    "code_challenge_method, expires_at, used";
}  // namespace

void insert_application(Connection& c, const Application& a) {
  c.query(std::string("INSERT INTO oauth_applications (") + kAppColumns + ") VALUES (?,?,?,?,?,?,?,?)",
          {Value(a.id), Value(a.name), opt(a.website), Value(a.redirect_uris), Value(a.scopes),
           Value(a.client_id), Value(a.client_secret), Value(a.created_at)});
}

std::optional<Application> find_application(Connection& c, Id id) {
  auto r = c.query(std::string("SELECT ") + kAppColumns + " FROM oauth_applications WHERE id = ?",
                   {Value(id)});
  if (r.empty()) return std::nullopt;
  return app_from_row(r.front());
}

std::optional<Application> find_application_by_client_id(Connection& c, std::string_view client_id) {
  auto r = c.query(std::string("SELECT ") + kAppColumns +
                       " FROM oauth_applications WHERE client_id = ?",
                   {Value(std::string(client_id))});
  if (r.empty()) return std::nullopt;
  return app_from_row(r.front());
}

void insert_grant(Connection& c, const AccessGrant& g) {
  c.query(std::string("INSERT INTO oauth_access_grants (") + kGrantColumns +
              ") VALUES (?,?,?,?,?,?,?,?,?,?)",
          {Value(g.id), Value(g.code), Value(g.application_id), Value(g.user_id),
           Value(g.redirect_uri), Value(g.scopes), opt(g.code_challenge),
           opt(g.code_challenge_method), Value(g.expires_at), Value(std::int64_t{g.used ? 1 : 0})});
}

std::optional<AccessGrant> find_grant(Connection& c, std::string_view code) {
  auto r = c.query(std::string("SELECT ") + kGrantColumns + " FROM oauth_access_grants WHERE code = ?",
                   {Value(std::string(code))});
  if (r.empty()) return std::nullopt;
  const Row& row = r.front();
  return AccessGrant{row.i(0), row.s(1), row.i(2), row.i(3), row.s(4), row.s(5),
                     row.os(6), row.os(7), row.i(8), row.b(9)};
}

bool use_grant(Connection& c, Id grant_id) {
  return c.query("UPDATE oauth_access_grants SET used = 1 WHERE id = ? AND used = 0", {Value(grant_id)})
             .affected == 1;
}

void insert_token(Connection& c, const AccessToken& t) {
  c.query(std::string("INSERT INTO oauth_access_tokens (") + kTokenColumns + ") VALUES (?,?,?,?,?,?,?)",
          {Value(t.id), Value(t.token), Value(t.application_id), opt(t.user_id), Value(t.scopes),
           Value(t.created_at), opt(t.revoked_at)});
}

std::optional<AccessToken> find_token(Connection& c, std::string_view token) {
  auto r = c.query(std::string("SELECT ") + kTokenColumns +
                       " FROM oauth_access_tokens WHERE token = ? AND revoked_at IS NULL",
                   {Value(std::string(token))});
  if (r.empty()) return std::nullopt;
  const Row& row = r.front();
  return AccessToken{row.i(0), row.s(1), row.i(2), row.oi(3), row.s(4), row.i(5), row.oi(6)};
}

bool revoke_token(Connection& c, std::string_view token, Id application_id, std::int64_t now) {
  return c.query(
                "UPDATE oauth_access_tokens SET revoked_at = ? WHERE token = ? AND application_id = ? "
                "AND revoked_at IS NULL",
                {Value(now), Value(std::string(token)), Value(application_id)})
             .affected > 0;
}

void insert_session(Connection& c, const WebSession& s) {
  c.query("INSERT INTO web_sessions (id, token, user_id, csrf_token, created_at) VALUES (?,?,?,?,?)",
          {Value(s.id), Value(s.token), opt(s.user_id), Value(s.csrf_token), Value(s.created_at)});
}

std::optional<WebSession> find_session(Connection& c, std::string_view token) {
  auto r = c.query("SELECT id, token, user_id, csrf_token, created_at FROM web_sessions WHERE token = ?",
                   {Value(std::string(token))});
  if (r.empty()) return std::nullopt;
  const Row& row = r.front();
  return WebSession{row.i(0), row.s(1), row.oi(2), row.s(3), row.i(4)};
}

void set_session_user(Connection& c, Id session_id, std::optional<Id> user_id) {
  c.query("UPDATE web_sessions SET user_id = ? WHERE id = ?", {opt(user_id), Value(session_id)});
}

void delete_session(Connection& c, std::string_view token) {
  c.query("DELETE FROM web_sessions WHERE token = ?", {Value(std::string(token))});
}

std::int64_t delete_sessions_before(Connection& c, std::int64_t created_before) {
  return c.query("DELETE FROM web_sessions WHERE created_at < ?", {Value(created_before)}).affected;
}

}  // namespace herd::store
