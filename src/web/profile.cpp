// Profile and status pages for browsers, at the URLs the API publishes: /@username (paged with
// max_id; /@username.rss its RSS feed), /@username/:id (the status with its thread; /embed: alone,
// frameable),
// /@username/followers and /following; /users/:username sends browsers to the profile.
//
// The router has no "@" prefix captures, so the pages hang off "/:handle" and "/:handle/:id";
// paths that do not start with '@' answer the 404 of unknown paths (web::not_found).
#include <boost/json.hpp>
#include <unordered_map>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

std::string display_name(const store::Account& account) {
  return account.display_name.empty() ? account.username : account.display_name;
}

std::string full_handle(const App& app, const store::Account& account) {
  return "@" + account.username + "@" + (account.local() ? app.domain() : account.domain);
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

std::string status_link(const App& app, const store::Status& status, const store::Account& author) {
  if (!status.url.empty() && url_attr(status.url) != "#") return status.url;
  return author.local() ? app.status_url(author.username, status.id) : status.uri;
}

bool publicly_visible(store::Visibility visibility) {
  return visibility == store::Visibility::public_ || visibility == store::Visibility::unlisted;
}

constexpr int kPageSize = 20;

// A page of the statuses anyone may see on the profile (reblogs shown with their original), with
// the link to older ones.
std::string statuses_page_html(App& app, const store::Account& account,
                               const http::Request& request) {
  std::string out;
  app.db->read([&](store::Connection& c) {
    store::PageQuery page;
    page.limit = kPageSize;
    page.max_id = max_id_param(request);
    auto statuses = store::page_account_statuses(c, account.id, 0, {}, page);
    std::vector<Id> cursors;
    for (const auto& status : statuses) cursors.push_back(status.id);
    out = statuses_html(app, c, statuses);
    if (out.empty())
      out = "<section class=\"card\"><p class=\"muted\">" +
            std::string(page.max_id ? "No older public posts." : "No public posts yet.") +
            "</p></section>";
    out += older_link(request.path, cursors, page.limit);
  });
  return out;
}

// Finds the local account for "@name"; remote "@name@domain" profiles redirect to their server.
struct Lookup {
  std::optional<store::Account> account;
  std::optional<http::Response> response;
};

Lookup find_profile(App& app, const http::Request& request, std::string_view handle) {
  Lookup lookup;
  if (handle.size() < 2 || handle[0] != '@') {
    lookup.response = not_found(app, request);
    return lookup;
  }
  std::string_view name = std::string_view(handle).substr(1);
  std::string_view domain;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    domain = name.substr(at + 1);
    name = name.substr(0, at);
    if (domain == app.domain()) domain = "";
  }
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, name, domain); });
  if (!account || account->suspended) {
    lookup.response = not_found(app, request);
  } else if (!account->local()) {
    if (account->url.rfind("https://", 0) == 0 || account->url.rfind("http://", 0) == 0)
      lookup.response = http::Response::redirect(account->url, 302);
    else
      lookup.response = not_found(app, request);
  } else {
    lookup.account = std::move(account);
  }
  return lookup;
}

// The profile's card: avatar, name, bio, fields, and the counts linking to its pages.
std::string account_card(const App& app, const store::Account& account, bool heading) {
  std::string b =
      "<section class=\"card\"><div class=\"account\"><img class=\"avatar\" alt=\"\" src=\"" +
      url_attr(app.avatar_url(account)) + "\"><div>" + (heading ? "<h1>" : "<p><strong>") +
      "<a href=\"" + url_attr(account.url) + "\">" + h(display_name(account)) + "</a>" +
      (heading ? "</h1>" : "</strong></p>") + "<p class=\"muted\">" + h(full_handle(app, account));
  if (account.locked) b += " · locked";
  if (account.bot) b += " · automated";
  b += "</p></div></div>";
  if (!heading) return b + "</section>";
  if (!account.note.empty())
    b += "<div class=\"note\">" + account.note + "</div>";  // sanitized HTML
  b += fields_html(account);
  b += "<nav class=\"stats\"><a href=\"" + url_attr(account.url) + "\"><strong>" +
       std::to_string(account.statuses_count) +
       "</strong><span class=\"muted\">posts</span></a><a href=\"" + url_attr(account.url) +
       "/following\"><strong>" + std::to_string(account.following_count) +
       "</strong><span class=\"muted\">following</span></a><a href=\"" + url_attr(account.url) +
       "/followers\"><strong>" + std::to_string(account.followers_count) +
       "</strong><span class=\"muted\">followers</span></a></nav>"
       "<p class=\"muted\">Joined " +
       rfc3339_date(account.created_at) +
       ". Follow from any Mastodon-compatible app: search for <strong>" +
       h(full_handle(app, account)) + "</strong>.</p></section>";
  return b;
}

