// Web Push subscriptions (Mastodon's Web::PushSubscription): at most one per access token. All
// functions run inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct WebPushSubscription {
  Id id = 0;
  Id access_token_id = 0;
  Id account_id = 0;
  std::string endpoint;
  std::string key_p256dh;      // base64url, as the client sent it
  std::string key_auth;        // base64url, as the client sent it
  std::string alerts;          // JSON object text: {"mention":true,...}
  std::string policy = "all";  // all | followed | follower | none
  std::int64_t created_at = 0;
  std::string access_token;  // the token's value (filled by the reads that join the token)
};

// Stores the subscription, replacing the one of the same access token.
void replace_web_push_subscription(Connection& c, const WebPushSubscription& subscription);
// The subscription of an access token.
std::optional<WebPushSubscription> find_web_push_subscription_of_token(Connection& c,
                                                                       Id access_token_id);
// A subscription by id, with its token's value; nullopt when gone or its token was revoked.
std::optional<WebPushSubscription> find_web_push_subscription(Connection& c, Id id);
// The subscriptions of an account whose tokens are not revoked, with the tokens' values.
std::vector<WebPushSubscription> web_push_subscriptions_of_account(Connection& c, Id account_id);
void update_web_push_subscription_data(Connection& c, Id id, std::string_view alerts,
                                       std::string_view policy);
// Returns whether one was deleted.
bool delete_web_push_subscription(Connection& c, Id id);
bool delete_web_push_subscription_of_token(Connection& c, Id access_token_id);
// Drops the subscription of the token with this value when it belongs to the application (used
// when the token is revoked).
void delete_web_push_subscription_of_token_value(Connection& c, std::string_view token,
                                                 Id application_id);

}  // namespace herd::store
