// Pages for a user's email address and password (Mastodon's Devise pages):
//   GET  /auth/confirmation?confirmation_token=T   confirms (sign-up or email change), signs in
//   GET  /auth/confirmation/new, POST /auth/confirmation      resend the confirmation link
//   GET  /auth/password/new, POST /auth/password              "Forgot your password?"
//   GET  /auth/password/edit?reset_password_token=T, POST /auth/password/edit   new password
//   GET  /auth/edit, POST /auth/edit/email, POST /auth/edit/password   account settings
//   GET|POST /auth/edit/notifications (not under /settings: the web client has it)
//   GET|POST /unsubscribe?user=&type=&token=                  a notification email's link; the
//                                                             POST is RFC 8058's one-click
// Forms carry the session's CSRF token (except the one-click unsubscribe, authorised by its
// HMAC token). Answers never reveal whether an address has an account.
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "mail/preferences.hpp"
#include "service/credentials.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr std::string_view kExpired =
    "Your session expired or the form was submitted twice. Please try again.";

http::Response card(App& app, const service::BrowserSession& session, bool created,
                    std::string title, std::string body, int status = 200) {
  Page page;
  page.title = title;
  page.status = status;
  page.body = "<section class=\"card\"><h1>" + h(title) + "</h1>" + body + "</section>";
  http::Response response = render(app, page);
  if (created) set_session_cookie(app, response, session.session);
  return response;
}

std::string error_line(std::string_view error) {
  return error.empty() ? "" : "<p class=\"error\" role=\"alert\">" + std::string(h(error)) + "</p>";
}

std::string without_prefix(std::string message) {
  constexpr std::string_view prefix = "Validation failed: ";
  if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  return message;
}

// ---- confirmation -------------------------------------------------------------------------------

http::Response get_confirmation(App& app, http::Request& request) {
  auto user = service::confirm_email(app, form_value(request, "confirmation_token"));
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  if (!user)
    return card(app, session, created, "Confirmation link not valid",
                "<p>This link is unknown, was already used or has expired.</p><p><a "
                "href=\"/auth/confirmation/new\">Send a new confirmation link</a></p>",
                404);
  if (user->disabled || !user->approved)
    return card(app, session, created, "Email address confirmed",
                "<p>Thank you. You can sign in once a moderator has approved your account.</p>");
  store::WebSession signed_in = sign_in_browser(app, request, session.session.token, user->id);
  http::Response response = http::Response::redirect("/", 303);
  set_session_cookie(app, response, signed_in);
  return response;
}

std::string email_form(const store::WebSession& session, std::string_view action,
                       std::string_view button, std::string_view error) {
  return "<form method=\"post\" action=\"" + std::string(action) + "\">" + csrf_field(session) +
         error_line(error) +
         "<label for=\"email\">Email address</label><input type=\"email\" id=\"email\" "
         "name=\"email\" autocomplete=\"email\" required><div class=\"actions\"><button "
         "type=\"submit\">" +
         std::string(button) + "</button></div></form>";
}

http::Response get_new_confirmation(App& app, http::Request& request) {
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  return card(app, session, created, "Resend confirmation link",
              email_form(session.session, "/auth/confirmation", "Resend", ""));
}

http::Response post_confirmation(App& app, http::Request& request) {
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) return message_page(app, 422, "Resend", kExpired);
  service::resend_confirmation_to(app, form_value(request, "email"));
  return card(app, *current, false, "Check your inbox",
              "<p>If this address belongs to an account waiting for confirmation, a new link is "
              "on its way.</p>");
}

// ---- password reset -----------------------------------------------------------------------------

http::Response get_new_password(App& app, http::Request& request) {
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  return card(app, session, created, "Forgot your password?",
              "<p class=\"muted\">Enter your account's email address: we send you a link to "
              "choose a new password.</p>" +
                  email_form(session.session, "/auth/password", "Send reset link", ""));
}

http::Response post_password(App& app, http::Request& request) {
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) return message_page(app, 422, "Password", kExpired);
  service::request_password_reset(app, form_value(request, "email"));
  return card(app, *current, false, "Check your inbox",
              "<p>If this address belongs to an account, a link to reset its password is on its "
              "way. It works once, for 2 hours.</p>");
}

std::string new_password_fields() {
  return "<label for=\"password\">New password</label><input type=\"password\" id=\"password\" "
         "name=\"password\" autocomplete=\"new-password\" minlength=\"8\" maxlength=\"72\" "
         "required><label for=\"password_confirmation\">Confirm new password</label><input "
         "type=\"password\" id=\"password_confirmation\" name=\"password_confirmation\" "
         "autocomplete=\"new-password\" required>";
}

http::Response edit_password_page(App& app, const service::BrowserSession& session, bool created,
                                  std::string_view token, std::string_view error, int status) {
  return card(app, session, created, "Choose a new password",
              "<form method=\"post\" action=\"/auth/password/edit\">" +
                  csrf_field(session.session) + hidden("reset_password_token", token) +
                  error_line(error) + new_password_fields() +
                  "<div class=\"actions\"><button type=\"submit\">Change password</button></div>"
                  "</form>",
              status);
}

