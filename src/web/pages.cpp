// The instance's public pages: home (/), about, privacy policy, terms of service, and the default
// images the API points at (missing avatar/header, thumbnail, favicon).
#include "api/routes.hpp"
#include "core/ids.hpp"
#include "service/instance_documents.hpp"
#include "service/instance_settings.hpp"
#include "store/accounts.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

// 120x120 and 300x100 solid-colour PNGs: the default avatar and header.
constexpr unsigned char kAvatarPng[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x78, 0x00, 0x00, 0x00, 0x78, 0x08, 0x02, 0x00, 0x00, 0x00, 0xb6, 0x06, 0xa1,
    0x85, 0x00, 0x00, 0x00, 0xb4, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xd0, 0x41, 0x0d, 0x00,
    0x00, 0x08, 0x04, 0xa0, 0xeb, 0x5f, 0xc1, 0x0e, 0xe6, 0x30, 0x96, 0x2d, 0xf4, 0xc3, 0x46, 0x02,
    0x52, 0x3d, 0x1c, 0x88, 0x02, 0xd1, 0xa2, 0x11, 0x2d, 0x5a, 0xb4, 0x05, 0xd1, 0xa2, 0x11, 0x2d,
    0x5a, 0xb4, 0x05, 0xd1, 0xa2, 0x11, 0x2d, 0x5a, 0x34, 0xa2, 0x45, 0x23, 0x5a, 0xb4, 0x68, 0x44,
    0x8b, 0x46, 0xb4, 0x68, 0xd1, 0x88, 0x16, 0x8d, 0x68, 0xd1, 0xa2, 0x11, 0x2d, 0x1a, 0xd1, 0xa2,
    0x45, 0x23, 0x5a, 0x34, 0xa2, 0x45, 0x8b, 0x46, 0xb4, 0x68, 0x44, 0x8b, 0x16, 0x8d, 0x68, 0xd1,
    0x88, 0x16, 0x2d, 0x1a, 0xd1, 0xa2, 0x11, 0x2d, 0x5a, 0x34, 0xa2, 0x45, 0x23, 0x5a, 0xb4, 0x68,
    0x44, 0x8b, 0x46, 0xb4, 0x68, 0xd1, 0x88, 0x16, 0x8d, 0x68, 0xd1, 0xa2, 0x11, 0x2d, 0x1a, 0xd1,
    0xa2, 0x45, 0x23, 0x5a, 0x34, 0xa2, 0x45, 0x8b, 0x46, 0xb4, 0x68, 0x44, 0x8b, 0x16, 0x8d, 0x68,
    0xd1, 0x88, 0x16, 0x2d, 0x1a, 0xd1, 0xa2, 0x11, 0x2d, 0x5a, 0x34, 0xa2, 0x45, 0x23, 0x5a, 0xb4,
    0x68, 0x44, 0x8b, 0x46, 0xb4, 0x68, 0xd1, 0x88, 0x16, 0x8d, 0x68, 0xd1, 0xa2, 0x11, 0x2d, 0x1a,
    0xd1, 0xa2, 0x45, 0x23, 0x5a, 0x34, 0xa2, 0xff, 0x2d, 0xdd, 0x28, 0x43, 0x0d, 0x40, 0x88, 0xb6,
    0x7f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
constexpr unsigned char kHeaderPng[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x00, 0x00, 0x64, 0x08, 0x02, 0x00, 0x00, 0x00, 0xb3, 0x63, 0x9a,
    0x97, 0x00, 0x00, 0x00, 0xe8, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xd3, 0x01, 0x09, 0x00,
    0x00, 0x08, 0x04, 0xb1, 0x8f, 0x6a, 0x00, 0x43, 0x18, 0xdd, 0x18, 0x22, 0x0c, 0x96, 0xe0, 0xe0,
    0x52, 0x3d, 0xc0, 0xa1, 0x48, 0x00, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04, 0x13, 0x02, 0x26, 0x04,
    0x13, 0x02, 0x26, 0x04, 0x13, 0x82, 0x09, 0x55, 0x00, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09,
    0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09,
    0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09,
    0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09,
    0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0x82, 0x09, 0x01, 0x13, 0xc2, 0x67, 0x0b, 0x46, 0xc6, 0x03,
    0x29, 0x12, 0xb2, 0xa9, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82};

template <std::size_t N>
http::Response png(const unsigned char (&bytes)[N]) {
  http::Response response =
      http::Response::text(std::string(reinterpret_cast<const char*>(bytes), N), "image/png");
  response.with_header("Cache-Control", "public, max-age=86400");
  return response;
}

struct InstanceInfo {
  std::int64_t users = 0, statuses = 0;
  std::vector<store::Rule> rules;
  std::optional<store::Account> admin;
};

InstanceInfo instance_info(App& app) {
  InstanceInfo info;
  app.db->read([&](store::Connection& c) {
    info.users = store::count_local_users(c);
    info.statuses = store::count_local_statuses(c);
    info.rules = store::list_rules(c);
    if (auto id = store::get_setting(c, "admin_account_id"))
      if (auto parsed = parse_id(*id)) info.admin = store::find_account(c, *parsed);
  });
  return info;
}

std::string stats_html(const InstanceInfo& info) {
  return "<div class=\"stats\"><div><strong>" + std::to_string(info.users) +
         "</strong><span class=\"muted\">" + (info.users == 1 ? "user" : "users") +
         "</span></div><div><strong>" + std::to_string(info.statuses) +
         "</strong><span class=\"muted\">" + (info.statuses == 1 ? "post" : "posts") +
         "</span></div></div>";
}

std::string rules_html(const std::vector<store::Rule>& rules, bool with_hints) {
  if (rules.empty()) return "";
  std::string out = "<section class=\"card\"><h2>Server rules</h2><ol class=\"rules\">";
  for (const auto& rule : rules) {
    out += "<li>" + h(rule.text);
    if (with_hints && !rule.hint.empty())
      out += "<br><span class=\"muted\">" + h(rule.hint) + "</span>";
    out += "</li>";
  }
  return out + "</ol></section>";
}

std::string admin_html(const App& app, const InstanceInfo& info) {
  std::string out = "<p class=\"muted\">";
  if (info.admin)
    out += "Administered by <a href=\"" + h(info.admin->url) + "\">@" + h(info.admin->username) +
           "</a>. ";
  out += "Contact: <a href=\"mailto:" + h(app.config.admin_email) + "\">" +
         h(app.config.admin_email) + "</a></p>";
  return out;
}

http::Response home(App& app, http::Request& request) {
  InstanceInfo info = instance_info(app);
  auto session = current_session(app, request);
  Registrations mode = service::registrations_mode(app);
  bool open = mode != Registrations::closed;
  Page page;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>" + h(app.config.instance_title) + "</h1><p>" +
      h(app.config.instance_description) + "</p>" + stats_html(info);
  if (session && session->signed_in()) {
    const store::Account& me = *session->account;
    b += "<p>Signed in as <a href=\"" + h(me.url) + "\">@" + h(me.username) +
         "</a>. <a href=\"/settings/two_factor\">Two-factor authentication</a> · <a "
         "href=\"/settings/sessions\">Sessions and apps</a> · <a "
         "href=\"/settings/export\">Export</a></p>"
         "<form class=\"inline\" method=\"post\" action=\"/auth/sign_out\">" +
         csrf_field(session->session) +
         "<button type=\"submit\" class=\"secondary\">Sign out</button></form>";
  } else {
    b += "<div class=\"actions\"><a class=\"button\" href=\"/auth/sign_in\">Sign in</a>";
    if (open) b += "<a class=\"button secondary\" href=\"/auth/sign_up\">Sign up</a>";
    b += "</div>";
    if (mode == Registrations::approval)
      b += "<p class=\"muted\">New accounts are reviewed by a moderator.</p>";
    else if (!open)
      b += "<p class=\"muted\">This server is not accepting new accounts.</p>";
  }
  b += "<p class=\"muted\">Use any Mastodon app: sign in with the server address <strong>" +
       h(app.domain()) + "</strong>.</p></section>";
  b += rules_html(info.rules, false);
  b += "<section class=\"card\"><h2>About this server</h2>" + admin_html(app, info) +
       "<p><a href=\"/about\">More about this server</a></p></section>";
  return render(app, page);
}

http::Response about(App& app, http::Request&) {
  InstanceInfo info = instance_info(app);
  Registrations mode = service::registrations_mode(app);
  Page page;
  page.title = "About";
  page.cacheable = true;
  page.body =
      "<section class=\"card\"><h1>About " + h(app.config.instance_title) + "</h1><p>" +
      h(app.config.instance_description) + "</p>" + stats_html(info) + admin_html(app, info) +
      "<p class=\"muted\">Server address: <strong>" + h(app.domain()) +
      "</strong>. Registrations are " +
      (mode == Registrations::open       ? "open"
       : mode == Registrations::approval ? "open, with approval"
                                         : "closed") +
      ".</p>" +
      service::instance_document(app, service::InstanceDocument::extended_description).html +
      "</section>" + rules_html(info.rules, true) +
      "<section class=\"card\"><p><a href=\"/privacy-policy\">Privacy policy</a> · "
      "<a href=\"/terms-of-service\">Terms of service</a></p></section>";
  return render(app, page);
}

// The instance's own text when its admin set one, else herd's template
// (service/instance_documents).
http::Response document_page(App& app, const char* title, service::InstanceDocument kind) {
  Page page;
  page.title = title;
  page.cacheable = true;
  page.body = "<section class=\"card\"><h1>" + std::string(title) + "</h1>" +
              service::instance_document(app, kind).html + "</section>";
  return render(app, page);
}

http::Response privacy_policy(App& app, http::Request&) {
  return document_page(app, "Privacy policy", service::InstanceDocument::privacy_policy);
}

http::Response terms_of_service(App& app, http::Request&) {
  return document_page(app, "Terms of service", service::InstanceDocument::terms_of_service);
}

}  // namespace

}  // namespace herd::web

