// Two-factor authentication in the browser: the code step of signing in (/auth/sign_in/two_factor)
// and the settings page that sets it up, shows recovery codes and turns it off
// (/settings/two_factor). Every form carries the session's CSRF token; code attempts are
// throttled like passwords (service/rate_limits.hpp).
#include <string>

#include "api/rate_limits.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/request.hpp"
#include "service/accounts.hpp"
#include "service/rate_limits.hpp"
#include "service/two_factor.hpp"
#include "store/accounts.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr std::string_view kSettingsPath = "/settings/two_factor";
constexpr std::string_view kFormExpired =
    "Your session expired or the form was submitted twice. Please try again.";

std::string code_input(std::string_view label) {
  return "<label for=\"code\">" + h(label) +
         "</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" "
         "autocomplete=\"one-time-code\" autocapitalize=\"none\" spellcheck=\"false\" "
         "maxlength=\"20\" required autofocus>";
}

http::Response challenge_page(App& app, const store::WebSession& session,
                              std::string_view return_to, std::string_view error, int status) {
  Page page;
  page.title = "Two-factor authentication";
  page.status = status;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Two-factor authentication</h1><p>Enter the code from your "
      "authenticator app, or one of your recovery codes.</p>"
      "<form method=\"post\" action=\"/auth/sign_in/two_factor\">" +
      csrf_field(session) + hidden("return_to", safe_return_to(return_to));
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  b += code_input("Two-factor code") +
       "<div class=\"actions\"><button type=\"submit\">Sign in</button></div></form></section>";
  return render(app, page);
}

http::Response throttled(http::Response response, const service::RateOutcome& outcome) {
  api::add_rate_limit_headers(response, outcome);
  response.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after_seconds));
  return response;
}

http::Response post_code(App& app, http::Request& request) {
  std::string return_to = safe_return_to(form_value(request, "return_to"));
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) return message_page(app, 422, "Sign in", kFormExpired);
  std::int64_t now = now_unix_ms();
  auto user_id = service::pending_sign_in(app, current->session.token, now);
  if (!user_id)
    return http::Response::redirect("/auth/sign_in?return_to=" + http::percent_encode(return_to),
                                    303);
  auto user =
      app.db->read_value([&](store::Connection& c) { return store::find_user(c, *user_id); });
  if (!user) return message_page(app, 422, "Sign in", kFormExpired);
  std::string login_key = "account:" + std::to_string(user->account_id);
  if (app.rate_limiter) {
    auto outcome =
        app.rate_limiter->sign_in_attempt(api::client_ip(app.config, request), login_key, now);
    if (!outcome.allowed)
      return throttled(challenge_page(app, current->session, return_to,
                                      "Too many attempts. Please try again in " +
                                          std::to_string(outcome.retry_after_seconds) + " seconds.",
                                      429),
                       outcome);
  }
  bool ok = service::verify_two_factor(app, user->id, form_value(request, "code"), now);
  if (app.rate_limiter) app.rate_limiter->sign_in_result(login_key, ok, now);
  if (!ok) return challenge_page(app, current->session, return_to, "Invalid two-factor code.", 422);
  store::WebSession session = sign_in_browser(app, request, current->session.token, user->id);
  http::Response response = http::Response::redirect(return_to, 303);
  set_session_cookie(app, response, session);
  note_browser_sign_in(app, request, response,
                       user->id);  // "new sign-in" mail, as after a password
  return response;
}

// ---- settings -----------------------------------------------------------------------------------

http::Response codes_page(App& app, const std::vector<std::string>& codes, std::string_view intro) {
  Page page;
  page.title = "Recovery codes";
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Recovery codes</h1><p>" + h(intro) +
      "</p><p>Keep these codes somewhere safe. Each one signs you in once if you lose your "
      "phone. They are shown only now.</p><ul class=\"recovery-codes\">";
  for (const auto& code : codes) b += "<li><code>" + h(code) + "</code></li>";
  b += "</ul><p><a href=\"" + std::string(kSettingsPath) +
       "\">Back to the settings</a></p></section>";
  return render(app, page);
}

