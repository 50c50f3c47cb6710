// Discovery: instance v1/v2, nodeinfo, host-meta, WebFinger, OAuth server metadata, health,
// rules, custom emojis, preferences, and the documented empty lists for features herd does not
// have yet (trending links...).
#include "api/auth.hpp"
#include "api/mastodon/emojis.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/limits.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "federation/webfinger.hpp"
#include "http/params.hpp"
#include "service/admin_blocks.hpp"
#include "service/instance_settings.hpp"
#include "service/web_push.hpp"
#include "store/accounts.hpp"
#include "store/admin_blocks.hpp"
#include "store/custom_emojis.hpp"
#include "store/quotes.hpp"

namespace herd::api {

namespace {

std::string version_string() {
  return "4.5.0 (compatible; herd " HERD_VERSION ")";
}

std::string streaming_url(const App& app) {
  return (app.config.local_https ? "wss://" : "ws://") +
         (app.config.web_domain.empty() ? app.config.local_domain : app.config.web_domain);
}

json::array supported_mime_types() {
  return json::array{"image/jpeg", "image/png",  "image/gif",       "image/webp", "image/avif",
                     "video/mp4",  "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg",
                     "audio/wav",  "audio/flac", "audio/mp4"};
}

json::object configuration(const App& app) {
  json::object statuses{{"max_characters", limits::max_status_characters},
                        {"max_media_attachments", limits::max_media_attachments},
                        {"characters_reserved_per_url", limits::characters_reserved_per_url}};
  json::object media{{"supported_mime_types", supported_mime_types()},
                     {"description_limit", limits::description_limit},
                     {"image_size_limit", limits::image_size_limit},
                     {"image_matrix_limit", limits::image_matrix_limit},
                     {"video_size_limit", limits::video_size_limit},
                     {"video_frame_rate_limit", 120},
                     {"video_matrix_limit", 8294400}};
  json::object polls{{"max_options", limits::max_poll_options},
                     {"max_characters_per_option", limits::max_poll_option_characters},
                     {"min_expiration", limits::min_poll_expiration},
                     {"max_expiration", limits::max_poll_expiration}};
  json::object accounts{{"max_featured_tags", limits::max_featured_tags},
                        {"max_pinned_statuses", limits::max_pinned_statuses},
                        {"max_profile_fields", limits::max_profile_fields},
                        {"max_display_name_length", 30},
                        {"max_note_length", 500}};
  return json::object{{"statuses", statuses},
                      {"media_attachments", media},
                      {"polls", polls},
                      {"accounts", accounts}};
}

struct Snapshot {
  std::int64_t users = 0, statuses = 0, domains = 0;
  std::int64_t active_month = 0, active_halfyear = 0;  // used the API in 4 / 24 weeks
  std::vector<store::Rule> rules;
  std::optional<store::Account> contact;
  Registrations registrations = Registrations::open;
};

Snapshot snapshot(App& app) {
  Snapshot s;
  // The activity noted in memory and not yet written counts too; a read never waits for the writer.
  std::vector<Id> noted = service::noted_account_activity(app);
  app.db->read([&](store::Connection& c) {
    s.users = store::count_local_users(c);
    constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;
    std::int64_t today = now_unix_ms() / kDay * kDay;
    s.active_month = store::count_active_accounts(c, today - (4 * 7 - 1) * kDay, noted);
    s.active_halfyear = store::count_active_accounts(c, today - (24 * 7 - 1) * kDay, noted);
    s.statuses = store::count_local_statuses(c);
    s.domains = store::count_known_domains(c);
    s.rules = store::list_rules(c);
    if (auto id = store::get_setting(c, "admin_account_id"))
      if (auto parsed = parse_id(*id)) s.contact = store::find_account(c, *parsed);
  });
  s.registrations = service::registrations_mode(app);
  return s;
}

json::array rules_json(const std::vector<store::Rule>& rules) {
  json::array out;
  for (const auto& rule : rules) out.push_back(rule_json(rule));
  return out;
}

http::Response instance_v1(App& app, http::Request&) {
  Snapshot s = snapshot(app);
  const Config& config = app.config;
  json::object o;
  o["uri"] = app.domain();
  o["title"] = config.instance_title;
  o["short_description"] = config.instance_description;
  o["description"] = config.instance_description;
  o["email"] = config.admin_email;
  o["version"] = version_string();
  o["urls"] = json::object{{"streaming_api", streaming_url(app)}};
  o["stats"] = json::object{
      {"user_count", s.users}, {"status_count", s.statuses}, {"domain_count", s.domains}};
  o["thumbnail"] = app.base_url() + "/packs/thumbnail.png";
  o["languages"] = json::array{"en"};
  o["registrations"] = s.registrations != Registrations::closed;
  o["approval_required"] = s.registrations == Registrations::approval;
  o["invites_enabled"] = false;
  json::object conf = configuration(app);
  o["configuration"] = conf;
  o["contact_account"] = s.contact ? json::value(account_json(app, *s.contact)) : nullptr;
  o["rules"] = rules_json(s.rules);
  return http::Response::json(o);
}

http::Response instance_v2(App& app, http::Request&) {
  Snapshot s = snapshot(app);
  const Config& config = app.config;
  json::object o;
  o["domain"] = app.domain();
  o["title"] = config.instance_title;
  o["version"] = version_string();
  o["source_url"] = "https://github.com/herd-social/herd";
  o["description"] = config.instance_description;
  o["usage"] = json::object{{"users", json::object{{"active_month", s.active_month}}}};
  o["thumbnail"] = json::object{{"url", app.base_url() + "/packs/thumbnail.png"},
                                {"blurhash", nullptr},
                                {"versions", json::object{}}};
  o["icon"] = json::array();
  o["languages"] = json::array{"en"};
  json::object conf = configuration(app);
  conf["urls"] = json::object{{"streaming", streaming_url(app)},
                              {"status", nullptr},
                              {"about", app.base_url() + "/about"},
                              {"privacy_policy", app.base_url() + "/privacy-policy"},
                              {"terms_of_service", app.base_url() + "/terms-of-service"}};
  conf["vapid"] = json::object{{"public_key", service::vapid_public_key(app)}};
  conf["translation"] = json::object{{"enabled", false}};
  conf["timelines_access"] = json::object{
      {"live_feeds", json::object{{"local", "public"}, {"remote", "public"}}},
      {"hashtag_feeds", json::object{{"local", "public"}, {"remote", "public"}}},
      {"trending_link_feeds", json::object{{"local", "public"}, {"remote", "public"}}}};
  o["configuration"] = conf;
  o["registrations"] =
      json::object{{"enabled", s.registrations != Registrations::closed},
                   {"approval_required", s.registrations == Registrations::approval},
                   {"message", nullptr},
                   {"url", nullptr}};
  o["api_versions"] = json::object{{"mastodon", 7}};  // Mastodon 4.5 (quote posts)
  o["contact"] =
      json::object{{"email", config.admin_email},
                   {"account", s.contact ? json::value(account_json(app, *s.contact)) : nullptr}};
  o["rules"] = rules_json(s.rules);
  return http::Response::json(o);
}

http::Response nodeinfo_index(App& app, http::Request&) {
  json::object link{{"rel", "http://nodeinfo.diaspora.software/ns/schema/2.0"},
                    {"href", app.base_url() + "/nodeinfo/2.0"}};
  return http::Response::json(json::object{{"links", json::array{link}}});
}

http::Response nodeinfo(App& app, http::Request&) {
  Snapshot s = snapshot(app);
  json::object o;
  o["version"] = "2.0";
  o["software"] = json::object{{"name", "herd"}, {"version", HERD_VERSION}};
  o["protocols"] = json::array{"activitypub"};
  o["services"] = json::object{{"outbound", json::array()}, {"inbound", json::array()}};
  o["usage"] = json::object{{"users", json::object{{"total", s.users},
                                                   {"activeMonth", s.active_month},
                                                   {"activeHalfyear", s.active_halfyear}}},
                            {"localPosts", s.statuses}};
  o["openRegistrations"] = s.registrations == Registrations::open;
  o["metadata"] =
      json::object{{"nodeName", app.config.instance_title},
                   {"nodeDescription", app.config.instance_description},
                   {"upstream", json::object{{"name", "mastodon"}, {"version", "4.5.0"}}}};
  http::Response response = http::Response::json(o);
  response.content_type =
      "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"";
  return response;
}

http::Response host_meta(App& app, http::Request&) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
      "  <Link rel=\"lrdd\" template=\"" +
      app.base_url() +
      "/.well-known/webfinger?resource={uri}\"/>\n"
      "</XRD>\n";
  return http::Response::text(body, "application/xrd+xml; charset=utf-8");
}

// The instance actor (/actor) as acct:domain@domain, as Mastodon publishes it.
http::Response instance_actor_webfinger(App& app) {
  std::string actor = app.base_url() + "/actor";
  json::object o;
  o["subject"] = "acct:" + app.domain() + "@" + app.domain();
  o["aliases"] = json::array{actor};
  o["links"] = json::array{
      json::object{{"rel", "http://webfinger.net/rel/profile-page"},
                   {"type", "text/html"},
                   {"href", app.base_url() + "/about/more?instance_actor=true"}},
      json::object{{"rel", "self"}, {"type", "application/activity+json"}, {"href", actor}}};
  http::Response response = http::Response::json(o);
  response.content_type = "application/jrd+json; charset=utf-8";
  return response;
}

http::Response webfinger(App& app, http::Request& request) {
  auto resource = http::param_string(request.params, "resource");
  if (!resource || resource->empty())
    fail(ErrorKind::bad_request, "The resource parameter is required");
  std::string web_host = app.config.web_domain.empty() ? app.domain() : app.config.web_domain;
  auto asked =
      federation::parse_webfinger_resource(*resource, app.base_url(), app.domain(), web_host);
  if (asked.kind == federation::WebfingerResource::Kind::instance_actor)
    return instance_actor_webfinger(app);
  if (asked.kind == federation::WebfingerResource::Kind::unknown) not_found();
  const std::string& username = asked.username;
  std::string host = app.domain();
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, username, ""); });
  if (!account || account->suspended) not_found();
  json::object o;
  o["subject"] = "acct:" + account->username + "@" + host;
  o["aliases"] = json::array{account->uri, account->url};
  o["links"] = json::array{
      json::object{{"rel", "http://webfinger.net/rel/profile-page"},
                   {"type", "text/html"},
                   {"href", account->url}},
      json::object{{"rel", "self"}, {"type", "application/activity+json"}, {"href", account->uri}},
      json::object{{"rel", "http://ostatus.org/schema/1.0/subscribe"},
                   {"template", app.base_url() + "/authorize_interaction?uri={uri}"}}};
  http::Response response = http::Response::json(o);
  response.content_type = "application/jrd+json; charset=utf-8";
  return response;
}

