// The OAuth token endpoints: POST /oauth/token (authorization_code with PKCE, client_credentials,
// password) and POST /oauth/revoke. Client authentication in the body (client_id, client_secret)
// or with HTTP Basic. Errors are RFC 6749 JSON: {"error": code, "error_description": text}.
#include "service/oauth.hpp"

#include "api/mastodon/entities.hpp"
#include "api/oauth/oauth_routes.hpp"
#include "api/rate_limits.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"
#include "http/params.hpp"
#include "service/web_client.hpp"

namespace herd::api {

namespace {

// Text of a parameter; "" when absent or not a single value.
std::string text_param(const http::Request& request, std::string_view key) {
  auto it = request.params.find(key);
  if (it == request.params.end()) return "";
  const json::value& value = it->value();
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  return "";
}

struct ClientCredentials {
  std::string id, secret;
};

// HTTP Basic (RFC 6749 2.3.1: both parts form-urlencoded) wins over the body.
ClientCredentials client_credentials(const http::Request& request) {
  std::string_view header = request.header("authorization");
  if (header.size() > 6 && (header.substr(0, 6) == "Basic " || header.substr(0, 6) == "basic ")) {
    try {
      std::string decoded = base64_decode(header.substr(6));
      size_t colon = decoded.find(':');
      if (colon != std::string::npos)
        return {http::percent_decode(decoded.substr(0, colon), true),
                http::percent_decode(decoded.substr(colon + 1), true)};
    } catch (const std::exception&) {
      // Malformed Basic credentials: treated as missing.
    }
    return {};
  }
  return {text_param(request, "client_id"), text_param(request, "client_secret")};
}

http::Response oauth_json(const json::object& body, int status = 200) {
  http::Response response = http::Response::json(body, status);
  response.with_header("Cache-Control", "no-store").with_header("Pragma", "no-cache");
  return response;
}

http::Response oauth_error(const service::OAuthError& error) {
  http::Response response = oauth_json(
      json::object{{"error", error.error()}, {"error_description", error.what()}}, error.status());
  if (error.status() == 401)
    response.with_header("WWW-Authenticate", "Basic realm=\"herd\", error=\"invalid_client\"");
  return response;
}

std::string requested_scope(const http::Request& request) {
  std::string scope = text_param(request, "scope");
  if (scope.empty()) {
    for (const auto& s : http::param_strings(request.params, "scopes")) scope += " " + s;
  }
  return scope;
}

http::Response token(App& app, http::Request& request) {
  try {
    std::string grant_type = text_param(request, "grant_type");
    if (grant_type.empty())
      throw service::OAuthError(400, "invalid_request",
                                "The request is missing a required parameter: grant_type.");
    ClientCredentials credentials = client_credentials(request);
    std::optional<std::string> verifier;
    if (auto it = request.params.find("code_verifier");
        it != request.params.end() && it->value().is_string())
      verifier = std::string(it->value().as_string());
    // The first-party web client is a public client: its PKCE verifier stands for the secret.
    bool public_client = grant_type == "authorization_code" && credentials.secret.empty() &&
                         verifier && !verifier->empty();
    store::Application client =
        public_client ? service::authenticate_web_client(app, credentials.id)
                      : service::authenticate_client(app, credentials.id, credentials.secret);
    store::AccessToken issued;
    if (grant_type == "authorization_code") {
      issued = service::exchange_code(app, client, text_param(request, "code"),
                                      text_param(request, "redirect_uri"), verifier);
    } else if (grant_type == "client_credentials") {
      issued = service::client_credentials_token(app, client, requested_scope(request));
    } else if (grant_type == "password") {
      issued = service::password_token(app, client, text_param(request, "username"),
                                       text_param(request, "password"), requested_scope(request),
                                       client_ip(app.config, request));
    } else {
      throw service::OAuthError(
          400, "unsupported_grant_type",
          "The authorization grant type is not supported by the authorization server.");
    }
    return oauth_json(token_json(issued));
  } catch (const service::OAuthError& error) {
    return oauth_error(error);
  }
}

http::Response revoke(App& app, http::Request& request) {
  try {
    ClientCredentials credentials = client_credentials(request);
    // The web client is public (RFC 7009 2.1): it revokes its own tokens with its id alone.
    store::Application client =
        credentials.secret.empty()
            ? service::authenticate_web_client(app, credentials.id)
            : service::authenticate_client(app, credentials.id, credentials.secret);
    service::revoke_token(app, client, text_param(request, "token"));
    return oauth_json(json::object{});
  } catch (const service::OAuthError& error) {
    return oauth_error(error);
  }
}

}  // namespace

void add_oauth_routes(http::Router& router, App& app) {
  router.post("/oauth/token", [&app](http::Request& r) { return token(app, r); });
  router.post("/oauth/revoke", [&app](http::Request& r) { return revoke(app, r); });
  add_authorize_routes(router, app);
  add_app_routes(router, app);
}

}  // namespace herd::api
