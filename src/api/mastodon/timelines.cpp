// Timelines: home (from the fanned-out feed: one index range scan per page), public (local,
// remote, only_media), hashtag and trending link. Cursors are status ids; Link headers keep the
// query.
#include <algorithm>

#include "api/auth.hpp"
#include "api/held_page.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/trends.hpp"
#include "api/pagination.hpp"
#include "api/routes.hpp"
#include "api/status_cache.hpp"
#include "api/timeline_viewer.hpp"
#include "api/viewer_flag_cache.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/visibility.hpp"
#include "store/lists.hpp"
#include "store/preview_cards.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "store/viewer_flags.hpp"
#include "text/format.hpp"

namespace herd::api {

namespace {

// Adds to `into` the known flags of the rows (of a reblog's original).
void add_known_flags(const store::KnownFlags& known, const std::vector<store::Status>& rows,
                     store::ViewerFlags& into) {
  auto holds = [](const std::vector<Id>& ids, Id id) {
    return std::binary_search(ids.begin(), ids.end(), id);
  };
  for (const auto& s : rows) {
    Id target = s.reblog_of_id.value_or(s.id);
    if (holds(known.favourited, target)) into.favourited.insert(target);
    if (holds(known.reblogged, target)) into.reblogged.insert(target);
    if (holds(known.bookmarked, target)) into.bookmarked.insert(target);
  }
}

// Renders a page: what the timeline asks about the signed-in viewer first (remembered,
// api/timeline_viewer.hpp), then the page's rows with what the visibility check and the rendering
// ask about them (store::WithFacts; one more round trip for reblogged originals:
// store::load_page_facts). Cursors come from the page as loaded, so
// a status dropped by the final visibility check never stops pagination, nor one a hide filter
// drops. context: the filter context ("home" or "public"); load: the rows, given the viewer's
// exclusions (null for an anonymous viewer); ids (may be empty): the same page's ids alone, for a
// page whose rows the status cache holds (api/held_page.hpp: then only those it does not hold are
// read, by id), read whole as before when a status is gone meanwhile.
using PageLoader = std::function<std::vector<store::Status>(
    store::Connection&, const store::HomeExclusions*, const store::WithFacts&)>;
using PageIdsLoader =
    std::function<std::vector<Id>(store::Connection&, const store::HomeExclusions*)>;
http::Response timeline_response(App& app, const http::Request& request,
                                 const store::PageQuery& page, Id viewer, std::string_view context,
                                 const PageLoader& load, const PageIdsLoader& ids = {}) {
  std::vector<Id> cursors;
  std::uint64_t generation = app.db->generation();  // before anything (timeline_viewer.hpp)
  auto flag_version = viewer ? viewer_flag_cache().version(*app.db) : std::nullopt;  // the same
  auto version = status_cache_version(*app.db);  // before the rows (status_cache.hpp)
  http::BodyPieces body = app.db->read_value([&](store::Connection& c) {
    auto known = viewer ? timeline_viewer(*app.db, c, viewer, generation, now_unix_ms()) : nullptr;
    store::PageFacts facts;
    store::WithFacts with;
    with.viewer = viewer;
    with.into = &facts;
    with.blockers_hidden = known != nullptr;  // the exclusions hold who blocks the viewer
    // What the viewer favourited, reblogged and bookmarked, remembered (viewer_flag_cache.hpp):
    // the page then asks only about the rows older than that.
    std::shared_ptr<const store::KnownFlags> flags;
    if (flag_version) {
      flags = known_flags(c, viewer, *flag_version);
      if (flags) with.flags_known_from = flags->complete_from;
    }
    const store::HomeExclusions* excluded = known ? &known->exclusions : nullptr;
    // The rows and their facts: from the page's ids, held or read by id, or read whole.
    std::optional<std::vector<store::Status>> rows;
    HeldEntries held;  // the entries the held rows came from: rendered from them
    if (StatusCache* cache = status_cache(); ids && version && cache)
      rows = page_from_ids(c, *cache, *version, ids(c, excluded), known.get(), flags.get(), with,
                           held);
    if (!rows) {
      held.clear();
      facts = store::PageFacts{};
      rows = load(c, excluded, with);
      count_rows_read_whole(rows->size());
    }
    store::load_page_facts(c, viewer, *rows, facts);  // the originals not known yet
    if (flags) add_known_flags(*flags, *rows, facts.flags);
    if (known) facts.filters = known->filters;
    for (const auto& s : *rows) cursors.push_back(s.id);
    StatusRenderer renderer(app, c, viewer, context);
    renderer.use_page_facts(facts);
    renderer.use_held_entries(held);
    return renderer.render_pieces(service::visible_only(viewer, std::move(*rows), facts), version);
  });
  http::Response response;  // JSON, its cached texts not copied (http::BodyPieces)
  response.pieces = std::make_shared<const http::BodyPieces>(std::move(body));
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

store::PublicTimelineFilter public_filter(const http::Request& request) {
  store::PublicTimelineFilter filter;
  filter.local = http::param_bool(request.params, "local").value_or(false);
  filter.remote = http::param_bool(request.params, "remote").value_or(false);
  filter.only_media = http::param_bool(request.params, "only_media").value_or(false);
  return filter;
}

// A hashtag name as stored: without '#', lowercased the way the status formatter does it.
std::optional<std::string> tag_key(App& app, std::string_view name) {
  if (!name.empty() && name[0] == '#') name.remove_prefix(1);
  if (name.empty()) return std::nullopt;
  auto formatted = text::format_status("#" + std::string(name), app.base_url(), {});
  if (formatted.tags.size() != 1) return std::nullopt;
  return formatted.tags.front();
}

http::Response home(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  store::PageQuery page = read_page(request, 20, 40);
  Id me = viewer.account_id();
  return timeline_response(
      app, request, page, me, "home",
      [&](store::Connection& c, const store::HomeExclusions* excluded,
          const store::WithFacts& with) {
        return store::page_home_feed(c, me, excluded->hidden, page,
                                     excluded->exclusive_list_members, with);
      },
      [&](store::Connection& c, const store::HomeExclusions* excluded) {
        return store::page_home_feed_ids(c, me, excluded->hidden, page,
                                         excluded->exclusive_list_members);
      });
}

http::Response public_timeline(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  store::PageQuery page = read_page(request, 20, 40);
  Id me = viewer.account_id();
  auto filter = public_filter(request);
  return timeline_response(
      app, request, page, me, "public",
      [&](store::Connection& c, const store::HomeExclusions* excluded,
          const store::WithFacts& with) {
        const std::vector<Id>& hidden = excluded ? excluded->hidden : std::vector<Id>{};
        return store::page_public_timeline(c, filter, hidden, page, with);
      },
      [&](store::Connection& c, const store::HomeExclusions* excluded) {
        const std::vector<Id>& hidden = excluded ? excluded->hidden : std::vector<Id>{};
        return store::page_public_timeline_ids(c, filter, hidden, page);
      });
}

http::Response tag_timeline(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  store::PageQuery page = read_page(request, 20, 40);
  Id me = viewer.account_id();
  auto filter = public_filter(request);
  store::TagQuery tags;
  auto add = [&](std::vector<std::string>& into, std::string_view name) {
    auto key = tag_key(app, name);
    if (key && into.size() < 5 && std::find(into.begin(), into.end(), *key) == into.end())
      into.push_back(*key);
  };
  add(tags.any, request.path_param("hashtag"));
  if (tags.any.empty()) return http::Response::json(json::array());
  for (const auto& name : http::param_strings(request.params, "any")) add(tags.any, name);
  for (const auto& name : http::param_strings(request.params, "all")) add(tags.all, name);
  for (const auto& name : http::param_strings(request.params, "none")) add(tags.none, name);
  return timeline_response(app, request, page, me, "public",
                           [&](store::Connection& c, const store::HomeExclusions* excluded,
                               const store::WithFacts& with) {
                             const std::vector<Id>& hidden =
                                 excluded ? excluded->hidden : std::vector<Id>{};
                             return store::page_tag_timeline(c, tags, filter, hidden, page, with);
                           });
}

// GET /api/v1/timelines/link?url=: public statuses of discoverable accounts sharing a link that
// is trending now (as the public sees trends); 404 for any other link, as Mastodon.
http::Response link_timeline(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  store::PageQuery page = read_page(request, 20, 40);
  Id me = viewer.account_id();
  auto url = http::param_string(request.params, "url").value_or("");
  auto card = app.db->read_value([&](store::Connection& c) -> std::optional<store::PreviewCard> {
    auto found = url.empty() ? std::nullopt : store::find_card_by_url(c, url);
    if (found &&
        store::card_trending(c, found->id, now_unix_ms() - kTrendWindowMs, public_trends(app)))
      return found;
    return std::nullopt;
  });
  if (!card) not_found();
  auto filter = public_filter(request);
  return timeline_response(
      app, request, page, me, "public",
      [&](store::Connection& c, const store::HomeExclusions* excluded,
          const store::WithFacts& with) {
        const std::vector<Id>& hidden = excluded ? excluded->hidden : std::vector<Id>{};
        return store::page_link_timeline(c, card->id, filter, hidden, page, with);
      });
}

}  // namespace

void add_timeline_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  // Pages of the local database: quick reads (http::Cost), which may run on the I/O thread.
  router.get("/api/v1/timelines/home", bind(home), http::Cost::quick_read);
  router.get("/api/v1/timelines/public", bind(public_timeline), http::Cost::quick_read);
  router.get("/api/v1/timelines/tag/:hashtag", bind(tag_timeline), http::Cost::quick_read);
  router.get("/api/v1/timelines/link", bind(link_timeline));
}

}  // namespace herd::api
