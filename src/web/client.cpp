#include "web/client.hpp"

#include <memory>
#include <string>

#include "api/activitypub/activitypub.hpp"
#include "service/web_client.hpp"
#include "web/client_assets.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

using namespace std::string_view_literals;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Routes that exist only for a signed-in person.
bool private_route(std::string_view path) {
  // Account pages the server renders itself (two-factor setup, sessions, exports, imports,
  // deleting the account).
  for (auto prefix :
       {"/settings/two_factor"sv, "/settings/sessions"sv, "/settings/applications"sv,
        "/settings/export"sv, "/settings/archives"sv, "/settings/import"sv, "/settings/delete"sv})
    if (starts_with(path, prefix)) return false;
  for (auto exact : {"/home"sv, "/notifications"sv, "/explore"sv, "/public"sv, "/public/local"sv,
                     "/bookmarks"sv, "/favourites"sv, "/search"sv, "/follow_requests"sv, "/lists"sv,
                     "/conversations"sv, "/settings"sv, "/admin"sv})
    if (path == exact) return true;
  for (auto prefix : {"/lists/"sv, "/settings/"sv, "/admin/"sv})
    if (starts_with(path, prefix)) return true;
  return false;
}

// Routes the client shows, that the server-rendered pages also answer for everybody else.
bool shared_route(std::string_view path) {
  return starts_with(path, "/tags/") || (starts_with(path, "/@") && path.size() > 2);
}

// A token in an Accept-Encoding list (q=0 means refused).
bool accepts(std::string_view header, std::string_view coding) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t semicolon = item.find(';');
    std::string_view name = item.substr(0, semicolon);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != coding) continue;
    if (semicolon == std::string_view::npos) return true;
    std::string_view rest = item.substr(semicolon + 1);
    size_t q = rest.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view value = rest.substr(q + 2);
    return !(starts_with(value, "0") && value.find_first_of("123456789") == std::string_view::npos);
  }
  return false;
}

// The embedded files as shared response bodies, built once.
struct AssetBodies {
  const ClientAsset* asset;
  std::shared_ptr<const std::string> identity, gzip, brotli;
};
const std::vector<AssetBodies>& asset_bodies() {
  static const std::vector<AssetBodies> bodies = [] {
    std::vector<AssetBodies> out;
    for (const ClientAsset& asset : client_assets())
      out.push_back({&asset, std::make_shared<const std::string>(asset.identity),
                     std::make_shared<const std::string>(asset.gzip),
                     std::make_shared<const std::string>(asset.brotli)});
    return out;
  }();
  return bodies;
}

http::Response asset(App& app, const http::Request& request) {
  const std::string& name = request.path_param("file");
  for (const AssetBodies& bodies : asset_bodies()) {
    if (bodies.asset->name != name) continue;
    http::Response response;
    response.content_type = std::string(bodies.asset->content_type);
    std::string_view accepted = request.header("accept-encoding");
    if (accepts(accepted, "br")) {
      response.shared_body = bodies.brotli;
      response.with_header("Content-Encoding", "br");
    } else if (accepts(accepted, "gzip")) {
      response.shared_body = bodies.gzip;
      response.with_header("Content-Encoding", "gzip");
    } else {
      response.shared_body = bodies.identity;
    }
    response.with_header("Cache-Control", "public, max-age=31536000, immutable")
        .with_header("Vary", "Accept-Encoding")
        .with_header("X-Content-Type-Options", "nosniff");
    return response;
  }
  return message_page(app, 404, "Not found", "There is no such file.");
}

// Remote images and media: https, and plain http too when this instance itself runs on http (a
// development or test setup whose peers are on http as well).
std::string remote_sources(const App& app) {
  return starts_with(app.base_url(), "http://") ? "https: http:" : "https:";
}

std::string websocket_origin(const App& app) {
  const std::string& base = app.base_url();
  if (starts_with(base, "https://")) return "wss://" + base.substr(8);
  if (starts_with(base, "http://")) return "ws://" + base.substr(7);
  return base;
}

http::Response shell(App& app, const std::optional<service::BrowserSession>& session) {
  store::Application client = service::web_client_application(app);
  std::string b =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"color-scheme\" content=\"light dark\"><title>" +
      h(app.config.instance_title) + "</title><meta name=\"herd-client-id\" content=\"" +
      h(client.client_id) + "\"><meta name=\"herd-redirect-uri\" content=\"" +
      h(service::web_client_redirect_uri(app)) + "\"><meta name=\"herd-scopes\" content=\"" +
      h(service::kWebClientScopes) + "\">";
  if (session && session->signed_in())
    b += "<meta name=\"herd-account-id\" content=\"" + std::to_string(session->account->id) +
         "\"><meta name=\"herd-csrf\" content=\"" + h(session->session.csrf_token) + "\">";
  if (!client_entry_style().empty())
    b += "<link rel=\"stylesheet\" href=\"/assets/" + h(client_entry_style()) + "\">";
  for (std::string_view chunk : client_entry_preloads())
    b += "<link rel=\"modulepreload\" href=\"/assets/" + h(chunk) + "\">";
  b += "<script type=\"module\" src=\"/assets/" + h(client_entry_script()) +
       "\"></script></head><body><div id=\"app\"><noscript>" + h(app.config.instance_title) +
       " needs JavaScript for this page.</noscript></div></body></html>";
  http::Response response = http::Response::html(std::move(b));
  response
      .with_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; "
                   "img-src 'self' " +
                       remote_sources(app) + " data: blob:; media-src 'self' " +
                       remote_sources(app) + " blob:; connect-src 'self' " + websocket_origin(app) +
                       "; font-src 'self'; manifest-src 'self'; form-action 'self'; "
                       "frame-ancestors 'none'; base-uri 'none'")
      .with_header("Cache-Control", "no-store")
      .with_header("X-Frame-Options", "DENY")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Referrer-Policy", "same-origin");
  return response;
}

std::optional<http::Response> front(App& app, http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::string& path = request.path;
  std::string_view trimmed = path;
  if (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  bool root = trimmed == "/";
  bool is_private = private_route(trimmed);
  if (!root && !is_private && !shared_route(trimmed)) return std::nullopt;
  if (request.header("accept").find("text/html") == std::string_view::npos) return std::nullopt;
  if (api::activitypub::wants_activity_json(request)) return std::nullopt;
  auto session = current_session(app, request);
  if (session && session->signed_in()) {
    if (root) return http::Response::redirect("/home", 302);
    return shell(app, session);
  }
  if (is_private)
    return http::Response::redirect(
        "/auth/sign_in?return_to=" + http::percent_encode(request.target), 302);
  return std::nullopt;
}

}  // namespace

void add_client_routes(http::Router& router, App& app) {
  router.get("/assets/:file", [&app](http::Request& request) { return asset(app, request); });
  router.get("/web/oauth",
             [&app](http::Request& request) { return shell(app, current_session(app, request)); });
  router.set_front([&app](http::Request& request) { return front(app, request); });
}

}  // namespace herd::web