http::Response oauth_metadata(App& app, http::Request&) {
  const std::string& base = app.base_url();
  json::array grants{"authorization_code", "client_credentials"};
  if (app.config.password_grant) grants.push_back("password");
  json::object o{{"issuer", base + "/"},
                 {"service_documentation", "https://docs.joinmastodon.org/"},
                 {"authorization_endpoint", base + "/oauth/authorize"},
                 {"token_endpoint", base + "/oauth/token"},
                 {"revocation_endpoint", base + "/oauth/revoke"},
                 {"userinfo_endpoint", base + "/oauth/userinfo"},
                 {"app_registration_endpoint", base + "/api/v1/apps"},
                 {"scopes_supported", json::array{"read",
                                                  "write",
                                                  "follow",
                                                  "push",
                                                  "profile",
                                                  "read:accounts",
                                                  "read:blocks",
                                                  "read:bookmarks",
                                                  "read:favourites",
                                                  "read:filters",
                                                  "read:follows",
                                                  "read:lists",
                                                  "read:mutes",
                                                  "read:notifications",
                                                  "read:search",
                                                  "read:statuses",
                                                  "write:accounts",
                                                  "write:blocks",
                                                  "write:bookmarks",
                                                  "write:conversations",
                                                  "write:favourites",
                                                  "write:filters",
                                                  "write:follows",
                                                  "write:lists",
                                                  "write:media",
                                                  "write:mutes",
                                                  "write:notifications",
                                                  "write:reports",
                                                  "write:statuses"}},
                 {"response_types_supported", json::array{"code"}},
                 {"response_modes_supported", json::array{"query", "fragment", "form_post"}},
                 {"code_challenge_methods_supported", json::array{"S256"}},
                 {"grant_types_supported", grants},
                 {"token_endpoint_auth_methods_supported",
                  json::array{"client_secret_basic", "client_secret_post"}}};
  return http::Response::json(o);
}