http::Response settings_page(App& app, const service::BrowserSession& session,
                             std::string_view notice, std::string_view error, int status) {
  const store::User& user = *session.user;
  Page page;
  page.title = "Two-factor authentication";
  page.status = status;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Two-factor authentication</h1>";
  if (!notice.empty()) b += "<p class=\"notice\" role=\"status\">" + h(notice) + "</p>";
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  std::string csrf = csrf_field(session.session);
  if (service::two_factor_enabled(app, user.id)) {
    b += "<p id=\"two-factor-status\">Two-factor authentication is <strong>on</strong>. Signing in "
         "asks for a code from your authenticator app.</p>"
         "<h2>New recovery codes</h2><form method=\"post\" action=\"/settings/two_factor/"
         "recovery_codes\">" +
         csrf + code_input("Current two-factor code") +
         "<div class=\"actions\"><button type=\"submit\">Generate new recovery codes</button>"
         "</div></form><h2>Turn off</h2><form method=\"post\" action=\"/settings/two_factor/"
         "disable\">" +
         csrf +
         "<label for=\"disable-code\">Current two-factor code</label><input type=\"text\" "
         "id=\"disable-code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
         "maxlength=\"20\" required><div class=\"actions\"><button type=\"submit\" "
         "class=\"secondary\">Turn off two-factor authentication</button></div></form>";
  } else if (auto setup = service::pending_two_factor(app, user)) {
    b += "<p id=\"two-factor-status\">Two-factor authentication is <strong>off</strong>. Add this "
         "account to your authenticator app (FreeOTP, Aegis, Google Authenticator...) with the "
         "secret or the link below, then enter the code it shows.</p>"
         "<p>Secret key: <code id=\"otp-secret\">" +
         h(setup->secret) +
         "</code></p><p>Link: <code id=\"otp-uri\" style=\"word-break:break-all\">" +
         h(setup->uri) +
         "</code></p><form method=\"post\" action=\"/settings/two_factor/confirm\">" + csrf +
         code_input("Code from the app") +
         "<div class=\"actions\"><button type=\"submit\">Enable</button></div></form>";
  } else {
    b += "<p id=\"two-factor-status\">Two-factor authentication is <strong>off</strong>. With it "
         "on, signing in needs a code from an app on your phone as well as your password.</p>"
         "<form method=\"post\" action=\"/settings/two_factor/setup\">" +
         csrf +
         "<label for=\"password\">Current password</label><input type=\"password\" id=\"password\" "
         "name=\"password\" autocomplete=\"current-password\" required>"
         "<div class=\"actions\"><button type=\"submit\">Set up</button></div></form>";
  }
  b += "</section>";
  return render(app, page);
}

// The signed-in session behind a settings request; otherwise the response to send.
std::optional<http::Response> need_session(App& app, const http::Request& request, bool form,
                                           std::optional<service::BrowserSession>& session) {
  session = current_session(app, request);
  if (form && !csrf_valid(session, request))
    return message_page(app, 422, "Two-factor authentication", kFormExpired);
  if (!session || !session->signed_in())
    return http::Response::redirect(
        "/auth/sign_in?return_to=" + http::percent_encode(kSettingsPath), 303);
  return std::nullopt;
}

http::Response get_settings(App& app, http::Request& request) {
  std::optional<service::BrowserSession> session;
  if (auto other = need_session(app, request, false, session)) return std::move(*other);
  return settings_page(app, *session, "", "", 200);
}

http::Response post_setup(App& app, http::Request& request) {
  std::optional<service::BrowserSession> session;
  if (auto other = need_session(app, request, true, session)) return std::move(*other);
  if (!verify_password(form_value(request, "password"), session->user->password_hash))
    return settings_page(app, *session, "", "That is not your current password.", 422);
  service::begin_two_factor(app, *session->user);
  return http::Response::redirect(std::string(kSettingsPath), 303);
}

http::Response post_confirm(App& app, http::Request& request) {
  std::optional<service::BrowserSession> session;
  if (auto other = need_session(app, request, true, session)) return std::move(*other);
  std::vector<std::string> codes;
  try {
    codes = service::enable_two_factor(app, session->user->id, form_value(request, "code"),
                                       now_unix_ms());
  } catch (const ApiError& error) {
    return settings_page(app, *session, "", "That code is not right; try the next one.", 422);
  }
  return codes_page(app, codes, "Two-factor authentication is now on.");
}

http::Response post_disable(App& app, http::Request& request) {
  std::optional<service::BrowserSession> session;
  if (auto other = need_session(app, request, true, session)) return std::move(*other);
  try {
    service::disable_two_factor(app, session->user->id, form_value(request, "code"), now_unix_ms());
  } catch (const ApiError&) {
    return settings_page(app, *session, "", "That code is not right.", 422);
  }
  return settings_page(app, *session, "Two-factor authentication is now off.", "", 200);
}

http::Response post_recovery_codes(App& app, http::Request& request) {
  std::optional<service::BrowserSession> session;
  if (auto other = need_session(app, request, true, session)) return std::move(*other);
  std::vector<std::string> codes;
  try {
    codes = service::regenerate_recovery_codes(app, session->user->id, form_value(request, "code"),
                                               now_unix_ms());
  } catch (const ApiError&) {
    return settings_page(app, *session, "", "That code is not right.", 422);
  }
  return codes_page(app, codes, "Your old recovery codes no longer work.");
}

}  // namespace

http::Response ask_two_factor_code(App& app, const service::BrowserSession& session, Id user_id,
                                   std::string_view return_to) {
  service::set_pending_sign_in(app, session.session.token, user_id, now_unix_ms());
  return challenge_page(app, session.session, return_to, "", 200);
}

void add_two_factor_pages(http::Router& router, App& app) {
  router.post("/auth/sign_in/two_factor", html_handler(app, post_code));
  router.get(std::string(kSettingsPath), html_handler(app, get_settings));
  router.post("/settings/two_factor/setup", html_handler(app, post_setup));
  router.post("/settings/two_factor/confirm", html_handler(app, post_confirm));
  router.post("/settings/two_factor/disable", html_handler(app, post_disable));
  router.post("/settings/two_factor/recovery_codes", html_handler(app, post_recovery_codes));
}

}  // namespace herd::web
