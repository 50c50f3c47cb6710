// Browser sign-in, sign-out and sign-up pages (/auth/...). Every form is CSRF-protected by the
// session's token; signing in replaces the session (new cookie) so a planted cookie is worthless.
#include "api/rate_limits.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/accounts.hpp"
#include "service/instance_settings.hpp"
#include "service/oauth.hpp"
#include "service/two_factor.hpp"
#include "store/accounts.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr std::string_view kSessionExpired =
    "Your session expired or the form was submitted twice. Please try again.";

http::Response sign_in_page(App& app, const service::BrowserSession& session, bool created,
                            std::string_view return_to, std::string_view login,
                            std::string_view error, int status) {
  Page page;
  page.title = "Sign in";
  page.status = status;
  page.body = "<section class=\"card\"><h1>Sign in to " + h(app.config.instance_title) + "</h1>" +
              sign_in_form(session.session, return_to, login, error);
  if (service::registrations_mode(app) != Registrations::closed)
    page.body += "<p class=\"muted\">No account yet? <a href=\"/auth/sign_up\">Sign up</a></p>";
  page.body += "</section>";
  http::Response response = render(app, page);
  if (created) set_session_cookie(app, response, session.session);
  return response;
}

http::Response get_sign_in(App& app, http::Request& request) {
  std::string return_to = safe_return_to(form_value(request, "return_to"));
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  if (session.signed_in()) return http::Response::redirect(return_to, 303);
  return sign_in_page(app, session, created, return_to, "", "", 200);
}

http::Response post_sign_in(App& app, http::Request& request) {
  std::string return_to = safe_return_to(form_value(request, "return_to"));
  std::string login = form_value(request, "email");
  if (login.empty()) login = form_value(request, "username");
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) {
    bool created = false;
    service::BrowserSession session = form_session(app, request, created);
    return sign_in_page(app, session, created, return_to, login, kSessionExpired, 422);
  }
  service::SignInAttempt attempt = service::check_credentials(
      app, login, form_value(request, "password"), api::client_ip(app.config, request));
  switch (attempt.result) {
    case service::SignInResult::ok: {
      if (service::two_factor_enabled(app, attempt.user->id))
        return ask_two_factor_code(app, *current, attempt.user->id, return_to);
      store::WebSession session =
          sign_in_browser(app, request, current->session.token, attempt.user->id);
      http::Response response = http::Response::redirect(return_to, 303);
      set_session_cookie(app, response, session);
      note_browser_sign_in(app, request, response, attempt.user->id);
      return response;
    }
    case service::SignInResult::unconfirmed:
      return sign_in_page(app, *current, false, return_to, login,
                          "You have to confirm your email address before continuing. No link? "
                          "Ask for a new one at /auth/confirmation/new.",
                          422);
    case service::SignInResult::pending_approval:
      return sign_in_page(app, *current, false, return_to, login,
                          "Your account is waiting for approval by a moderator.", 422);
    case service::SignInResult::disabled:
      return sign_in_page(app, *current, false, return_to, login, "Your account is disabled.", 422);
    case service::SignInResult::throttled: {
      http::Response response =
          sign_in_page(app, *current, false, return_to, login,
                       "Too many sign-in attempts. Please try again in " +
                           std::to_string(attempt.throttle.retry_after_seconds) + " seconds.",
                       429);
      api::add_rate_limit_headers(response, attempt.throttle);
      response.headers.emplace_back("Retry-After",
                                    std::to_string(attempt.throttle.retry_after_seconds));
      return response;
    }
    case service::SignInResult::bad_credentials:
      break;
  }
  return sign_in_page(app, *current, false, return_to, login,
                      "Invalid email address, username or password.", 422);
}

http::Response post_sign_out(App& app, http::Request& request) {
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) return message_page(app, 422, "Sign out", kSessionExpired);
  service::end_session(app, current->session.token);
  http::Response response = http::Response::redirect("/", 303);
  clear_session_cookie(app, response);
  return response;
}

// ---- sign up ------------------------------------------------------------------------------------

struct SignUpForm {
  std::string username, email, reason;
  bool agreement = false;
};

