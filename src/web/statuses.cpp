// Statuses as HTML, rendered from the client API's Status entities (as an anonymous viewer sees
// them), so that the pages show what apps show: content warnings, media with their alt text, polls
// with their results, boosts. Paging links and the 404 page shared by the web pages live here too.
#include <boost/json.hpp>
#include <cmath>

#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64()    ? v->get_int64()
         : v && v->is_uint64() ? std::int64_t(v->get_uint64())
                               : 0;
}

const json::object* object_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* array_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

std::string display_time(std::string_view rfc3339_time) {  // 2024-01-02T03:04:05.678Z
  if (rfc3339_time.size() < 16) return std::string(rfc3339_time);
  return std::string(rfc3339_time.substr(0, 10)) + " " + std::string(rfc3339_time.substr(11, 5)) +
         " UTC";
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string media_html(const json::array& attachments) {
  std::string out = "<div class=\"media\">";
  for (const auto& value : attachments) {
    if (!value.is_object()) continue;
    const json::object& m = value.get_object();
    std::string type = text_of(m, "type"), url = text_of(m, "url"),
                description = text_of(m, "description"), preview = text_of(m, "preview_url");
    if (url.empty()) url = text_of(m, "remote_url");
    if (url.empty()) continue;
    if (type == "image") {
      out += "<a href=\"" + url_attr(url) + "\"><img src=\"" +
             url_attr(preview.empty() ? url : preview) + "\" alt=\"" + h(description) +
             "\" loading=\"lazy\"></a>";
    } else if (type == "video" || type == "gifv" || type == "audio") {
      const char* tag = type == "audio" ? "audio" : "video";
      out += "<figure><" + std::string(tag) + " controls preload=\"none\" src=\"" + url_attr(url) +
             "\"";
      if (!description.empty()) out += " aria-label=\"" + h(description) + "\"";
      if (type != "audio" && !preview.empty() && preview != url)
        out += " poster=\"" + h(preview) + "\"";
      out += "><a href=\"" + url_attr(url) + "\">Download the " + std::string(tag) + "</a></" +
             tag + ">";
      if (!description.empty()) out += "<figcaption>" + h(description) + "</figcaption>";
      out += "</figure>";
    } else {
      out += "<p><a href=\"" + url_attr(url) + "\">" +
             h(description.empty() ? "Attachment" : description) + "</a></p>";
    }
  }
  return out + "</div>";
}

// Options with their share of the votes (of the voters for a multiple-choice poll, as Mastodon
// counts), or "results hidden" while the author hides the totals.
std::string poll_html(const json::object& poll) {
  bool expired =
      poll.if_contains("expired") && poll.at("expired").is_bool() && poll.at("expired").get_bool();
  bool multiple = poll.if_contains("multiple") && poll.at("multiple").is_bool() &&
                  poll.at("multiple").get_bool();
  std::int64_t votes = int_of(poll, "votes_count");
  std::int64_t voters = int_of(poll, "voters_count");
  std::int64_t base = multiple && voters > 0 ? voters : votes;
  std::string out = "<section class=\"poll\" aria-label=\"Poll\"><ul>";
  bool hidden = false;
  if (const json::array* options = array_of(poll, "options")) {
    for (const auto& value : *options) {
      if (!value.is_object()) continue;
      const json::object& option = value.get_object();
      const json::value* count = option.if_contains("votes_count");
      out += "<li><span class=\"option\">" + h(text_of(option, "title")) + "</span>";
      if (!count || count->is_null()) {
        hidden = true;
      } else {
        std::int64_t n = int_of(option, "votes_count");
        long percent = base > 0 ? std::lround(100.0 * double(n) / double(base)) : 0;
        out += " <meter min=\"0\" max=\"100\" value=\"" + std::to_string(percent) + "\"></meter> " +
               "<span class=\"result\">" + std::to_string(percent) + "% (" +
               plural(n, "vote", "votes") + ")</span>";
      }
      out += "</li>";
    }
  }
  out += "</ul><p class=\"muted\">";
  out += multiple ? plural(voters, "person", "people") + " voted" : plural(votes, "vote", "votes");
  if (hidden) out += " · results are shown when the poll ends";
  std::string expires_at = text_of(poll, "expires_at");
  if (expired)
    out += " · closed";
  else if (!expires_at.empty())
    out += " · ends <time datetime=\"" + h(expires_at) + "\">" + h(display_time(expires_at)) +
           "</time>";
  return out + "</p></section>";
}

std::string full_handle(const App& app, const json::object& account) {
  std::string acct = text_of(account, "acct");
  if (acct.find('@') == std::string::npos) acct += "@" + app.domain();
  return "@" + acct;
}

std::string account_name(const json::object& account) {
  std::string name = text_of(account, "display_name");
  return name.empty() ? text_of(account, "username") : name;
}

}  // namespace

