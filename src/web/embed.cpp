// oEmbed (https://oembed.com/) for posts, as Mastodon answers it: GET /api/oembed?url=<a post's
// URL on this server>[&maxwidth&maxheight] gives a "rich" document whose html is an <iframe> of
// /@username/:id/embed (web/profile.cpp). Only public and unlisted posts; 404 otherwise.
#include <algorithm>
#include <boost/json.hpp>

#include "core/error.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/search.hpp"
#include "store/statuses.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace json = boost::json;

namespace {

constexpr std::int64_t kWidth = 400, kHeight = 300;

http::Response oembed(App& app, http::Request& request) {
  std::string url = http::param_string(request.params, "url").value_or("");
  std::int64_t width = std::clamp<std::int64_t>(
      http::param_int(request.params, "maxwidth").value_or(kWidth), 100, kWidth);
  std::int64_t height = std::clamp<std::int64_t>(
      http::param_int(request.params, "maxheight").value_or(kHeight), 100, 2000);
  std::optional<store::Status> status;
  std::optional<store::Account> author;
  if (url.rfind(app.base_url() + "/", 0) == 0)
    app.db->read([&](store::Connection& c) {
      for (auto& found : store::find_statuses_by_url(c, url)) {
        if (!found.local ||
            (found.visibility != store::Visibility::public_ &&
             found.visibility != store::Visibility::unlisted) ||
            !service::can_see(c, 0, found))
          continue;
        author = store::find_account(c, found.account_id);
        if (author && !author->suspended) status = std::move(found);
      }
    });
  if (!status || !author) herd::not_found();
  std::string page = app.status_url(author->username, status->id);
  std::string embed = page + "/embed";
  std::string name = author->display_name.empty() ? author->username : author->display_name;
  std::string html = "<iframe src=\"" + h(embed) +
                     "\" class=\"mastodon-embed\" style=\"max-width: 100%; border: 0\" width=\"" +
                     std::to_string(width) + "\" height=\"" + std::to_string(height) +
                     "\" allowfullscreen=\"allowfullscreen\"></iframe>";
  json::object body{{"type", "rich"},
                    {"version", "1.0"},
                    {"title", "New status by " + author->username},
                    {"author_name", name},
                    {"author_url", author->url},
                    {"provider_name", app.domain()},
                    {"provider_url", app.base_url() + "/"},
                    {"cache_age", 86400},
                    {"html", html},
                    {"width", width},
                    {"height", height}};
  return http::Response::json(body);
}

}  // namespace

void add_embed_routes(http::Router& router, App& app) {
  router.get("/api/oembed", [&app](http::Request& request) { return oembed(app, request); });
}

}  // namespace herd::web
