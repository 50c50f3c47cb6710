// Profile and status pages for browsers, at the URLs the API publishes: /@username and
// /@username/:id; /users/:username sends browsers to the profile.
//
// The router has no "@" prefix captures, so the pages hang off "/:handle" and "/:handle/:id";
// paths that do not start with '@' answer the API's JSON 404, as if the routes did not exist.
#include <boost/json.hpp>
#include <unordered_map>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

http::Response no_route(http::Request&) {
  return http::Response::error(404, "Not found");
}

http::Response page_not_found(const App& app) {
  return message_page(app, 404, "Page not found",
                      "The page you are looking for is not here, or it is not public.");
}

std::string display_name(const store::Account& account) {
  return account.display_name.empty() ? account.username : account.display_name;
}

std::string full_handle(const App& app, const store::Account& account) {
  return "@" + account.username + "@" + (account.local() ? app.domain() : account.domain);
}

std::string avatar(const App& app, const store::Account& account) {
  return app.avatar_url(account);
}

std::string fields_html(const store::Account& account) {
  auto fields = store::profile_fields(account);
  if (fields.empty()) return "";
  std::string out = "<dl class=\"fields\">";
  // The value is HTML produced by text/format (local) or the sanitizer (remote).
  for (const auto& field : fields)
    out += "<dt>" + h(field.name) + "</dt><dd>" + field.value + "</dd>";
  return out + "</dl>";
}

std::string display_time(std::int64_t unix_ms) {
  std::string t = rfc3339(unix_ms);  // 2024-01-02T03:04:05.678Z
  return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
}

std::string status_link(const App& app, const store::Status& status, const store::Account& author) {
  if (!status.url.empty()) return status.url;
  return author.local() ? app.status_url(author.username, status.id) : status.uri;
}

// One status as an article. booster: the account that reblogged it, when shown as a reblog.
std::string status_html(const App& app, const store::Status& status, const store::Account& author,
                        const store::Account* booster) {
  std::string out = "<article class=\"card status\">";
  if (booster)
    out += "<p class=\"muted\">Boosted by <a href=\"" + h(booster->url) + "\">@" +
           h(booster->username) + "</a></p>";
  out += "<div class=\"meta\"><img class=\"avatar\" alt=\"\" src=\"" + h(avatar(app, author)) +
         "\"><div><a href=\"" + h(author.url) + "\"><strong>" + h(display_name(author)) +
         "</strong></a><br><span class=\"muted\">" + h(full_handle(app, author)) +
         "</span></div></div>";
  // content is sanitized HTML (text/format for local statuses, the sanitizer for remote ones).
  std::string content = "<div class=\"content\">" + status.content + "</div>";
  if (!status.spoiler_text.empty())
    out += "<details><summary>" + h(status.spoiler_text) + "</summary>" + content + "</details>";
  else
    out += content;
  out += "<p class=\"muted\"><a href=\"" + h(status_link(app, status, author)) +
         "\"><time datetime=\"" + rfc3339(status.created_at) + "\">" +
         display_time(status.created_at) + "</time></a>";
  if (status.visibility == store::Visibility::unlisted) out += " · unlisted";
  out += " · " + std::to_string(status.replies_count) + " replies · " +
         std::to_string(status.reblogs_count) + " boosts · " +
         std::to_string(status.favourites_count) + " favourites</p></article>";
  return out;
}

bool publicly_visible(store::Visibility visibility) {
  return visibility == store::Visibility::public_ || visibility == store::Visibility::unlisted;
}

// The latest statuses anyone may see on the profile (reblogs shown with their original).
std::string latest_statuses_html(App& app, const store::Account& account) {
  std::string out;
  app.db->read([&](store::Connection& c) {
    store::PageQuery page;
    page.limit = 20;
    auto statuses = store::page_account_statuses(c, account.id, 0, {}, page);
    std::vector<Id> original_ids;
    for (const auto& status : statuses)
      if (status.reblog_of_id) original_ids.push_back(*status.reblog_of_id);
    std::unordered_map<Id, store::Status> originals;
    for (auto& original : store::find_statuses(c, original_ids))
      originals.emplace(original.id, original);
    std::vector<Id> author_ids;
    for (const auto& [id, original] : originals) author_ids.push_back(original.account_id);
    std::unordered_map<Id, store::Account> authors;
    for (auto& author : store::find_accounts(c, author_ids)) authors.emplace(author.id, author);
    for (const auto& status : statuses) {
      if (!publicly_visible(status.visibility)) continue;
      if (!status.reblog_of_id) {
        out += status_html(app, status, account, nullptr);
        continue;
      }
      auto original = originals.find(*status.reblog_of_id);
      if (original == originals.end() || !publicly_visible(original->second.visibility)) continue;
      auto author = authors.find(original->second.account_id);
      if (author == authors.end() || author->second.suspended) continue;
      out += status_html(app, original->second, author->second, &account);
    }
  });
  if (out.empty())
    out = "<section class=\"card\"><p class=\"muted\">No public posts yet.</p></section>";
  return out;
}

// Finds the local account for "@name"; remote "@name@domain" profiles redirect to their server.
struct Lookup {
  std::optional<store::Account> account;
  std::optional<http::Response> response;
};

