// Web Push subscriptions of the current access token: POST/GET/PUT/DELETE
// /api/v1/push/subscription (scope "push").
#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/web_push.hpp"

namespace herd::api {

namespace {

service::WebPushInput read_input(const json::object& params) {
  service::WebPushInput input;
  input.endpoint = http::param_string(params, "subscription.endpoint");
  input.p256dh = http::param_string(params, "subscription.keys.p256dh");
  input.auth = http::param_string(params, "subscription.keys.auth");
  input.policy = http::param_string(params, "data.policy");
  if (!input.policy)
    input.policy = http::param_string(params, "policy");  // Mastodon.py sends it so
  // Alert names contain dots (admin.sign_up): walk the object instead of a dotted path.
  const json::value* data = params.if_contains("data");
  const json::value* alerts =
      data && data->is_object() ? data->as_object().if_contains("alerts") : nullptr;
  if (!alerts || !alerts->is_object()) return input;
  auto read = [&](const std::string& name, const json::value& value) {
    std::optional<bool> on;
    if (value.is_bool())
      on = value.as_bool();
    else if (value.is_int64())
      on = value.as_int64() != 0;
    else if (value.is_string())
      on = http::parse_bool(value.as_string());
    if (!on) fail(ErrorKind::validation, "Validation failed: Alerts " + name + " is invalid");
    input.alerts[name] = *on;
  };
  for (const auto& [key, value] : alerts->as_object()) {
    std::string name(key);
    if (value.is_object()) {  // data[alerts][admin][sign_up] as some encoders send it
      for (const auto& [sub, subvalue] : value.as_object())
        read(name + "." + std::string(sub), subvalue);
      continue;
    }
    read(name, value);
  }
  return input;
}

http::Response render(App& app, const store::WebPushSubscription& s) {
  return http::Response::json(web_push_subscription_json(s, service::vapid_public_key(app)));
}

http::Response create(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "push");
  auto s = service::subscribe(app, *viewer.token, viewer.account_id(), read_input(request.params));
  return render(app, s);
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "push");
  return render(app, service::find_subscription(app, viewer.token->id));
}

http::Response update(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "push");
  return render(app,
                service::update_subscription(app, viewer.token->id, read_input(request.params)));
}

http::Response destroy(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "push");
  service::unsubscribe(app, viewer.token->id);
  return http::Response::json(json::object{});
}

}  // namespace

void add_push_routes(http::Router& router, App& app) {
  router.post("/api/v1/push/subscription", [&app](http::Request& r) { return create(app, r); });
  router.get("/api/v1/push/subscription", [&app](http::Request& r) { return show(app, r); });
  router.put("/api/v1/push/subscription", [&app](http::Request& r) { return update(app, r); });
  router.del("/api/v1/push/subscription", [&app](http::Request& r) { return destroy(app, r); });
}

}  // namespace herd::api
