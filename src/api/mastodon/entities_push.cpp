// The WebPushSubscription entity.
#include "api/mastodon/entities.hpp"
#include "store/web_push.hpp"

namespace herd::api {

json::object web_push_subscription_json(const store::WebPushSubscription& s,
                                        std::string_view server_key) {
  json::object alerts;
  try {
    auto stored = json::parse(s.alerts);
    if (stored.is_object())
      for (const auto& [name, value] : stored.as_object())
        alerts[name] = value.is_bool() && value.as_bool();
  } catch (const std::exception&) {
  }
  json::object o;
  o["id"] = std::to_string(s.id);
  o["endpoint"] = s.endpoint;
  o["standard"] = false;
  o["alerts"] = std::move(alerts);
  o["policy"] = s.policy;
  o["server_key"] = server_key;
  return o;
}

}  // namespace herd::api
