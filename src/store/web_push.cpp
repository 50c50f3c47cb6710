#include "store/web_push.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "s.id, s.access_token_id, s.account_id, s.endpoint, s.key_p256dh, s.key_auth, s.alerts, "
    "s.policy, s.created_at";

WebPushSubscription read_row(const Row& r) {
  WebPushSubscription s;
  s.id = r.i(0);
  s.access_token_id = r.i(1);
  s.account_id = r.i(2);
  s.endpoint = r.s(3);
  s.key_p256dh = r.s(4);
  s.key_auth = r.s(5);
  s.alerts = r.s(6);
  s.policy = r.s(7);
  s.created_at = r.i(8);
  if (r.size() > 9) s.access_token = r.s(9);
  return s;
}

}  // namespace

void replace_web_push_subscription(Connection& c, const WebPushSubscription& s) {
  c.query("DELETE FROM web_push_subscriptions WHERE access_token_id = ?",
          {Value(s.access_token_id)});
  c.query(
      "INSERT INTO web_push_subscriptions (id, access_token_id, account_id, endpoint, key_p256dh, "
      "key_auth, alerts, policy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value(s.id), Value(s.access_token_id), Value(s.account_id), Value(s.endpoint),
       Value(s.key_p256dh), Value(s.key_auth), Value(s.alerts), Value(s.policy),
       Value(s.created_at)});
}

std::optional<WebPushSubscription> find_web_push_subscription_of_token(Connection& c,
                                                                       Id access_token_id) {
  auto result = c.query(std::string("SELECT ") + kColumns +
                            " FROM web_push_subscriptions s WHERE s.access_token_id = ?",
                        {Value(access_token_id)});
  if (result.empty()) return std::nullopt;
  return read_row(result.front());
}

std::optional<WebPushSubscription> find_web_push_subscription(Connection& c, Id id) {
  auto result = c.query(std::string("SELECT ") + kColumns +
                            ", t.token FROM web_push_subscriptions s JOIN oauth_access_tokens t "
                            "ON t.id = s.access_token_id WHERE s.id = ? AND t.revoked_at IS NULL",
                        {Value(id)});
  if (result.empty()) return std::nullopt;
  return read_row(result.front());
}

std::vector<WebPushSubscription> web_push_subscriptions_of_account(Connection& c, Id account_id) {
  std::vector<WebPushSubscription> out;
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns +
                   ", t.token FROM web_push_subscriptions s JOIN oauth_access_tokens t "
                   "ON t.id = s.access_token_id WHERE s.account_id = ? AND t.revoked_at IS NULL "
                   "ORDER BY s.id",
               {Value(account_id)})
           .rows)
    out.push_back(read_row(r));
  return out;
}

void update_web_push_subscription_data(Connection& c, Id id, std::string_view alerts,
                                       std::string_view policy) {
  c.query("UPDATE web_push_subscriptions SET alerts = ?, policy = ? WHERE id = ?",
          {Value(std::string(alerts)), Value(std::string(policy)), Value(id)});
}

bool delete_web_push_subscription(Connection& c, Id id) {
  return c.query("DELETE FROM web_push_subscriptions WHERE id = ?", {Value(id)}).affected > 0;
}

bool delete_web_push_subscription_of_token(Connection& c, Id access_token_id) {
  return c.query("DELETE FROM web_push_subscriptions WHERE access_token_id = ?",
                 {Value(access_token_id)})
             .affected > 0;
}

void delete_web_push_subscription_of_token_value(Connection& c, std::string_view token,
                                                 Id application_id) {
  c.query(
      "DELETE FROM web_push_subscriptions WHERE access_token_id IN (SELECT id FROM "
      "oauth_access_tokens WHERE token = ? AND application_id = ?)",
      {Value(std::string(token)), Value(application_id)});
}

}  // namespace herd::store
