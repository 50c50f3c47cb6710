// Data import in Mastodon's CSV formats (Mastodon 4.2's /settings/imports): /settings/import has
// the upload form (type, merge or overwrite, the file) and the account's imports with their
// progress and the rows that failed, with their reasons. The work itself is a job
// (service/imports.hpp); the page shows where it is. Signed-in browsers only.
#include <boost/json.hpp>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/imports.hpp"
#include "store/imports.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

namespace json = boost::json;

constexpr std::string_view kPath = "/settings/import";

constexpr std::pair<const char*, const char*> kTypes[] = {
    {"following", "Following list"}, {"blocking", "Blocking list"},
    {"muting", "Muting list"},       {"domain_blocking", "Domain blocking list"},
    {"bookmarks", "Bookmarks"},      {"lists", "Lists"},
};

std::string type_label(const std::string& type) {
  for (const auto& [key, label] : kTypes)
    if (type == key) return label;
  return type;
}

std::string imports_html(App& app, Id account_id) {
  auto imports = app.db->read_value(
      [&](store::Connection& c) { return store::imports_of(c, account_id, 20); });
  if (imports.empty()) return "<p class=\"muted\">No imports yet.</p>";
  std::string b = "<h2>Recent imports</h2><ul class=\"imports\">";
  for (const auto& i : imports) {
    std::string state = i.state == "finished"    ? "finished"
                        : i.state == "scheduled" ? "waiting"
                                                 : "in progress";
    json::array failures = json::parse(i.failures).as_array();
    b += "<li class=\"import\" data-id=\"" + std::to_string(i.id) + "\" data-state=\"" +
         h(i.state) + "\"><strong>" + h(type_label(i.type)) + "</strong> (" + h(i.mode) + ", " +
         h(i.file_name.empty() ? "file" : i.file_name) + ", " + rfc3339(i.created_at) +
         "): <span class=\"state\">" + state + "</span>, <span class=\"progress\">" +
         std::to_string(i.processed_items) + " of " + std::to_string(i.total_items) +
         " rows processed</span>, <span class=\"imported\">" + std::to_string(i.imported_items) +
         " imported</span>, <span class=\"failed\">" +
         std::to_string(i.processed_items - i.imported_items) + " failed</span>";
    if (!failures.empty()) {
      b += "<ul class=\"failures\">";
      std::size_t shown = 0;
      for (const auto& f : failures) {
        if (++shown > 100) break;
        const json::object& o = f.as_object();
        b += "<li>Row " + std::to_string(o.at("row").to_number<std::int64_t>()) + " (<code>" +
             h(o.at("value").as_string()) + "</code>): " + h(o.at("error").as_string()) + "</li>";
      }
      b += "</ul>";
    }
    b += "</li>";
  }
  return b + "</ul>";
}

http::Response import_page(App& app, const service::BrowserSession& session,
                           std::string_view notice, std::string_view error, int status) {
  Page page;
  page.title = "Import";
  page.status = status;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Import</h1>";
  if (!notice.empty()) b += "<p role=\"status\">" + h(notice) + "</p>";
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  b += "<p class=\"muted\">Import data exported from this or another server (Mastodon's CSV "
       "files). Merge adds to what you have; overwrite also removes what the file does not "
       "name.</p><form method=\"post\" action=\"" +
       std::string(kPath) + "\" enctype=\"multipart/form-data\">" + csrf_field(session.session) +
       "<label for=\"type\">Import type</label><select id=\"type\" name=\"type\">";
  for (const auto& [key, label] : kTypes)
    b += "<option value=\"" + std::string(key) + "\">" + h(label) + "</option>";
  b += "</select><label class=\"check\"><input type=\"radio\" name=\"mode\" value=\"merge\" "
       "checked><span>Merge</span></label><label class=\"check\"><input type=\"radio\" "
       "name=\"mode\" value=\"overwrite\"><span>Overwrite</span></label><label "
       "for=\"data\">File</label><input type=\"file\" id=\"data\" name=\"data\" "
       "accept=\".csv,text/csv\" required><div class=\"actions\"><button "
       "type=\"submit\">Upload</button></div></form>";
  b += imports_html(app, session.account->id);
  b += "</section>";
  return render(app, page);
}

http::Response get_import(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fimport", 303);
  return import_page(app, *session, "", "", 200);
}

http::Response post_import(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fimport", 303);
  if (!csrf_valid(session, request))
    return import_page(app, *session, "",
                       "Your session expired or the form was submitted twice. Please try again.",
                       422);
  const http::UploadedFile* file = nullptr;
  for (const auto& f : request.files)
    if (f.field == "data") file = &f;
  if (!file || file->data.empty())
    return import_page(app, *session, "", "Choose a CSV file to import.", 422);
  try {
    service::create_import(app, session->account->id, form_value(request, "type"),
                           form_value(request, "mode"), file->filename, file->data);
  } catch (const ApiError& error) {
    if (error.kind() != ErrorKind::validation) throw;
    std::string message = error.what();
    constexpr std::string_view prefix = "Validation failed: ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    return import_page(app, *session, "", message, 422);
  }
  return import_page(app, *session,
                     "Your file was uploaded and is being imported. This page shows how far it "
                     "got.",
                     "", 200);
}

}  // namespace

void add_import_pages(http::Router& router, App& app) {
  router.get(std::string(kPath), html_handler(app, get_import));
  router.post(std::string(kPath), html_handler(app, post_import));
}

}  // namespace herd::web
