// POST /api/v1/apps (register an OAuth application) and GET /api/v1/apps/verify_credentials.
#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/oauth/oauth_routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/oauth.hpp"
#include "service/web_push.hpp"
#include "store/oauth.hpp"

namespace herd::api {

namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : " ") + value;
  return out;
}

http::Response create_app(App& app, http::Request& request) {
  const auto& params = request.params;
  service::NewApplication input;
  input.name = http::param_string(params, "client_name").value_or("");
  input.redirect_uris = http::param_strings(params, "redirect_uris");
  if (input.redirect_uris.empty())
    input.redirect_uris = http::param_strings(params, "redirect_uri");
  input.scopes = joined(http::param_strings(params, "scopes"));
  input.website = http::param_string(params, "website");
  store::Application created = service::create_application(app, input);
  return http::Response::json(application_json(created, true, service::vapid_public_key(app)));
}

http::Response verify_app_credentials(App& app, http::Request& request) {
  Viewer viewer = require_token(app, request, "");
  auto application = app.db->read_value([&](store::Connection& c) {
    return store::find_application(c, viewer.token->application_id);
  });
  if (!application) fail(ErrorKind::unauthorized, "The access token is invalid");
  return http::Response::json(
      application_json(*application, false, service::vapid_public_key(app)));
}

}  // namespace

void add_app_routes(http::Router& router, App& app) {
  router.post("/api/v1/apps", [&app](http::Request& r) { return create_app(app, r); });
  router.get("/api/v1/apps/verify_credentials",
             [&app](http::Request& r) { return verify_app_credentials(app, r); });
}

}  // namespace herd::api
