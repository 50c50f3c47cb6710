// "Sessions and authorized apps" (/settings/sessions): the signed-in user's browser sessions (where
// and from what they signed in) and the applications holding tokens, each revocable. Mastodon has
// no client API for either (its own pages are server-rendered too).
#include <string>

#include "api/rate_limits.hpp"
#include "core/time.hpp"
#include "service/sessions.hpp"
#include "store/sessions.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr std::string_view kSessionsPath = "/settings/sessions";

std::optional<service::BrowserSession> signed_in(App& app, const http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in()) return std::nullopt;
  return session;
}

http::Response to_sign_in() {
  return http::Response::redirect("/auth/sign_in?return_to=" + http::percent_encode(kSessionsPath),
                                  303);
}

http::Response sessions_page(App& app, const service::BrowserSession& me) {
  std::int64_t now = now_unix_ms();
  std::vector<store::SessionInfo> sessions;
  std::vector<store::AuthorizedApp> apps;
  app.db->read([&](store::Connection& c) {
    sessions = store::list_user_sessions(c, me.user->id, now - service::kSessionLifetimeMs);
    apps = store::list_authorized_apps(c, me.user->id);
  });
  std::string csrf = csrf_field(me.session);
  Page page;
  page.title = "Sessions and authorized apps";
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Sessions</h1><p>Browsers signed in to your account. Signing "
      "one out ends its session at once.</p><ul class=\"sessions\">";
  for (const auto& s : sessions) {
    bool current = s.id == me.session.id;
    b += "<li class=\"session\" data-id=\"" + std::to_string(s.id) + "\"><strong>" +
         h(s.user_agent.empty() ? std::string("Unknown browser") : s.user_agent) +
         "</strong><br><span class=\"muted\">" +
         h(s.ip.empty() ? std::string("unknown address") : s.ip) + ", signed in " +
         h(rfc3339(s.created_at)) + "</span>";
    if (current)
      b += " <em class=\"current\">(this browser)</em>";
    else
      b += "<form class=\"inline\" method=\"post\" action=\"/settings/sessions/" +
           std::to_string(s.id) + "/revoke\">" + csrf +
           "<button type=\"submit\" class=\"secondary\">Sign out</button></form>";
    b += "</li>";
  }
  b += "</ul></section><section class=\"card\"><h1>Authorized apps</h1>";
  if (apps.empty()) b += "<p class=\"muted\">No application has access to your account.</p>";
  b += "<ul class=\"apps\">";
  for (const auto& a : apps) {
    b += "<li class=\"app\" data-id=\"" + std::to_string(a.application_id) + "\"><strong>" +
         h(a.name) + "</strong>";
    if (a.website) b += " (" + h(*a.website) + ")";
    b += "<br><span class=\"muted\">" + h(a.scopes) + ", authorized " +
         h(rfc3339(a.authorized_at)) +
         "</span><form class=\"inline\" method=\"post\" action=\"/settings/applications/" +
         std::to_string(a.application_id) + "/revoke\">" + csrf +
         "<button type=\"submit\" class=\"secondary\">Revoke</button></form></li>";
  }
  b += "</ul></section>";
  return render(app, page);
}

http::Response get_sessions(App& app, http::Request& request) {
  auto me = signed_in(app, request);
  if (!me) return to_sign_in();
  return sessions_page(app, *me);
}

// POST /settings/sessions/:id/revoke and /settings/applications/:id/revoke
template <bool application>
http::Response post_revoke(App& app, http::Request& request) {
  auto me = current_session(app, request);
  if (!csrf_valid(me, request))
    return message_page(app, 422, "Sessions",
                        "Your session expired or the form was submitted twice. Please try again.");
  if (!me->signed_in()) return to_sign_in();
  Id id = 0;
  try {
    id = std::stoll(request.path_param("id"));
  } catch (const std::exception&) {
    return message_page(app, 404, "Not found", "No such session or application.");
  }
  bool done = app.db->write_value([&](store::Connection& c) {
    if (application) return store::revoke_app_tokens(c, me->user->id, id, now_unix_ms()) > 0;
    return store::delete_user_session(c, me->user->id, id);
  });
  if (!done) return message_page(app, 404, "Not found", "No such session or application.");
  return http::Response::redirect(std::string(kSessionsPath), 303);
}

}  // namespace

store::WebSession sign_in_browser(App& app, const http::Request& request,
                                  std::string_view previous_token, Id user_id) {
  store::WebSession session = service::sign_in_session(app, previous_token, user_id);
  app.db->write([&](store::Connection& c) {
    store::set_session_details(c, session.token, request.header("user-agent"),
                               api::client_ip(app.config, request));
  });
  return session;
}

void add_settings_session_pages(http::Router& router, App& app) {
  router.get(std::string(kSessionsPath), html_handler(app, get_sessions));
  router.post("/settings/sessions/:id/revoke", html_handler(app, post_revoke<false>));
  router.post("/settings/applications/:id/revoke", html_handler(app, post_revoke<true>));
}

}  // namespace herd::web
