// GET/POST /oauth/authorize (also with a trailing slash): the server-rendered sign-in and consent
// pages of the authorization-code flow, and /oauth/authorize/native, the out-of-band code page.
//
// GET: without a signed-in browser session (or with force_login) the sign-in form, which returns
// here afterwards; then the consent page. POST (CSRF-checked): Authorize issues a code and
// redirects to redirect_uri?code=...&state=... (out-of-band: to the native page showing it);
// Deny redirects with error=access_denied. An unknown client or unregistered redirect URI gets an
// HTML error page (400), never a redirect. The first-party web client (service/web_client.hpp)
// skips the consent page when the browser is already signed in and the request carries PKCE.
#include "api/oauth/oauth_routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/oauth.hpp"
#include "service/web_client.hpp"
#include "web/web.hpp"

namespace herd::api {

namespace {

using web::h;

service::AuthorizationRequest read_request(const http::Request& request) {
  service::AuthorizationRequest r;
  r.response_type = web::form_value(request, "response_type");
  r.client_id = web::form_value(request, "client_id");
  r.redirect_uri = web::form_value(request, "redirect_uri");
  r.scope = web::form_value(request, "scope");
  if (r.scope.empty()) r.scope = web::form_value(request, "scopes");
  r.state = web::form_value(request, "state");
  r.code_challenge = web::form_value(request, "code_challenge");
  r.code_challenge_method = web::form_value(request, "code_challenge_method");
  return r;
}

// The GET URL of this authorization request (without force_login), to come back to after signing
// in.
std::string authorize_path(const service::AuthorizationRequest& r) {
  std::string query;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "" : "&") + std::string(key) + "=" + http::percent_encode(value);
  };
  add("response_type", r.response_type);
  add("client_id", r.client_id);
  add("redirect_uri", r.redirect_uri);
  add("scope", r.scope);
  add("state", r.state);
  add("code_challenge", r.code_challenge);
  add("code_challenge_method", r.code_challenge_method);
  return "/oauth/authorize?" + query;
}

std::string with_query(const std::string& uri,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char separator = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : params) {
    out += separator + key + "=" + http::percent_encode(value);
    separator = '&';
  }
  return out;
}

http::Response error_page(const App& app, int status, std::string_view description) {
  return web::message_page(app, status, "Authorization failed", description);
}

// Sends an authorization error back to the client (or shows it, for out-of-band clients).
http::Response refuse(const App& app, const service::PreAuthorization& pre,
                      const std::string& error, const std::string& description) {
  if (pre.redirect_uri == service::kOutOfBandUri) return error_page(app, 400, description);
  std::vector<std::pair<std::string, std::string>> params{{"error", error},
                                                          {"error_description", description}};
  if (!pre.state.empty()) params.emplace_back("state", pre.state);
  return http::Response::redirect(with_query(pre.redirect_uri, params), 302);
}

std::string scope_description(std::string_view scope) {
  if (scope == "read") return "Read all your account's data";
  if (scope == "write") return "Modify all your account's data";
  if (scope == "follow") return "Modify account relationships";
  if (scope == "push") return "Receive your push notifications";
  if (scope == "profile") return "Read only your account's profile information";
  size_t colon = scope.rfind(':');
  std::string what(scope.substr(colon + 1));
  for (auto& ch : what)
    if (ch == '_') ch = ' ';
  if (scope.rfind("admin:", 0) == 0)
    return std::string(scope.substr(0, scope.find(':', 6)) == "admin:read" ? "Read" : "Modify") +
           " " + what + " on the server (administration)";
  if (scope.rfind("read:", 0) == 0) return "See your " + what;
  if (scope.rfind("write:", 0) == 0) return "Modify your " + what;
  return std::string(scope);
}

http::Response sign_in_step(App& app, const http::Request& request,
                            const service::PreAuthorization& pre,
                            const service::AuthorizationRequest& r) {
  bool created = false;
  service::BrowserSession session = web::form_session(app, request, created);
  web::Page page;
  page.title = "Sign in";
  page.body = "<section class=\"card\"><h1>Sign in</h1><p><strong>" + h(pre.application.name) +
              "</strong> would like to access your account on " + h(app.config.instance_title) +
              ". Sign in to continue.</p>" +
              web::sign_in_form(session.session, authorize_path(r), "", "") + "</section>";
  http::Response response = web::render(app, page);
  if (created) web::set_session_cookie(app, response, session.session);
  return response;
}