http::Response preferences(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:accounts");
  const store::User& u = *viewer.user;
  json::object o{
      {"posting:default:visibility", u.default_privacy},
      {"posting:default:sensitive", u.default_sensitive},
      {"posting:default:language", u.default_language ? json::value(*u.default_language) : nullptr},
      {"posting:default:quote_policy", app.db->read_value([&](store::Connection& c) {
         return store::default_quote_policy(c, viewer.account_id());
       })},
      {"reading:expand:media", "default"},
      {"reading:expand:spoilers", false}};
  return http::Response::json(o);
}

}  // namespace

void add_instance_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v1/instance", bind(instance_v1));
  router.get("/api/v2/instance", bind(instance_v2));
  router.get("/.well-known/nodeinfo", bind(nodeinfo_index));
  router.get("/nodeinfo/2.0", bind(nodeinfo));
  router.get("/.well-known/host-meta", bind(host_meta));
  router.get("/.well-known/webfinger", bind(webfinger));
  router.get("/.well-known/oauth-authorization-server", bind(oauth_metadata));
  router.get("/health", [](http::Request&) { return http::Response::text("OK", "text/plain"); });
  router.get("/api/v1/instance/rules", [&app](http::Request&) {
    return http::Response::json(rules_json(snapshot(app).rules));
  });
  router.get("/api/v1/custom_emojis", [&app](http::Request&) {
    json::array out;
    for (const auto& emoji :
         app.db->read_value([](store::Connection& c) { return store::custom_emojis_of(c, ""); }))
      out.push_back(custom_emoji_json(app, emoji));
    return http::Response::json(out);
  });
  router.get("/api/v1/preferences", bind(preferences));
}

}  // namespace herd::api
