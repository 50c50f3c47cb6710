#include "store/sessions.hpp"

namespace herd::store {

std::vector<SessionInfo> list_user_sessions(Connection& c, Id user_id, std::int64_t created_after) {
  auto result = c.query(
      "SELECT id, token, created_at, user_agent, ip FROM web_sessions WHERE user_id = ? AND "
      "created_at > ? ORDER BY created_at DESC, id DESC",
      {Value(user_id), Value(created_after)});
  std::vector<SessionInfo> out;
  for (const Row& row : result.rows)
    out.push_back({row.i(0), row.s(1), row.i(2), row.s(3), row.s(4)});
  return out;
}

bool delete_user_session(Connection& c, Id user_id, Id session_id) {
  return c.query("DELETE FROM web_sessions WHERE id = ? AND user_id = ?",
                 {Value(session_id), Value(user_id)})
             .affected > 0;
}

void set_session_details(Connection& c, std::string_view token, std::string_view user_agent,
                         std::string_view ip) {
  c.query("UPDATE web_sessions SET user_agent = ?, ip = ? WHERE token = ?",
          {Value(std::string(user_agent.substr(0, 500))), Value(std::string(ip)),
           Value(std::string(token))});
}

std::vector<AuthorizedApp> list_authorized_apps(Connection& c, Id user_id) {
  auto result = c.query(
      "SELECT a.id, a.name, a.website, "
      "(SELECT t2.scopes FROM oauth_access_tokens t2 WHERE t2.application_id = a.id AND "
      "t2.user_id = ? AND t2.revoked_at IS NULL ORDER BY t2.id DESC LIMIT 1), "
      "MIN(t.created_at), COUNT(*) FROM oauth_access_tokens t JOIN oauth_applications a ON "
      "a.id = t.application_id WHERE t.user_id = ? AND t.revoked_at IS NULL "
      "GROUP BY a.id, a.name, a.website ORDER BY lower(a.name), a.id",
      {Value(user_id), Value(user_id)});
  std::vector<AuthorizedApp> out;
  for (const Row& row : result.rows)
    out.push_back({row.i(0), row.s(1), row.os(2), row.s(3), row.i(4), row.i(5)});
  return out;
}

std::int64_t revoke_app_tokens(Connection& c, Id user_id, Id application_id, std::int64_t now) {
  c.query(
      "DELETE FROM web_push_subscriptions WHERE access_token_id IN (SELECT id FROM "
      "oauth_access_tokens WHERE user_id = ? AND application_id = ? AND revoked_at IS NULL)",
      {Value(user_id), Value(application_id)});
  return c
      .query(
          "UPDATE oauth_access_tokens SET revoked_at = ? WHERE user_id = ? AND "
          "application_id = ? AND revoked_at IS NULL",
          {Value(now), Value(user_id), Value(application_id)})
      .affected;
}

}  // namespace herd::store