std::string status_html(const App& app, const json::object& entity, bool focused) {
  const json::object* reblog = object_of(entity, "reblog");
  const json::object& status = reblog ? *reblog : entity;
  const json::object* account = object_of(status, "account");
  if (!account) return "";
  std::string out = std::string("<article class=\"card status") + (focused ? " focused" : "") +
                    "\" id=\"status-" + h(text_of(status, "id")) + "\">";
  if (reblog) {
    if (const json::object* booster = object_of(entity, "account"))
      out += "<p class=\"muted\">Boosted by <a href=\"" + url_attr(text_of(*booster, "url")) +
             "\">" + h(account_name(*booster)) + "</a></p>";
  }
  out += "<div class=\"meta\"><img class=\"avatar\" alt=\"\" src=\"" +
         url_attr(text_of(*account, "avatar")) + "\"><div><a href=\"" +
         url_attr(text_of(*account, "url")) + "\"><strong>" + h(account_name(*account)) +
         "</strong></a><br><span class=\"muted\">" + h(full_handle(app, *account)) +
         "</span></div></div>";
  // content is sanitized HTML (text/format for local statuses, the sanitizer for remote ones).
  std::string body = "<div class=\"content\">" + text_of(status, "content") + "</div>";
  const json::array* media = array_of(status, "media_attachments");
  bool sensitive = status.if_contains("sensitive") && status.at("sensitive").is_bool() &&
                   status.at("sensitive").get_bool();
  std::string spoiler = text_of(status, "spoiler_text");
  if (media && !media->empty()) {
    if (sensitive && spoiler.empty())
      body += "<details><summary>Sensitive media</summary>" + media_html(*media) + "</details>";
    else
      body += media_html(*media);
  }
  if (const json::object* poll = object_of(status, "poll")) body += poll_html(*poll);
  if (!spoiler.empty())
    out += "<details><summary>" + h(spoiler) + "</summary>" + body + "</details>";
  else
    out += body;
  std::string created = text_of(status, "created_at");
  std::string link = text_of(status, "url");
  if (link.empty()) link = text_of(status, "uri");
  out += "<p class=\"muted\"><a href=\"" + url_attr(link) + "\"><time datetime=\"" + h(created) +
         "\">" + h(display_time(created)) + "</time></a>";
  if (text_of(status, "visibility") == "unlisted") out += " · unlisted";
  if (!text_of(status, "edited_at").empty()) out += " · edited";
  out += " · " + plural(int_of(status, "replies_count"), "reply", "replies") + " · " +
         plural(int_of(status, "reblogs_count"), "boost", "boosts") + " · " +
         plural(int_of(status, "favourites_count"), "favourite", "favourites") + "</p></article>";
  return out;
}

std::string statuses_html(const App& app, store::Connection& c,
                          const std::vector<store::Status>& statuses, Id focused) {
  std::string out;
  auto visible = service::visible_only(c, 0, statuses);
  json::array entities = api::StatusRenderer(app, c, 0).render(visible);
  for (const auto& value : entities)
    if (value.is_object()) {
      const json::object& o = value.get_object();
      out += status_html(app, o, focused != 0 && text_of(o, "id") == std::to_string(focused));
    }
  return out;
}

std::optional<Id> max_id_param(const http::Request& request) {
  std::string value = form_value(request, "max_id");
  if (value.empty()) return std::nullopt;
  return parse_id(value);
}

std::string older_link(std::string_view path, const std::vector<Id>& cursors, int limit,
                       std::string_view label) {
  if (cursors.empty() || int(cursors.size()) < limit) return "";
  return "<nav class=\"pages\"><a rel=\"next\" href=\"" + h(path) +
         "?max_id=" + std::to_string(cursors.back()) + "\">" + h(label) + "</a></nav>";
}

bool wants_json(const http::Request& request) {
  const std::string& path = request.path;
  for (std::string_view prefix : {"/api/", "/oauth/", "/.well-known/", "/nodeinfo/"})
    if (path.compare(0, prefix.size(), prefix) == 0) return true;
  std::string_view accept = request.header("accept");
  bool json_accept = accept.find("json") != std::string_view::npos;
  bool html_accept = accept.find("text/html") != std::string_view::npos;
  return json_accept && (!html_accept || accept.find("json") < accept.find("text/html"));
}

http::Response not_found(const App& app, const http::Request& request) {
  if (wants_json(request)) return http::Response::error(404, "Not found");
  return message_page(app, 404, "Page not found",
                      "The page you are looking for is not here, or it is not public.");
}

}  // namespace herd::web
