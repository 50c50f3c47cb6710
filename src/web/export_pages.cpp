// Data export in Mastodon's CSV formats (app/models/export.rb), for moving an account between
// Mastodon and herd: /settings/export lists the files, /settings/exports/<kind>.csv downloads one
// (follows with "Show boosts" and "Notify on new posts", lists, blocks, mutes, domain blocks,
// bookmarks). Signed-in browsers only, as in Mastodon. The same page requests the archive
// (service/archives.hpp: POST /settings/export/archive) and lists the archives with their
// download links (/settings/archives/:id/download, the owner's only).
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "media/storage.hpp"
#include "service/archives.hpp"
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

std::string archives_html(App& app, const service::BrowserSession& session) {
  auto archives = app.db->read_value(
      [&](store::Connection& c) { return store::archives_of(c, session.account->id, 5); });
  std::string b =
      "<h2>Archive</h2><p>An archive of your posts (with their media), profile, likes and "
      "bookmarks in ActivityPub form, as a zip file. It is prepared in the background; you get a "
      "mail when it is ready. You can ask for one every 6 days.</p><form method=\"post\" "
      "action=\"/settings/export/archive\">" +
      csrf_field(session.session) +
      "<div class=\"actions\"><button type=\"submit\">Request your archive</button></div></form>";
  if (archives.empty()) return b;
  b += "<ul class=\"archives\">";
  for (const auto& a : archives) {
    b += "<li data-state=\"" + h(a.state) + "\">" + rfc3339(a.created_at) + ": ";
    if (a.state == "ready")
      b += "<a href=\"/settings/archives/" + std::to_string(a.id) + "/download\">Download (" +
           h(media::human_size(static_cast<std::uint64_t>(a.size))) + ")</a>";
    else
      b += a.state == "pending" ? "being prepared" : "failed: " + h(a.error);
    b += "</li>";
  }
  return b + "</ul>";
}

http::Response export_page(App& app, const service::BrowserSession& session,
                           std::string_view notice, std::string_view error, int status) {
  Page page;
  page.title = "Export";
  page.status = status;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Export</h1>";
  if (!notice.empty()) b += "<p role=\"status\">" + h(notice) + "</p>";
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  b += "<p>Download your data as CSV files in Mastodon's formats, to import them on this or "
       "another server.</p><ul class=\"exports\">";
  for (const auto& [kind, label] : kExports)
    b +=
        "<li><a href=\"/settings/exports/" + std::string(kind) + ".csv\">" + h(label) + "</a></li>";
  b += "</ul>" + archives_html(app, session) + "</section>";
  return render(app, page);
}

http::Response get_export_page(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fexport", 303);
  return export_page(app, *session, "", "", 200);
}

http::Response post_archive(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fexport", 303);
  if (!csrf_valid(session, request))
    return export_page(app, *session, "",
                       "Your session expired or the form was submitted twice. Please try again.",
                       422);
  try {
    service::request_archive(app, session->account->id);
  } catch (const ApiError& error) {
    if (error.kind() != ErrorKind::validation) throw;
    return export_page(app, *session, "", error.what(), 422);
  }
  return export_page(app, *session,
                     "Your archive is being prepared: you get a mail when it is ready.", "", 200);
}

http::Response get_archive(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=" + http::percent_encode(request.path),
                                    303);
  std::optional<service::ArchiveFile> file;
  try {
    file = service::archive_file(app, session->account->id, std::stoll(request.path_param("id")));
  } catch (const std::exception&) {
  }
  if (!file) return message_page(app, 404, "Not found", "No such archive.");
  std::ifstream in(file->path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  http::Response response = http::Response::text(bytes.str(), "application/zip");
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + file->download_name + "\"");
  response.headers.emplace_back("Cache-Control", "private, no-store");
  return response;
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
  router.post("/settings/export/archive", html_handler(app, post_archive));
  router.get("/settings/archives/:id/download", html_handler(app, get_archive));
}

}  // namespace herd::web