http::Response profile(App& app, http::Request& request) {
  // /@username.rss: the RSS feed of the profile's public posts (web/feeds.cpp).
  auto feed = feed_base(request.path_param("handle"));
  Lookup lookup = find_profile(app, request, feed ? *feed : request.path_param("handle"));
  if (lookup.response) return std::move(*lookup.response);
  const store::Account& account = *lookup.account;
  if (feed) return account_feed(app, account);
  Page page;
  page.feed_url = account.url + ".rss";
  page.title = display_name(account) + " (" + full_handle(app, account) + ")";
  page.cacheable = true;
  page.body = account_card(app, account, true) + statuses_page_html(app, account, request);
  return render(app, page);
}

// /@user/followers and /@user/following: local and remote accounts, newest relation first, paged;
// a notice instead when the account hides its network (hide_collections).
http::Response relations_page(App& app, http::Request& request, bool followers) {
  Lookup lookup = find_profile(app, request, request.path_param("handle"));
  if (lookup.response) return std::move(*lookup.response);
  const store::Account& account = *lookup.account;
  const char* what = followers ? "Followers" : "Following";
  Page page;
  page.title =
      std::string(what) + " of " + display_name(account) + " (" + full_handle(app, account) + ")";
  page.cacheable = true;
  page.body = "<section class=\"card\"><h1>" + std::string(what) + " · <a href=\"" +
              url_attr(account.url) + "\">" + h(display_name(account)) +
              "</a></h1><p class=\"muted\">" + h(full_handle(app, account)) + "</p></section>";
  if (account.hide_collections) {  // the same page for everyone: it is cached as public
    page.body +=
        "<section class=\"card\"><p class=\"muted\">This user has chosen to not make this "
        "information available.</p></section>";
    return render(app, page);
  }
  app.db->read([&](store::Connection& c) {
    store::PageQuery query;
    query.limit = 40;
    query.max_id = max_id_param(request);
    auto entries = followers ? store::page_followers(c, account.id, query)
                             : store::page_following(c, account.id, query);
    std::vector<Id> ids, cursors;
    for (const auto& entry : entries) {
      ids.push_back(entry.account_id);
      cursors.push_back(entry.row_id);
    }
    std::unordered_map<Id, store::Account> accounts;
    for (auto& other : store::find_accounts(c, ids)) accounts.emplace(other.id, std::move(other));
    std::string list;
    for (Id id : ids)
      if (auto it = accounts.find(id); it != accounts.end() && !it->second.suspended)
        list += "<li>" + account_card(app, it->second, false) + "</li>";
    if (list.empty())
      page.body += "<section class=\"card\"><p class=\"muted\">" +
                   std::string(query.max_id ? "No more accounts." : "No accounts yet.") +
                   "</p></section>";
    else
      page.body += "<ul class=\"accounts\">" + list + "</ul>";
    page.body += older_link(request.path, cursors, query.limit, "More accounts");
  });
  return render(app, page);
}

http::Response followers_page(App& app, http::Request& request) {
  return relations_page(app, request, true);
}

http::Response following_page(App& app, http::Request& request) {
  return relations_page(app, request, false);
}

// The public (or unlisted) local status at /@username/:id, or the response to give instead: 404,
// or for a reblog's URL a redirect to the reblogged status.
struct StatusLookup {
  std::optional<store::Status> status;
  std::optional<store::Account> author;
  std::optional<http::Response> response;
};