http::Response sign_up_page(App& app, const service::BrowserSession& session, bool created,
                            const SignUpForm& form, std::string_view error, int status) {
  auto rules = app.db->read_value([](store::Connection& c) { return store::list_rules(c); });
  bool approval = service::registrations_mode(app) == Registrations::approval;
  Page page;
  page.title = "Sign up";
  page.status = status;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Create an account on " + h(app.config.instance_title) + "</h1>";
  if (approval)
    b += "<p class=\"muted\">Sign-ups on this server are reviewed by a moderator before the "
         "account can be used.</p>";
  b += "<form method=\"post\" action=\"/auth/sign_up\">" + csrf_field(session.session);
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  b += "<label for=\"username\">Username</label><input type=\"text\" id=\"username\" "
       "name=\"username\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" "
       "pattern=\"[A-Za-z0-9_]{1,30}\" maxlength=\"30\" required value=\"" +
       h(form.username) + "\">";
  b += "<p class=\"muted\">Letters, numbers and underscores. Your address will be @" +
       h(form.username.empty() ? "username" : form.username) + "@" + h(app.domain()) + ".</p>";
  b += "<label for=\"email\">Email address</label><input type=\"email\" id=\"email\" "
       "name=\"email\" autocomplete=\"email\" required value=\"" +
       h(form.email) + "\">";
  b += "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" "
       "name=\"password\" autocomplete=\"new-password\" minlength=\"8\" maxlength=\"72\" required>"
       "<label for=\"password_confirmation\">Confirm password</label><input type=\"password\" "
       "id=\"password_confirmation\" name=\"password_confirmation\" autocomplete=\"new-password\" "
       "required>";
  if (approval)
    b += "<label for=\"reason\">Why do you want to join?</label><textarea id=\"reason\" "
         "name=\"reason\" rows=\"3\" maxlength=\"500\">" +
         h(form.reason) + "</textarea>";
  if (!rules.empty()) {
    b += "<h2 style=\"margin-top:1rem\">Server rules</h2><ol class=\"rules\">";
    for (const auto& rule : rules) b += "<li>" + h(rule.text) + "</li>";
    b += "</ol>";
  }
  b += "<label class=\"check\"><input type=\"checkbox\" name=\"agreement\" value=\"1\" required";
  b += form.agreement ? " checked>" : ">";
  b += "<span>I agree to the server rules, the <a href=\"/terms-of-service\">terms of service</a> "
       "and the <a href=\"/privacy-policy\">privacy policy</a>.</span></label>";
  b += "<div class=\"actions\"><button type=\"submit\">Sign up</button></div></form>"
       "<p class=\"muted\">Already have an account? <a href=\"/auth/sign_in\">Sign in</a></p>"
       "</section>";
  http::Response response = render(app, page);
  if (created) set_session_cookie(app, response, session.session);
  return response;
}

http::Response registrations_closed(App& app) {
  return message_page(app, 403, "Registrations are closed",
                      "This server is not accepting new accounts at the moment.");
}

http::Response get_sign_up(App& app, http::Request& request) {
  if (service::registrations_mode(app) == Registrations::closed) return registrations_closed(app);
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  if (session.signed_in()) return http::Response::redirect("/", 303);
  return sign_up_page(app, session, created, SignUpForm{}, "", 200);
}

std::string without_prefix(std::string message) {
  constexpr std::string_view prefix = "Validation failed: ";
  if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  return message;
}

http::Response post_sign_up(App& app, http::Request& request) {
  Registrations mode = service::registrations_mode(app);
  if (mode == Registrations::closed) return registrations_closed(app);
  SignUpForm form;
  form.username = form_value(request, "username");
  form.email = form_value(request, "email");
  form.reason = form_value(request, "reason");
  form.agreement = http::parse_bool(form_value(request, "agreement")).value_or(false);
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) {
    bool created = false;
    service::BrowserSession session = form_session(app, request, created);
    return sign_up_page(app, session, created, form, kSessionExpired, 422);
  }
  std::string password = form_value(request, "password");
  if (password != form_value(request, "password_confirmation"))
    return sign_up_page(app, *current, false, form, "The passwords do not match.", 422);
  if (!form.agreement)
    return sign_up_page(app, *current, false, form,
                        "You must agree to the server rules and terms to sign up.", 422);
  service::NewAccount input;
  input.username = form.username;
  input.email = form.email;
  input.password = password;
  input.approved = mode == Registrations::open;
  input.reason = form.reason.substr(0, 500);
  input.sign_up = true;
  input.ip = api::client_ip(app.config, request);
  std::pair<store::Account, store::User> created;
  try {
    created = service::create_local_account(app, input);
  } catch (const ApiError& error) {
    return sign_up_page(app, *current, false, form, without_prefix(error.what()), 422);
  }
  if (!created.second.confirmed) {
    return message_page(app, 200, "Check your inbox",
                        "Thank you for signing up, @" + created.first.username +
                            ". We sent a link to " + created.second.email +
                            ": follow it to confirm your address and sign in.");
  }
  if (!created.second.approved) {
    return message_page(app, 200, "Waiting for approval",
                        "Thank you for signing up, @" + created.first.username +
                            ". A moderator will review your account; you can sign in once it "
                            "is approved.");
  }
  store::WebSession session =
      sign_in_browser(app, request, current->session.token, created.second.id);
  http::Response response = http::Response::redirect("/", 303);
  set_session_cookie(app, response, session);
  return response;
}

}  // namespace

void add_session_pages(http::Router& router, App& app) {
  router.get("/auth/sign_in", html_handler(app, get_sign_in));
  router.post("/auth/sign_in", html_handler(app, post_sign_in));
  router.post("/auth/sign_out", html_handler(app, post_sign_out));
  router.del("/auth/sign_out", html_handler(app, post_sign_out));
  router.get("/auth/sign_up", html_handler(app, get_sign_up));
  router.post("/auth/sign_up", html_handler(app, post_sign_up));
}

}  // namespace herd::web
