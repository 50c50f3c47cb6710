// Server-rendered HTML pages: one layout (inline CSS, no JavaScript), HTML escaping, browser
// sessions over cookies and CSRF-protected forms. Used by the pages in web/ and by the OAuth
// authorization pages in api/oauth/.
//
// Every page answers text/html with security headers: a Content-Security-Policy that allows no
// scripts (default-src 'none'; inline styles; images from this site, data: and https:; audio and
// video from this site and https:; forms only to this site plus the origins a page names),
// X-Frame-Options DENY, nosniff, a same-origin referrer policy, and Cache-Control no-store unless
// the page says it may be cached.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "service/sessions.hpp"
#include "store/models.hpp"

namespace herd::web {

// ---- HTML ---------------------------------------------------------------------------------------

// Escapes text for HTML element content and quoted attribute values.
std::string h(std::string_view text);
// A URL that came from elsewhere (a remote actor's or post's page, media) for an href or src:
// escaped when it is an http(s) URL or a path on this site, "#" otherwise (never javascript:).
std::string url_attr(std::string_view url);

struct Page {
  std::string title;  // shown as "<title> - <instance title>"; empty: the instance title alone
  std::string body;   // HTML inside <main>
  int status = 200;
  bool cacheable = false;                 // public pages without session state
  std::vector<std::string> form_targets;  // extra CSP form-action sources ("https://app.example")
  std::string feed_url;                   // an RSS feed of the page (<link rel="alternate">)
  std::string oembed_url;                 // its oEmbed document (<link rel="alternate">)
  bool embed = false;  // framed by other sites: no site header/footer, any frame-ancestors
};
http::Response render(const App& app, const Page& page);
// A small page with a heading and a paragraph of text (both escaped).
http::Response message_page(const App& app, int status, std::string_view title,
                            std::string_view message);

// <input type="hidden" name=... value=...>, escaped.
std::string hidden(std::string_view name, std::string_view value);
// The CSRF form field every form carries.
inline constexpr std::string_view kCsrfField = "authenticity_token";
std::string csrf_field(const store::WebSession& session);

// The CSP form-action source for a redirect URI: "https://host[:port]" for http(s) URIs, "scheme:"
// for custom schemes, nullopt when it cannot be expressed safely (or for the out-of-band URN).
std::optional<std::string> form_action_source(std::string_view redirect_uri);

// A request parameter as text; "" when absent or not a single value (never throws).
std::string form_value(const http::Request& request, std::string_view key);
// Wraps a page handler so that an ApiError becomes an HTML page with its status and message.
using PageFunction = http::Response (*)(App&, http::Request&);
http::Handler html_handler(App& app, PageFunction fn);

// ---- sessions -----------------------------------------------------------------------------------

inline constexpr std::string_view kSessionCookie = "_herd_session";

// The value of a request cookie, or "".
std::string cookie(const http::Request& request, std::string_view name);
// The browser's live session (signed in or not), if its cookie names one.
std::optional<service::BrowserSession> current_session(App& app, const http::Request& request);
// The browser's session, or a new anonymous one when it has none (then `created` is true and the
// response must set the cookie with set_session_cookie).
service::BrowserSession form_session(App& app, const http::Request& request, bool& created);
// Set-Cookie for the session: HttpOnly, SameSite=Lax, Path=/, Secure on https instances;
// persistent (30 days) for signed-in sessions.
void set_session_cookie(const App& app, http::Response& response, const store::WebSession& session);
void clear_session_cookie(const App& app, http::Response& response);
// True when the request's authenticity_token parameter matches the session's CSRF token.
bool csrf_valid(const std::optional<service::BrowserSession>& session,
                const http::Request& request);
// A local path that is safe to redirect to after signing in: starts with one '/' (not "//" or
// "/\"), no control characters. Anything else gives "/".
std::string safe_return_to(std::string_view path);

// ---- shared forms -------------------------------------------------------------------------------

// The sign-in form (email or username + password), posting to /auth/sign_in and returning to
// return_to afterwards. error, when non-empty, is shown above the form.
std::string sign_in_form(const store::WebSession& session, std::string_view return_to,
                         std::string_view login, std::string_view error);

// ---- statuses, paging, 404 (web/statuses.cpp) --------------------------------------------------

// One Status entity (api/mastodon/entities.hpp) as an <article>: author, content warning, content,
// media (images with their alt text, video and audio with it as caption), poll options and results,
// the boost line for a reblog, time link and counts. focused: the thread's own status.
std::string status_html(const App& app, const boost::json::object& status, bool focused);
// The statuses an anonymous visitor may see, rendered in the given order.
std::string statuses_html(const App& app, store::Connection& c,
                          const std::vector<store::Status>& statuses, Id focused = 0);
// The max_id query parameter of a paged page (nullopt when absent or not an id).
std::optional<Id> max_id_param(const http::Request& request);
// The link to the next page (path?max_id=<last cursor>) when this one was full, else "".
std::string older_link(std::string_view path, const std::vector<Id>& cursors, int limit,
                       std::string_view label = "Older posts");
// True for API, OAuth and discovery paths and for requests that prefer JSON (Accept names a JSON
// type before text/html): they get JSON errors; browsers get HTML pages.
bool wants_json(const http::Request& request);
// 404: the HTML "Page not found" page for browsers, {"error":"Not found"} when wants_json.
http::Response not_found(const App& app, const http::Request& request);

// The second step of signing in when user_id has two-factor authentication: remembers in the
// session that the password was right and answers the page asking for the code (which then
// signs in and returns to return_to).
http::Response ask_two_factor_code(App& app, const service::BrowserSession& session, Id user_id,
                                   std::string_view return_to);

// Signs user_id in (service::sign_in_session) and records the browser's User-Agent and address
// for the sessions page.
store::WebSession sign_in_browser(App& app, const http::Request& request,
                                  std::string_view previous_token, Id user_id);

// ---- route groups (web/*.cpp) -------------------------------------------------------------------

void add_session_pages(http::Router& router, App& app);           // web/auth_pages.cpp
void add_two_factor_pages(http::Router& router, App& app);        // web/two_factor_pages.cpp
void add_settings_session_pages(http::Router& router, App& app);  // web/session_pages.cpp
void add_export_pages(http::Router& router, App& app);            // web/export_pages.cpp
void add_delete_pages(http::Router& router, App& app);            // web/delete_pages.cpp
void add_import_pages(http::Router& router, App& app);            // web/import_pages.cpp
void add_account_pages(http::Router& router, App& app);           // web/profile.cpp
void add_tag_pages(http::Router& router, App& app);               // web/tags.cpp
void add_embed_routes(http::Router& router, App& app);            // web/embed.cpp

// RSS feeds (web/feeds.cpp): "name.rss" -> "name" (nullopt without the suffix); the feeds of an
// account's public posts and of a hashtag's.
std::optional<std::string> feed_base(std::string_view segment);
http::Response account_feed(App& app, const store::Account& account);
http::Response tag_feed(App& app, const std::string& name);
void add_credential_pages(http::Router& router, App& app);  // web/credential_pages.cpp

// After a successful web sign-in: identifies the browser by a long-lived cookie (set on the
// response when missing) and tells service::note_sign_in (a mail for a browser never seen).
inline constexpr std::string_view kBrowserCookie = "_herd_browser";
void note_browser_sign_in(App& app, const http::Request& request, http::Response& response,
                          Id user_id);

}  // namespace herd::web