Lookup find_profile(App& app, std::string_view handle) {
  Lookup lookup;
  if (handle.size() < 2 || handle[0] != '@') {
    lookup.response = page_not_found(app);
    return lookup;
  }
  std::string_view name = handle.substr(1);
  std::string_view domain;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    domain = name.substr(at + 1);
    name = name.substr(0, at);
    if (domain == app.domain()) domain = "";
  }
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, name, domain); });
  if (!account || account->suspended) {
    lookup.response = page_not_found(app);
  } else if (!account->local()) {
    if (account->url.rfind("https://", 0) == 0 || account->url.rfind("http://", 0) == 0)
      lookup.response = http::Response::redirect(account->url, 302);
    else
      lookup.response = page_not_found(app);
  } else {
    lookup.account = std::move(account);
  }
  return lookup;
}

http::Response profile(App& app, http::Request& request) {
  const std::string& handle = request.path_param("handle");
  if (handle.empty() || handle[0] != '@') return no_route(request);
  Lookup lookup = find_profile(app, handle);
  if (lookup.response) return std::move(*lookup.response);
  const store::Account& account = *lookup.account;
  Page page;
  page.title = display_name(account) + " (" + full_handle(app, account) + ")";
  page.cacheable = true;
  std::string& b = page.body;
  b = "<section class=\"card\"><div class=\"account\"><img class=\"avatar\" alt=\"\" src=\"" +
      h(avatar(app, account)) + "\"><div><h1>" + h(display_name(account)) +
      "</h1><p class=\"muted\">" + h(full_handle(app, account));
  if (account.locked) b += " · locked";
  if (account.bot) b += " · automated";
  b += "</p></div></div>";
  if (!account.note.empty())
    b += "<div class=\"note\">" + account.note + "</div>";  // sanitized HTML
  b += fields_html(account);
  b += "<div class=\"stats\"><div><strong>" + std::to_string(account.statuses_count) +
       "</strong><span class=\"muted\">posts</span></div><div><strong>" +
       std::to_string(account.following_count) +
       "</strong><span class=\"muted\">following</span></div><div><strong>" +
       std::to_string(account.followers_count) +
       "</strong><span class=\"muted\">followers</span></div></div>"
       "<p class=\"muted\">Joined " +
       rfc3339_date(account.created_at) +
       ". Follow from any Mastodon-compatible app: search for <strong>" +
       h(full_handle(app, account)) + "</strong>.</p></section>";
  b += latest_statuses_html(app, account);
  return render(app, page);
}

http::Response status_page(App& app, http::Request& request) {
  const std::string& handle = request.path_param("handle");
  if (handle.empty() || handle[0] != '@') return no_route(request);
  Lookup lookup = find_profile(app, handle);
  if (lookup.response) return std::move(*lookup.response);
  const store::Account& author = *lookup.account;
  auto id = parse_id(request.path_param("id"));
  if (!id) return page_not_found(app);
  std::optional<store::Status> status, parent;
  std::optional<store::Account> parent_author;
  bool visible = false;
  app.db->read([&](store::Connection& c) {
    status = store::find_status(c, *id);
    if (!status || status->account_id != author.id) return;
    if (status->reblog_of_id) {  // a reblog's URL shows the reblogged status
      status = store::find_status(c, *status->reblog_of_id);
      if (!status) return;
    }
    visible = publicly_visible(status->visibility) && service::can_see(c, 0, *status);
    if (visible && status->in_reply_to_id) {
      parent = store::find_status(c, *status->in_reply_to_id);
      if (parent && publicly_visible(parent->visibility))
        parent_author = store::find_account(c, parent->account_id);
    }
  });
  if (!status || !visible) return page_not_found(app);
  if (status->account_id != author.id) {  // reblog: go to the original
    std::optional<store::Account> original_author = app.db->read_value(
        [&](store::Connection& c) { return store::find_account(c, status->account_id); });
    if (!original_author) return page_not_found(app);
    return http::Response::redirect(status_link(app, *status, *original_author), 302);
  }
  Page page;
  page.cacheable = true;
  std::string text =
      text::strip_html(status->spoiler_text.empty() ? status->content : status->spoiler_text);
  if (text.size() > 80) {
    size_t cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  page.title = display_name(author) + ": \"" + text + "\"";
  if (parent && parent_author)
    page.body += "<p class=\"muted\">In reply to <a href=\"" +
                 h(status_link(app, *parent, *parent_author)) + "\">@" +
                 h(parent_author->username) + "</a></p>";
  page.body += status_html(app, *status, author, nullptr);
  return render(app, page);
}

// Browsers asking for an actor URL get the profile page. (ActivityPub clients asking for JSON are
// answered by the actor routes once they exist; keep this handler small.)
http::Response actor_for_browsers(App& app, http::Request& request) {
  auto account = app.db->read_value([&](store::Connection& c) {
    return store::find_account_by_username(c, request.path_param("username"), "");
  });
  if (!account || account->suspended) return page_not_found(app);
  return http::Response::redirect(account->url, 302);
}

}  // namespace

void add_account_pages(http::Router& router, App& app) {
  router.get("/:handle", html_handler(app, profile));
  router.get("/:handle/:id", html_handler(app, status_page));
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    router.add(method, "/:handle", no_route);
    router.add(method, "/:handle/:id", no_route);
  }
  router.get("/users/:username", html_handler(app, actor_for_browsers));
}

}  // namespace herd::web
