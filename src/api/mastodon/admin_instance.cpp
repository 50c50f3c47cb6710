// herd's admin API for what Mastodon only offers in its server-rendered admin pages (herd
// extensions, in README): the rules, announcements (drafts, publishing, edits), the instance's
// documents and the registration mode. Every route needs a token with admin:read or admin:write
// and a user whose role is admin or owner (moderators handle reports and accounts only).
//   GET/POST /api/v1/admin/rules, PUT/DELETE /api/v1/admin/rules/:id
//   GET/POST /api/v1/admin/announcements, PUT/DELETE /api/v1/admin/announcements/:id,
//     POST /api/v1/admin/announcements/:id/publish and /unpublish
//   GET/PUT /api/v1/admin/instance_documents/:name (privacy_policy, terms_of_service,
//     extended_description)
//   GET/PUT /api/v1/admin/site (registrations_mode: open, approval or closed; show_domain_blocks
//     and show_domain_blocks_rationale: disabled, users or all, Mastodon's site settings)
#include "api/admin.hpp"
#include "api/auth.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/announcements.hpp"
#include "service/instance_documents.hpp"
#include "service/instance_settings.hpp"
#include "store/accounts.hpp"
#include "text/format.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

std::string text_param(const http::Request& request, std::string_view key) {
  return http::param_string(request.params, key).value_or("");
}

json::object rule_json(const store::Rule& rule) {
  return json::object{{"id", std::to_string(rule.id)}, {"text", rule.text}, {"hint", rule.hint}};
}

json::value time_or_null(const std::optional<std::int64_t>& at) {
  return at ? json::value(rfc3339(*at)) : json::value(nullptr);
}

// An RFC 3339 time, or nullopt for an absent or empty parameter; 422 for anything else.
std::optional<std::int64_t> time_param(const http::Request& request, std::string_view key) {
  std::string text = text_param(request, key);
  if (text.empty()) return std::nullopt;
  auto at = parse_rfc3339(text);
  if (!at) fail(ErrorKind::validation, "Validation failed: " + std::string(key) + " is not a time");
  return at;
}

service::AnnouncementInput announcement_input(const http::Request& request) {
  return service::AnnouncementInput{text_param(request, "text"), time_param(request, "starts_at"),
                                    time_param(request, "ends_at"),
                                    http::param_bool(request.params, "all_day").value_or(false)};
}

// Mastodon's Announcement with `text` (the source) and `published` as its admin pages show them.
json::object announcement_json(App& app, const store::Announcement& a) {
  return json::object{
      {"id", std::to_string(a.id)},
      {"text", a.text},
      {"content", text::format_status(a.text, app.base_url(), {}).html},
      {"starts_at", time_or_null(a.starts_at)},
      {"ends_at", time_or_null(a.ends_at)},
      {"all_day", a.all_day},
      {"published", a.published},
      {"published_at", a.published ? json::value(rfc3339(a.published_at)) : json::value(nullptr)},
      {"updated_at", rfc3339(a.updated_at)}};
}

service::InstanceDocument document_param(const http::Request& request) {
  auto kind = service::parse_instance_document(request.path_param("name"));
  if (!kind) not_found();
  return *kind;
}

json::object document_json(const std::string& name, const service::DocumentContent& content) {
  return json::object{{"name", name},
                      {"text", content.text},
                      {"content", content.html},
                      {"updated_at", time_or_null(content.updated_at)}};
}

json::object site_json(App& app) {
  return json::object{
      {"registrations_mode",
       std::string(service::registrations_mode_name(service::registrations_mode(app)))},
      {"show_domain_blocks",
       std::string(service::audience_name(service::domain_blocks_audience(app, false)))},
      {"show_domain_blocks_rationale",
       std::string(service::audience_name(service::domain_blocks_audience(app, true)))}};
}

void add_rules(http::Router& router, App& app) {
  router.get("/api/v1/admin/rules", [&app](http::Request& r) {
    require_admin(app, r, "admin:read");
    json::array out;
    for (const auto& rule :
         app.db->read_value([](store::Connection& c) { return store::list_rules(c); }))
      out.push_back(rule_json(rule));
    return http::Response::json(out);
  });
  router.post("/api/v1/admin/rules", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    return http::Response::json(
        rule_json(service::add_rule(app, text_param(r, "text"), text_param(r, "hint"))));
  });
  router.put("/api/v1/admin/rules/:id", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    return http::Response::json(rule_json(
        service::update_rule(app, path_id(r), text_param(r, "text"), text_param(r, "hint"))));
  });
  router.del("/api/v1/admin/rules/:id", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    service::delete_rule(app, path_id(r));
    return http::Response::json(json::object{});
  });
}

void add_announcements(http::Router& router, App& app) {
  router.get("/api/v1/admin/announcements", [&app](http::Request& r) {
    require_admin(app, r, "admin:read");
    json::array out;
    for (const auto& a :
         app.db->read_value([](store::Connection& c) { return store::all_announcements(c); }))
      out.push_back(announcement_json(app, a));
    return http::Response::json(out);
  });
  router.post("/api/v1/admin/announcements", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    bool publish = http::param_bool(r.params, "publish").value_or(true);
    return http::Response::json(
        announcement_json(app, service::create_announcement(app, announcement_input(r), publish)));
  });
  router.put("/api/v1/admin/announcements/:id", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    return http::Response::json(announcement_json(
        app, service::update_announcement(app, path_id(r), announcement_input(r))));
  });
  for (bool publish : {true, false}) {
    router.post(publish ? "/api/v1/admin/announcements/:id/publish"
                        : "/api/v1/admin/announcements/:id/unpublish",
                [&app, publish](http::Request& r) {
                  require_admin(app, r, "admin:write");
                  return http::Response::json(announcement_json(
                      app, service::set_announcement_published(app, path_id(r), publish)));
                });
  }
  router.del("/api/v1/admin/announcements/:id", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    Id id = path_id(r);
    if (!app.db->write_value(
            [&](store::Connection& c) { return store::delete_announcement(c, id); }))
      not_found();
    return http::Response::json(json::object{});
  });
}

}  // namespace

void add_admin_instance_routes(http::Router& router, App& app) {
  add_rules(router, app);
  add_announcements(router, app);
  router.get("/api/v1/admin/instance_documents/:name", [&app](http::Request& r) {
    require_admin(app, r, "admin:read");
    return http::Response::json(
        document_json(r.path_param("name"), service::instance_document(app, document_param(r))));
  });
  router.put("/api/v1/admin/instance_documents/:name", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    auto kind = document_param(r);
    return http::Response::json(document_json(
        r.path_param("name"), service::set_instance_document(app, kind, text_param(r, "text"))));
  });
  router.get("/api/v1/admin/site", [&app](http::Request& r) {
    require_admin(app, r, "admin:read");
    return http::Response::json(site_json(app));
  });
  router.put("/api/v1/admin/site", [&app](http::Request& r) {
    require_admin(app, r, "admin:write");
    if (auto mode = http::param_string(r.params, "registrations_mode"))
      service::set_registrations_mode(app, service::parse_registrations_mode(*mode));
    if (auto who = http::param_string(r.params, "show_domain_blocks"))
      service::set_domain_blocks_audience(app, false, *who);
    if (auto who = http::param_string(r.params, "show_domain_blocks_rationale"))
      service::set_domain_blocks_audience(app, true, *who);
    return http::Response::json(site_json(app));
  });
}

}  // namespace herd::api