namespace herd::api {

void add_web_routes(http::Router& router, App& app) {
  using namespace herd::web;
  router.get("/", html_handler(app, home));
  router.get("/about", html_handler(app, about));
  router.get("/about/more", [](http::Request&) { return http::Response::redirect("/about", 301); });
  router.get("/privacy-policy", html_handler(app, privacy_policy));
  router.get("/terms-of-service", html_handler(app, terms_of_service));
  router.get("/terms",
             [](http::Request&) { return http::Response::redirect("/terms-of-service", 301); });
  router.get("/avatars/original/missing.png", [](http::Request&) { return png(kAvatarPng); });
  router.get("/headers/original/missing.png", [](http::Request&) { return png(kHeaderPng); });
  router.get("/packs/thumbnail.png", [](http::Request&) { return png(kHeaderPng); });
  router.get("/favicon.ico", [](http::Request&) { return png(kAvatarPng); });
  add_session_pages(router, app);
  add_two_factor_pages(router, app);
  add_settings_session_pages(router, app);
  add_export_pages(router, app);
  add_delete_pages(router, app);
  add_import_pages(router, app);
  add_embed_routes(router, app);
  add_account_pages(router, app);
  add_tag_pages(router, app);
  add_credential_pages(router, app);
  // Unknown paths: an HTML page for browsers, JSON for the API and for JSON clients.
  router.set_fallback([&app](http::Request& request) { return not_found(app, request); });
}

}  // namespace herd::api
