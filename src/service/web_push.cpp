#include "service/web_push.hpp"

#include <boost/json.hpp>
#include <memory>
#include <mutex>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

namespace json = boost::json;

constexpr const char* kQueue = "web_push";
constexpr const char* kPrivateSetting = "vapid_private_key";
constexpr std::int64_t kJobLockMs = 60'000;
constexpr int kMaxAttempts = 5;
constexpr std::int64_t kBackoffMs[] = {10'000, 60'000, 300'000, 1'800'000};

void invalid(const std::string& what) {
  fail(ErrorKind::validation, "Validation failed: " + what);
}

// Decodes base64url (padding optional); nullopt when malformed.
std::optional<std::string> decode(const std::string& text) {
  try {
    return base64_decode(text);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

json::object alerts_of(const std::string& text) {
  json::object out;
  try {
    auto value = json::parse(text);
    if (value.is_object()) out = value.as_object();
  } catch (const std::exception&) {
  }
  return out;
}

std::string merged_alerts(const std::string& existing, const std::map<std::string, bool>& given) {
  json::object current = alerts_of(existing);
  json::object out;
  for (const auto& type : web_push_alert_types()) {
    auto it = given.find(type);
    const json::value* old = current.if_contains(type);
    out[type] = it != given.end() ? it->second : (old && old->is_bool() && old->as_bool());
  }
  return json::serialize(out);
}

void check_policy(const std::optional<std::string>& policy) {
  if (policy && *policy != "all" && *policy != "followed" && *policy != "follower" &&
      *policy != "none")
    invalid("Policy is not included in the list");
}

// The title Mastodon's notification mailer would give (English).
std::string title_of(const std::string& type, const std::string& name, const App& app) {
  if (type == "mention") return name + " mentioned you";
  if (type == "status") return name + " just posted";
  if (type == "reblog") return name + " boosted your post";
  if (type == "follow") return name + " is now following you";
  if (type == "follow_request") return "Pending follower: " + name;
  if (type == "favourite") return name + " favorited your post";
  if (type == "poll") return "A poll by " + name + " has ended";
  if (type == "update") return name + " edited a post";
  if (type == "quote") return name + " quoted your post";
  if (type == "quoted_update") return name + " edited a post you have quoted";
  if (type == "admin.sign_up") return name + " signed up";
  if (type == "admin.report") return "New report for " + app.domain();
  return "New notification";
}

std::string truncated(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

struct Delivery {
  store::WebPushSubscription subscription;
  std::string payload;
};

// What one job sends, or nullopt when the subscription or notification is gone.
std::optional<Delivery> prepare(App& app, store::Connection& c, Id subscription_id,
                                Id notification_id) {
  auto subscription = store::find_web_push_subscription(c, subscription_id);
  if (!subscription) return std::nullopt;
  auto notification = store::find_notification(c, subscription->account_id, notification_id);
  if (!notification) return std::nullopt;
  auto from = store::find_account(c, notification->from_account_id);
  if (!from) return std::nullopt;
  auto user = store::find_user_by_account(c, subscription->account_id);
  std::string name = from->display_name.empty() ? from->username : from->display_name;
  std::string body;
  if (notification->status_id) {
    if (auto status = store::find_status(c, *notification->status_id))
      body =
          status->spoiler_text.empty() ? text::strip_html(status->content) : status->spoiler_text;
  } else {
    body = text::strip_html(from->note);
  }
  json::object payload{{"access_token", subscription->access_token},
                       {"preferred_locale", user ? user->locale : std::string("en")},
                       {"notification_id", notification->id},
                       {"notification_type", notification->type},
                       {"icon", app.avatar_url(*from)},
                       {"title", title_of(notification->type, name, app)},
                       {"body", truncated(body, 140)}};
  // One 4096-byte record holds 3993 bytes of plaintext: a very long remote avatar URL goes first.
  if (json::serialize(payload).size() > 3900) payload["icon"] = app.default_avatar_url();
  return Delivery{std::move(*subscription), json::serialize(payload)};
}

enum class Outcome { sent, gone, failed };

Outcome send(App& app, const Delivery& delivery, std::string& error) {
  static std::mutex mutex;
  static std::map<const App*, std::unique_ptr<federation::HttpClient>> clients;
  federation::HttpClient* client = nullptr;
  {
    std::lock_guard lock(mutex);
    auto& slot = clients[&app];
    if (!slot)
      slot = std::make_unique<federation::HttpClient>(federation::client_options(app.config));
    client = slot.get();
  }
  const auto& s = delivery.subscription;
  auto origin = push::url_origin(s.endpoint);
  auto p256dh = decode(s.key_p256dh);
  auto auth = decode(s.key_auth);
  if (!origin || !p256dh || !auth) {
    error = "unusable subscription";
    return Outcome::gone;
  }
  std::string body = push::encrypt(delivery.payload, *p256dh, *auth);
  std::int64_t expires = now_unix_ms() / 1000 + 12 * 3600;
  federation::HeaderList headers{
      {"Content-Type", "application/octet-stream"},
      {"Content-Encoding", "aes128gcm"},
      {"TTL", "172800"},
      {"Urgency", "normal"},
      {"Authorization", push::vapid_authorization(vapid_key(app), *origin,
                                                  "mailto:" + app.config.admin_email, expires)}};
  try {
    auto response = client->post_unsigned(s.endpoint, body, headers);
    if (response.status == 200 || response.status == 201 || response.status == 202)
      return Outcome::sent;
    if (response.status == 404 || response.status == 410) return Outcome::gone;
    error = "HTTP " + std::to_string(response.status);
  } catch (const federation::FetchError& e) {
    error = e.what();
    if (e.kind() == federation::FetchError::Kind::bad_url ||
        e.kind() == federation::FetchError::Kind::refused)
      return Outcome::gone;  // it will never be reachable from here
  }
  return Outcome::failed;
}

void run_job(App& app, const store::Job& job, std::int64_t now) {
  Id subscription_id = 0, notification_id = 0;
  try {
    auto payload = json::parse(job.payload).as_object();
    subscription_id = parse_id(payload.at("subscription_id").as_string()).value_or(0);
    notification_id = parse_id(payload.at("notification_id").as_string()).value_or(0);
  } catch (const std::exception&) {
  }
  auto delivery = app.db->read_value(
      [&](store::Connection& c) { return prepare(app, c, subscription_id, notification_id); });
  // The queue's bookkeeping changes nothing a cached response shows: unversioned writes.
  if (!delivery) {
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return;
  }
  std::string error;
  Outcome outcome = send(app, *delivery, error);
  app.db->write_unversioned([&](store::Connection& c) {
    if (outcome == Outcome::failed && job.attempts + 1 < kMaxAttempts) {
      store::retry_job(c, job.id, now + kBackoffMs[std::min(job.attempts, 3)], job.attempts + 1,
                       error);
      return;
    }
    if (outcome == Outcome::gone) store::delete_web_push_subscription(c, subscription_id);
    store::delete_job(c, job.id);
  });
  if (outcome != Outcome::sent)
    log::warn("web push to {} (subscription {}): {}", delivery->subscription.endpoint,
              subscription_id, error.empty() ? "gone" : error);
}

}  // namespace

const std::vector<std::string>& web_push_alert_types() {
  static const std::vector<std::string> types = {
      "mention", "status", "reblog",        "follow",       "follow_request", "favourite",
      "poll",    "update", "admin.sign_up", "admin.report", "quote",          "quoted_update"};
  return types;
}

push::EcKey vapid_key(App& app) {
  static std::mutex mutex;
  static std::map<const App*, push::EcKey> keys;
  std::lock_guard lock(mutex);
  auto it = keys.find(&app);
  if (it != keys.end()) return it->second;
  auto load = [&](store::Connection& c) { return store::get_setting(c, kPrivateSetting); };
  auto stored = app.db->read_value(load);
  if (!stored) {
    push::EcKey fresh = push::generate_key();
    app.db->write([&](store::Connection& c) {
      store::insert_setting_if_absent(c, kPrivateSetting, base64url_encode(fresh.private_raw));
    });
    stored = app.db->read_value(load);
  }
  if (!stored) throw std::runtime_error("VAPID key unavailable");
  push::EcKey key = push::key_from_private(base64_decode(*stored));
  keys[&app] = key;
  return key;
}

std::string vapid_public_key(App& app) {
  return base64url_encode(vapid_key(app).public_raw);
}

store::WebPushSubscription subscribe(App& app, const store::AccessToken& token, Id account_id,
                                     const WebPushInput& input) {
  if (!input.endpoint || input.endpoint->empty()) invalid("Endpoint can't be blank");
  if (!input.p256dh || input.p256dh->empty()) invalid("Key p256dh can't be blank");
  if (!input.auth || input.auth->empty()) invalid("Key auth can't be blank");
  auto origin = push::url_origin(*input.endpoint);
  bool http_allowed = federation::client_options(app.config).allow_http;
  if (!origin || (origin->rfind("https://", 0) != 0 && !http_allowed) ||
      input.endpoint->size() > 2048)
    invalid("Endpoint is not a valid URL");
  auto p256dh = decode(*input.p256dh);
  if (!p256dh || !push::valid_public_key(*p256dh)) invalid("Key p256dh is invalid");
  auto auth = decode(*input.auth);
  if (!auth || auth->size() != 16) invalid("Key auth is invalid");
  check_policy(input.policy);
  store::WebPushSubscription s;
  s.id = next_id();
  s.access_token_id = token.id;
  s.account_id = account_id;
  s.endpoint = *input.endpoint;
  s.key_p256dh = *input.p256dh;
  s.key_auth = *input.auth;
  s.alerts = merged_alerts("{}", input.alerts);
  s.policy = input.policy.value_or("all");
  s.created_at = now_unix_ms();
  app.db->write([&](store::Connection& c) { store::replace_web_push_subscription(c, s); });
  return s;
}

store::WebPushSubscription find_subscription(App& app, Id access_token_id) {
  auto found = app.db->read_value([&](store::Connection& c) {
    return store::find_web_push_subscription_of_token(c, access_token_id);
  });
  if (!found) not_found();
  return *found;
}

store::WebPushSubscription update_subscription(App& app, Id access_token_id,
                                               const WebPushInput& input) {
  check_policy(input.policy);
  auto updated =
      app.db->write_value([&](store::Connection& c) -> std::optional<store::WebPushSubscription> {
        auto s = store::find_web_push_subscription_of_token(c, access_token_id);
        if (!s) return std::nullopt;
        s->alerts = merged_alerts(s->alerts, input.alerts);
        if (input.policy) s->policy = *input.policy;
        store::update_web_push_subscription_data(c, s->id, s->alerts, s->policy);
        return s;
      });
  if (!updated) not_found();
  return *updated;
}

void unsubscribe(App& app, Id access_token_id) {
  app.db->write([&](store::Connection& c) {
    store::delete_web_push_subscription_of_token(c, access_token_id);
  });
}

void enqueue_web_push(App&, store::Connection& c, const store::Notification& n) {
  auto subscriptions = store::web_push_subscriptions_of_account(c, n.account_id);
  if (subscriptions.empty()) return;
  std::optional<store::Relationship> relation;
  std::int64_t now = now_unix_ms();
  for (const auto& s : subscriptions) {
    const json::value* alert = alerts_of(s.alerts).if_contains(n.type);
    if (!alert || !alert->is_bool() || !alert->as_bool()) continue;
    if (s.policy == "none") continue;
    if (s.policy == "followed" || s.policy == "follower") {
      if (!relation)
        relation =
            store::load_relationships(c, n.account_id, {n.from_account_id})[n.from_account_id];
      if (s.policy == "followed" && !relation->following) continue;
      if (s.policy == "follower" && !relation->followed_by) continue;
    }
    json::object payload{{"subscription_id", std::to_string(s.id)},
                         {"notification_id", std::to_string(n.id)}};
    store::insert_job(c, next_id(), kQueue, json::serialize(payload), now, now);
  }
}

int run_web_push_jobs(App& app, std::int64_t now) {
  bool due =
      app.db->read_value([&](store::Connection& c) { return store::has_due_jobs(c, kQueue, now); });
  if (!due) return 0;
  std::vector<store::Job> jobs;
  app.db->write_unversioned(
      [&](store::Connection& c) { jobs = store::claim_jobs(c, kQueue, now, kJobLockMs, 16); });
  for (const auto& job : jobs) {
    try {
      run_job(app, job, now);
    } catch (const std::exception& error) {
      log::error("web push job {} failed: {}", job.id, error.what());
      try {
        app.db->write_unversioned([&](store::Connection& c) {
          if (job.attempts + 1 >= kMaxAttempts)
            store::delete_job(c, job.id);
          else
            store::retry_job(c, job.id, now + kBackoffMs[std::min(job.attempts, 3)],
                             job.attempts + 1, error.what());
        });
      } catch (const std::exception&) {
        // the lock expires and the job runs again
      }
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