http::Response get_edit_password(App& app, http::Request& request) {
  bool created = false;
  service::BrowserSession session = form_session(app, request, created);
  return edit_password_page(app, session, created, form_value(request, "reset_password_token"), "",
                            200);
}

http::Response post_edit_password(App& app, http::Request& request) {
  std::string token = form_value(request, "reset_password_token");
  auto current = current_session(app, request);
  if (!csrf_valid(current, request)) {
    bool created = false;
    service::BrowserSession session = form_session(app, request, created);
    return edit_password_page(app, session, created, token, kExpired, 422);
  }
  std::string password = form_value(request, "password");
  if (password != form_value(request, "password_confirmation"))
    return edit_password_page(app, *current, false, token, "The passwords do not match.", 422);
  std::optional<Id> user;
  try {
    user = service::reset_password(app, token, password);
  } catch (const ApiError& error) {
    return edit_password_page(app, *current, false, token, without_prefix(error.what()), 422);
  }
  if (!user)
    return card(app, *current, false, "Reset link not valid",
                "<p>This link is unknown, was already used or has expired.</p><p><a "
                "href=\"/auth/password/new\">Ask for a new one</a></p>",
                404);
  return card(app, *current, false, "Password changed",
              "<p>Your password was changed. <a href=\"/auth/sign_in\">Sign in</a> with the new "
              "one.</p>");
}

// ---- account settings (signed in) ---------------------------------------------------------------

// The signed-in session, or a redirect to the sign-in page.
std::optional<service::BrowserSession> signed_in(App& app, const http::Request& request,
                                                 http::Response& redirect) {
  auto current = current_session(app, request);
  if (current && current->signed_in()) return current;
  redirect = http::Response::redirect("/auth/sign_in?return_to=" + request.path, 303);
  return std::nullopt;
}

http::Response settings_page(App& app, const service::BrowserSession& session,
                             std::string_view notice, std::string_view error, int status) {
  const store::WebSession& s = session.session;
  std::string b;
  if (!notice.empty()) b += "<p role=\"status\">" + h(notice) + "</p>";
  b += error_line(error);
  b += "<p class=\"muted\">Signed in as @" + h(session.account->username) + " (" +
       h(session.user->email) + ")</p>";
  b += "<h2>Email address</h2><form method=\"post\" action=\"/auth/edit/email\">" + csrf_field(s) +
       "<label for=\"email\">New email address</label><input type=\"email\" id=\"email\" "
       "name=\"email\" autocomplete=\"email\" required><label for=\"email_current_password\">"
       "Current password</label><input type=\"password\" id=\"email_current_password\" "
       "name=\"current_password\" autocomplete=\"current-password\" required><div "
       "class=\"actions\"><button type=\"submit\">Change email address</button></div></form>";
  b += "<h2 style=\"margin-top:1.5rem\">Password</h2><form method=\"post\" "
       "action=\"/auth/edit/password\">" +
       csrf_field(s) +
       "<label for=\"current_password\">Current password</label><input type=\"password\" "
       "id=\"current_password\" name=\"current_password\" autocomplete=\"current-password\" "
       "required>" +
       new_password_fields() +
       "<div class=\"actions\"><button type=\"submit\">Change password</button></div></form>";
  b += "<p style=\"margin-top:1.5rem\"><a href=\"/auth/edit/notifications\">Email "
       "notifications</a> · <a href=\"/settings/export\">Export</a> · <a "
       "href=\"/settings/import\">Import</a> · <a href=\"/settings/delete\">Delete account</a>"
       "</p>";
  return card(app, session, false, "Account settings", b, status);
}

http::Response get_edit(App& app, http::Request& request) {
  http::Response redirect;
  auto session = signed_in(app, request, redirect);
  if (!session) return redirect;
  return settings_page(app, *session, "", "", 200);
}

http::Response post_edit_email(App& app, http::Request& request) {
  http::Response redirect;
  auto session = signed_in(app, request, redirect);
  if (!session) return redirect;
  if (!csrf_valid(session, request)) return settings_page(app, *session, "", kExpired, 422);
  std::string email = form_value(request, "email");
  try {
    service::request_email_change(app, session->user->id, form_value(request, "current_password"),
                                  email);
  } catch (const ApiError& error) {
    return settings_page(app, *session, "", without_prefix(error.what()), 422);
  }
  if (!app.config.mail_enabled()) {
    session = current_session(app, request);
    return settings_page(app, *session, "Your email address was changed.", "", 200);
  }
  return settings_page(
      app, *session,
      "We sent a confirmation link to " + email + ". Your address changes when you follow it.", "",
      200);
}

http::Response post_settings_password(App& app, http::Request& request) {
  http::Response redirect;
  auto session = signed_in(app, request, redirect);
  if (!session) return redirect;
  if (!csrf_valid(session, request)) return settings_page(app, *session, "", kExpired, 422);
  std::string password = form_value(request, "password");
  if (password != form_value(request, "password_confirmation"))
    return settings_page(app, *session, "", "The passwords do not match.", 422);
  try {
    service::change_password(app, session->user->id, form_value(request, "current_password"),
                             password);
  } catch (const ApiError& error) {
    return settings_page(app, *session, "", without_prefix(error.what()), 422);
  }
  return settings_page(app, *session, "Your password was changed.", "", 200);
}

