// Web Push (Mastodon's Api::V1::Push::SubscriptionsController, Web::PushSubscription and
// Web::PushNotificationWorker): one subscription per access token; when a notification is created
// for its account, a job (queue "web_push") sends the encrypted payload to the endpoint.
//
// Delivery: RFC 8291 aes128gcm body, VAPID (RFC 8292) Authorization with the instance's key,
// TTL 172800, Urgency normal, through the SSRF-guarded federation client (http endpoints only
// when plain-http federation is allowed). 2xx: done; 404/410: the subscription is deleted; other
// failures: retried with backoff, then dropped.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "app.hpp"
#include "push/web_push.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/web_push.hpp"

namespace herd::service {

// The alert names a subscription may turn on, in Mastodon's order.
const std::vector<std::string>& web_push_alert_types();

// The instance's VAPID key: generated with OpenSSL on first use and kept in the settings table
// (the first stored key stands when processes race).
push::EcKey vapid_key(App& app);
// Its public key as unpadded base64url (configuration.vapid.public_key, vapid_key).
std::string vapid_public_key(App& app);

struct WebPushInput {
  std::optional<std::string> endpoint, p256dh, auth;  // subscription[...]
  std::map<std::string, bool> alerts;                 // data[alerts][...] that were given
  std::optional<std::string> policy;                  // data[policy]
};

// POST /api/v1/push/subscription: replaces the token's subscription. 422 for a missing or
// non-https endpoint (http allowed only with plain-http federation), keys that are not a P-256
// point / a 16-byte secret, an unknown policy.
store::WebPushSubscription subscribe(App& app, const store::AccessToken& token, Id account_id,
                                     const WebPushInput& input);
// The token's subscription; 404 "Record not found" when none.
store::WebPushSubscription find_subscription(App& app, Id access_token_id);
// PUT: changes alerts (the given ones) and policy; 404 when none.
store::WebPushSubscription update_subscription(App& app, Id access_token_id,
                                               const WebPushInput& input);
// DELETE: removes the token's subscription (none is not an error).
void unsubscribe(App& app, Id access_token_id);

// Inside notify()'s transaction: queues one delivery per subscription of the recipient whose
// alert for the type is on and whose policy admits the sender.
void enqueue_web_push(App& app, store::Connection& c, const store::Notification& notification);

// Sends the due deliveries (called by the job runner); returns how many jobs were claimed.
int run_web_push_jobs(App& app, std::int64_t now);

}  // namespace herd::service
