// Data export in Mastodon's CSV formats (app/models/export.rb), for moving an account between
// Mastodon and herd: /settings/export lists the files, /settings/exports/<kind>.csv downloads one
// (follows with "Show boosts" and "Notify on new posts", lists, blocks, mutes, domain blocks,
// bookmarks). Signed-in browsers only, as in Mastodon.
#include <string>

#include "store/exports.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

// One CSV field as Ruby's CSV writes it: quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(std::initializer_list<std::string_view> fields) {
  std::string out;
  bool first = true;
  for (auto field : fields) {
    if (!first) out += ',';
    out += csv_field(field);
    first = false;
  }
  return out + "\n";
}

std::string acct(const App& app, const store::ExportedAccount& a) {
  return a.username + "@" + (a.domain.empty() ? app.domain() : a.domain);
}

const char* boolean(bool value) {
  return value ? "true" : "false";
}

// The CSV text of one export; nullopt for an unknown kind.
std::optional<std::string> export_csv(App& app, Id account_id, std::string_view kind) {
  std::string out;
  bool known = true;
  app.db->read([&](store::Connection& c) {
    if (kind == "follows") {
      out = csv_line({"Account address", "Show boosts", "Notify on new posts", "Languages"});
      for (const auto& a : store::export_following(c, account_id))
        out += csv_line({acct(app, a), boolean(a.flag1), boolean(a.flag2), ""});
    } else if (kind == "mutes") {
      out = csv_line({"Account address", "Hide notifications"});
      for (const auto& a : store::export_mutes(c, account_id))
        out += csv_line({acct(app, a), boolean(a.flag1)});
    } else if (kind == "blocks") {
      for (const auto& a : store::export_blocks(c, account_id)) out += csv_line({acct(app, a)});
    } else if (kind == "lists") {
      for (const auto& a : store::export_list_members(c, account_id))
        out += csv_line({a.list_title, acct(app, a)});
    } else if (kind == "domain_blocks") {
      for (const auto& domain : store::export_domain_blocks(c, account_id))
        out += csv_line({domain});
    } else if (kind == "bookmarks") {
      for (const auto& s : store::export_bookmarks(c, account_id))
        out += csv_line({s.uri.empty() ? app.status_uri(s.username, s.id) : s.uri});
    } else {
      known = false;
    }
  });
  if (!known) return std::nullopt;
  return out;
}

constexpr std::pair<const char*, const char*> kExports[] = {
    {"follows", "Follows"},
    {"lists", "Lists"},
    {"blocks", "Blocked accounts"},
    {"mutes", "Muted accounts"},
    {"domain_blocks", "Blocked domains"},
    {"bookmarks", "Bookmarks"},
};

http::Response get_export_page(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fexport", 303);
  Page page;
  page.title = "Export";
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Export</h1><p>Download your data as CSV files in Mastodon's "
      "formats, to import them on this or another server.</p><ul class=\"exports\">";
  for (const auto& [kind, label] : kExports)
    b +=
        "<li><a href=\"/settings/exports/" + std::string(kind) + ".csv\">" + h(label) + "</a></li>";
  b += "</ul></section>";
  return render(app, page);
}

http::Response get_export_file(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fexport", 303);
  std::string file = request.path_param("file");
  constexpr std::string_view suffix = ".csv";
  if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix)
    return message_page(app, 404, "Not found", "No such export.");
  std::string kind = file.substr(0, file.size() - suffix.size());
  auto csv = export_csv(app, session->account->id, kind);
  if (!csv) return message_page(app, 404, "Not found", "No such export.");
  http::Response response = http::Response::text(std::move(*csv), "text/csv; charset=utf-8");
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  response.headers.emplace_back("Cache-Control", "private, no-store");
  return response;
}

}  // namespace

void add_export_pages(http::Router& router, App& app) {
  router.get("/settings/export", html_handler(app, get_export_page));
  router.get("/settings/exports/:file", html_handler(app, get_export_file));
}

}  // namespace herd::web