http::Response consent_step(App& app, const service::BrowserSession& session,
                            const service::PreAuthorization& pre) {
  web::Page page;
  page.title = "Authorize " + pre.application.name;
  if (auto source = web::form_action_source(pre.redirect_uri)) page.form_targets.push_back(*source);
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Authorization required</h1><p><strong>" +
      h(pre.application.name) + "</strong> would like to access your account</p>";
  b += "<p class=\"muted\">Signed in as <strong>@" + h(session.account->username) + "@" +
       h(app.domain()) + "</strong>";
  if (pre.application.website) b += " · App website: " + h(*pre.application.website);
  b += "</p><h2>Permissions requested</h2><ul class=\"scopes\">";
  for (std::string_view rest = pre.scopes; !rest.empty();) {
    size_t space = rest.find(' ');
    std::string_view scope = rest.substr(0, space);
    b += "<li><strong>" + h(scope) + "</strong>: " + h(scope_description(scope)) + "</li>";
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  }
  b += "</ul><form method=\"post\" action=\"/oauth/authorize\">" +
       web::csrf_field(session.session) + web::hidden("response_type", "code") +
       web::hidden("client_id", pre.application.client_id) +
       web::hidden("redirect_uri", pre.redirect_uri) + web::hidden("scope", pre.scopes) +
       web::hidden("state", pre.state);
  if (!pre.code_challenge.empty())
    b += web::hidden("code_challenge", pre.code_challenge) +
         web::hidden("code_challenge_method", pre.code_challenge_method);
  b += "<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"approve\">"
       "Authorize</button><button type=\"submit\" class=\"secondary\" name=\"decision\" "
       "value=\"deny\">Deny</button></div></form>";
  if (pre.redirect_uri == service::kOutOfBandUri)
    b += "<p class=\"muted\">The authorization code will be shown on the next page.</p>";
  else
    b += "<p class=\"muted\">You will be sent back to " + h(pre.redirect_uri) + ".</p>";
  b += "</section>";
  return web::render(app, page);
}

// Checks the request; on failure, the response to send instead.
std::optional<http::Response> check(App& app, const service::AuthorizationRequest& r,
                                    service::PreAuthorization& pre) {
  try {
    pre = service::check_authorization(app, r);
  } catch (const service::OAuthError& error) {
    return error_page(app, 400, error.what());
  }
  if (pre.error) return refuse(app, pre, *pre.error, pre.error_description);
  return std::nullopt;
}

// Issues the code and sends the browser back to the client.
http::Response approved(App& app, const service::PreAuthorization& pre, Id user_id);

http::Response get_authorize(App& app, http::Request& request) {
  service::AuthorizationRequest r = read_request(request);
  service::PreAuthorization pre;
  if (auto failed = check(app, r, pre)) return std::move(*failed);
  bool force_login = http::parse_bool(web::form_value(request, "force_login")).value_or(false);
  auto session = web::current_session(app, request);
  if (!session || !session->signed_in() || force_login) return sign_in_step(app, request, pre, r);
  // The first-party web client asks no second consent of a signed-in browser (PKCE required).
  if (!pre.code_challenge.empty() && service::is_web_client(app, pre.application))
    return approved(app, pre, session->user->id);
  return consent_step(app, *session, pre);
}

http::Response post_authorize(App& app, http::Request& request) {
  auto session = web::current_session(app, request);
  if (!web::csrf_valid(session, request))
    return web::message_page(app, 422, "Authorization failed",
                             "The form expired or did not come from this site. Go back to the "
                             "application and start again.");
  service::AuthorizationRequest r = read_request(request);
  if (!session->signed_in())
    return http::Response::redirect(
        "/auth/sign_in?return_to=" + http::percent_encode(authorize_path(r)), 303);
  service::PreAuthorization pre;
  if (auto failed = check(app, r, pre)) return std::move(*failed);
  if (web::form_value(request, "decision") == "deny")
    return refuse(app, pre, "access_denied",
                  "The resource owner or authorization server denied the request.");
  return approved(app, pre, session->user->id);
}

http::Response approved(App& app, const service::PreAuthorization& pre, Id user_id) {
  std::string code = service::issue_grant(app, pre, user_id);
  if (pre.redirect_uri == service::kOutOfBandUri)
    return http::Response::redirect("/oauth/authorize/native?code=" + http::percent_encode(code),
                                    302);
  std::vector<std::pair<std::string, std::string>> params{{"code", code}};
  if (!pre.state.empty()) params.emplace_back("state", pre.state);
  return http::Response::redirect(with_query(pre.redirect_uri, params), 302);
}

http::Response native_code(App& app, http::Request& request) {
  std::string code = web::form_value(request, "code");
  if (code.empty()) return error_page(app, 400, "No authorization code was given.");
  web::Page page;
  page.title = "Authorization code";
  page.body =
      "<section class=\"card\"><h1>Authorization code</h1><p>Copy this code and paste it "
      "into the application:</p><input type=\"text\" id=\"code\" class=\"code\" readonly "
      "value=\"" +
      h(code) + "\" aria-label=\"Authorization code\"></section>";
  return web::render(app, page);
}

}  // namespace

void add_authorize_routes(http::Router& router, App& app) {
  router.get("/oauth/authorize", web::html_handler(app, get_authorize));
  router.post("/oauth/authorize", web::html_handler(app, post_authorize));
  router.get("/oauth/authorize/native", web::html_handler(app, native_code));
}

}  // namespace herd::api