StatusLookup find_public_status(App& app, const http::Request& request) {
  StatusLookup out;
  Lookup lookup = find_profile(app, request, request.path_param("handle"));
  if (lookup.response) {
    out.response = std::move(lookup.response);
    return out;
  }
  const store::Account& author = *lookup.account;
  auto id = parse_id(request.path_param("id"));
  std::optional<store::Status> status;
  bool visible = false;
  if (id)
    app.db->read([&](store::Connection& c) {
      status = store::find_status(c, *id);
      if (!status || status->account_id != author.id) return;
      if (status->reblog_of_id) {  // a reblog's URL shows the reblogged status
        status = store::find_status(c, *status->reblog_of_id);
        if (!status) return;
      }
      visible = publicly_visible(status->visibility) && service::can_see(c, 0, *status);
    });
  if (!status || !visible) {
    out.response = not_found(app, request);
  } else if (status->account_id != author.id) {  // reblog: go to the original
    std::optional<store::Account> original_author = app.db->read_value(
        [&](store::Connection& c) { return store::find_account(c, status->account_id); });
    out.response = original_author
                       ? http::Response::redirect(status_link(app, *status, *original_author), 302)
                       : not_found(app, request);
  } else {
    out.status = std::move(status);
    out.author = std::move(lookup.account);
  }
  return out;
}

// A status with its thread: the statuses it replies to above, the replies below (as the
// anonymous context API gives them).
http::Response status_page(App& app, http::Request& request) {
  StatusLookup lookup = find_public_status(app, request);
  if (lookup.response) return std::move(*lookup.response);
  const store::Account& author = *lookup.author;
  const std::optional<store::Status>& status = lookup.status;
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
  page.oembed_url = app.base_url() + "/api/oembed?url=" +
                    http::percent_encode(app.status_url(author.username, status->id));
  app.db->read([&](store::Connection& c) {
    std::string ancestors = statuses_html(app, c, store::find_ancestors(c, status->id, 40));
    std::string replies = statuses_html(app, c, store::find_descendants(c, status->id, 60, 20));
    if (!ancestors.empty())
      page.body += "<section class=\"thread ancestors\" aria-label=\"Earlier in the thread\">" +
                   ancestors + "</section>";
    page.body += statuses_html(app, c, {*status}, status->id);
    if (!replies.empty())
      page.body += "<section class=\"thread replies\" aria-label=\"Replies\"><h2>Replies</h2>" +
                   replies + "</section>";
  });
  return render(app, page);
}

// /@username/:id/embed: the status alone, on a page other sites may frame (oEmbed's iframe,
// web/embed.cpp).
http::Response embed_page(App& app, http::Request& request) {
  StatusLookup lookup = find_public_status(app, request);
  if (lookup.response) return std::move(*lookup.response);
  Page page;
  page.cacheable = true;
  page.embed = true;
  page.title = display_name(*lookup.author);
  app.db->read([&](store::Connection& c) { page.body = statuses_html(app, c, {*lookup.status}); });
  return render(app, page);
}

// Browsers asking for an actor URL get the profile page. (ActivityPub clients asking for JSON are
// answered by the actor routes, registered first.)
http::Response actor_for_browsers(App& app, http::Request& request) {
  auto account = app.db->read_value([&](store::Connection& c) {
    return store::find_account_by_username(c, request.path_param("username"), "");
  });
  if (!account || account->suspended) return not_found(app, request);
  return http::Response::redirect(account->url, 302);
}

}  // namespace

void add_account_pages(http::Router& router, App& app) {
  router.get("/:handle", html_handler(app, profile));
  router.get("/:handle/:id", html_handler(app, status_page));
  router.get("/:handle/followers", html_handler(app, followers_page));
  router.get("/:handle/following", html_handler(app, following_page));
  router.get("/:handle/:id/embed", html_handler(app, embed_page));
  auto missing = [&app](http::Request& request) { return not_found(app, request); };
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    router.add(method, "/:handle", missing);
    router.add(method, "/:handle/:id", missing);
  }
  router.get("/users/:username", html_handler(app, actor_for_browsers));
}

}  // namespace herd::web
