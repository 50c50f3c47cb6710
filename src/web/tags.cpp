// The hashtag page at /tags/:tag (where status hashtag links point): the public posts with that
// hashtag, newest first, paged with max_id, as the hashtag timeline gives them to an anonymous
// visitor. /tags/:tag.rss is its RSS feed (web/feeds.cpp).
#include "store/statuses.hpp"
#include "text/format.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

http::Response tag_page(App& app, http::Request& request) {
  const std::string& segment = request.path_param("tag");
  if (auto base = feed_base(segment)) {
    auto name = text::hashtag_name(*base);
    return name ? tag_feed(app, *name) : not_found(app, request);
  }
  auto name = text::hashtag_name(segment);
  if (!name) return not_found(app, request);
  Page page;
  page.feed_url = app.tag_url(*name) + ".rss";
  page.title = "#" + *name;
  page.cacheable = true;
  page.body = "<section class=\"card\"><h1>#" + h(*name) +
              "</h1><p class=\"muted\">Public posts with this hashtag, newest first.</p></section>";
  app.db->read([&](store::Connection& c) {
    store::PageQuery query;
    query.limit = 20;
    query.max_id = max_id_param(request);
    store::TagQuery tags;
    tags.any.push_back(*name);
    auto statuses = store::page_tag_timeline(c, tags, {}, {}, query);
    std::vector<Id> cursors;
    for (const auto& status : statuses) cursors.push_back(status.id);
    std::string list = statuses_html(app, c, statuses);
    if (list.empty())
      list = "<section class=\"card\"><p class=\"muted\">" +
             std::string(query.max_id ? "No older posts with this hashtag."
                                      : "No public posts with this hashtag yet.") +
             "</p></section>";
    page.body += list + older_link(app.tag_url(*name), cursors, query.limit);
  });
  return render(app, page);
}

}  // namespace

void add_tag_pages(http::Router& router, App& app) {
  router.get("/tags/:tag", html_handler(app, tag_page));
}

}  // namespace herd::web