// ---- email preferences and unsubscribing --------------------------------------------------------

http::Response preferences_page(App& app, const service::BrowserSession& session,
                                std::string_view notice) {
  Id user_id = session.user->id;
  bool staff = session.user->role != "user";
  std::string b = notice.empty() ? "" : "<p role=\"status\">" + h(notice) + "</p>";
  b += "<p class=\"muted\">Send me an email when:</p><form method=\"post\" "
       "action=\"/auth/edit/notifications\">" +
       csrf_field(session.session);
  app.db->read([&](store::Connection& c) {
    for (const auto& name : mail::preference_names()) {
      if (!staff && (name == "report" || name == "pending_account")) continue;
      b += "<label class=\"check\"><input type=\"checkbox\" name=\"" + h(name) + "\" value=\"1\"" +
           (mail::wants(c, user_id, name) ? " checked" : "") + "><span>" +
           h(mail::preference_label(name)) + "</span></label>";
    }
  });
  b += "<div class=\"actions\"><button type=\"submit\">Save</button></div></form>";
  return card(app, session, false, "Email notifications", b);
}

http::Response notification_preferences(App& app, http::Request& request) {
  http::Response redirect;
  auto session = signed_in(app, request, redirect);
  if (!session) return redirect;
  if (request.method != "POST") return preferences_page(app, *session, "");
  if (!csrf_valid(session, request)) return message_page(app, 422, "Email notifications", kExpired);
  bool staff = session->user->role != "user";
  app.db->write([&](store::Connection& c) {
    for (const auto& name : mail::preference_names()) {
      if (!staff && (name == "report" || name == "pending_account")) continue;
      mail::set_preference(c, session->user->id, name,
                           http::parse_bool(form_value(request, name)).value_or(false));
    }
  });
  return preferences_page(app, *session, "Saved.");
}

http::Response unsubscribe(App& app, http::Request& request) {
  std::string type = form_value(request, "type");
  std::string token = form_value(request, "token");
  Id user_id = 0;
  try {
    user_id = std::stoll(form_value(request, "user"));
  } catch (const std::exception&) {
  }
  const auto& names = mail::preference_names();
  if (!user_id || std::find(names.begin(), names.end(), type) == names.end() ||
      !mail::unsubscribe_token_valid(app, user_id, type, token))
    return message_page(app, 404, "Unsubscribe", "This unsubscribe link is not valid.");
  std::string label = mail::preference_label(type);
  if (request.method != "POST") {
    Page page;
    page.title = "Unsubscribe";
    page.body = "<section class=\"card\"><h1>Unsubscribe</h1><p>Stop emails for: " + h(label) +
                "?</p><form method=\"post\" action=\"/unsubscribe?user=" + std::to_string(user_id) +
                "&amp;type=" + h(type) + "&amp;token=" + h(token) +
                "\"><div class=\"actions\"><button type=\"submit\">Unsubscribe</button></div>"
                "</form></section>";
    return render(app, page);
  }
  app.db->write([&](store::Connection& c) { mail::set_preference(c, user_id, type, false); });
  return message_page(app, 200, "Unsubscribed",
                      "You will no longer get emails for: " + label +
                          ". Turn them on again in your email notification settings.");
}

}  // namespace

void note_browser_sign_in(App& app, const http::Request& request, http::Response& response,
                          Id user_id) {
  std::string browser = cookie(request, kBrowserCookie);
  if (browser.size() < 16 || browser.size() > 64) {
    browser = random_token(24);
    std::string value =
        std::string(kBrowserCookie) + "=" + browser +
        "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(5LL * 365 * 24 * 3600);
    if (app.config.local_https) value += "; Secure";
    response.with_header("Set-Cookie", value);
  }
  service::note_sign_in(app, user_id, browser, request.header("user-agent"),
                        request.remote_address);
}

void add_credential_pages(http::Router& router, App& app) {
  router.get("/auth/confirmation", html_handler(app, get_confirmation));
  router.get("/auth/confirmation/new", html_handler(app, get_new_confirmation));
  router.post("/auth/confirmation", html_handler(app, post_confirmation));
  router.get("/auth/password/new", html_handler(app, get_new_password));
  router.post("/auth/password", html_handler(app, post_password));
  router.get("/auth/password/edit", html_handler(app, get_edit_password));
  router.post("/auth/password/edit", html_handler(app, post_edit_password));
  router.get("/auth/edit", html_handler(app, get_edit));
  router.post("/auth/edit/email", html_handler(app, post_edit_email));
  router.post("/auth/edit/password", html_handler(app, post_settings_password));
  router.get("/auth/edit/notifications", html_handler(app, notification_preferences));
  router.post("/auth/edit/notifications", html_handler(app, notification_preferences));
  router.get("/unsubscribe", html_handler(app, unsubscribe));
  router.post("/unsubscribe", html_handler(app, unsubscribe));
}

}  // namespace herd::web
