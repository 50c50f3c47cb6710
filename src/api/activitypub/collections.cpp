// The collections of a local actor, paged as Mastodon pages them:
//   /users/:u/outbox            OrderedCollection; ?page=true[&max_id=N]: Create(Note)/Announce of
//                               public and unlisted statuses, 20 per page, newest first
//   /users/:u/followers         OrderedCollection; ?page=true[&max_id=N]: actor URIs, 40 per page
//   /users/:u/following         the same
//                               (hide_collections: the count only, pages 403)
//   /users/:u/collections/featured  the pinned statuses the signer may see, all in one collection:
//                               public and unlisted ones as Notes, the others as URIs (as Mastodon)
//   /users/:u/collections/tags  featured hashtags (Hashtag objects)
// `next` appears only on full pages. AUTHORIZED_FETCH applies (signed GETs). An actor the owner
// blocks (or whose domain the owner blocks) gets the outbox and featured collections empty.
#include "api/activitypub/activitypub.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "federation/documents.hpp"
#include "federation/resolver.hpp"
#include "federation/serialize.hpp"
#include "http/params.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"

namespace herd::api::activitypub {

namespace json = boost::json;

namespace {

constexpr int kOutboxPage = 20;
constexpr int kActorsPage = 40;

store::Account collection_owner(App& app, http::Request& request) {
  federation::require_signed_fetch(app, request);
  auto account = app.db->read_value([&](store::Connection& c) {
    return store::find_account_by_username(c, request.path_param("username"), "");
  });
  if (!account || account->suspended) not_found();
  return *account;
}

// The signing account of the request (0: unsigned), or nullopt when the owner blocks it or its
// domain: such a signer sees the owner's statuses as nobody's (Mastodon's for_signed_account).
std::optional<Id> unblocked_signer(App& app, http::Request& request, const store::Account& owner) {
  Id signer = signer_account(app, request);
  if (signer == 0) return signer;
  auto relationships = app.db->read_value(
      [&](store::Connection& c) { return store::load_relationships(c, owner.id, {signer}); });
  const auto& relationship = relationships[signer];
  if (relationship.blocking || relationship.domain_blocking) return std::nullopt;
  return signer;
}

bool paged(const http::Request& request) {
  auto page = http::param_string(request.params, "page");
  return page && !page->empty() && *page != "false" && *page != "0";
}

std::optional<Id> max_id(const http::Request& request) {
  auto text = http::param_string(request.params, "max_id");
  return text ? parse_id(*text) : std::nullopt;
}

std::string page_url(const std::string& base, std::optional<Id> cursor) {
  return base + "?page=true" + (cursor ? "&max_id=" + std::to_string(*cursor) : "");
}

http::Response outbox(App& app, http::Request& request) {
  store::Account account = collection_owner(app, request);
  std::string id = account.outbox_url.empty() ? account.uri + "/outbox" : account.outbox_url;
  bool blocked = !unblocked_signer(app, request, account);
  if (!paged(request))
    return activity_response(
        federation::ordered_collection(id, account.statuses_count, page_url(id, std::nullopt)));
  store::PageQuery page;
  page.max_id = max_id(request);
  page.limit = kOutboxPage;
  json::array items;
  std::optional<Id> last;
  std::size_t count = 0;
  app.db->read([&](store::Connection& c) {
    if (blocked) return;
    auto statuses =
        store::page_account_statuses(c, account.id, 0, store::AccountStatusesFilter{}, page);
    count = statuses.size();
    if (!statuses.empty()) last = statuses.back().id;
    items = federation::status_activities(app, c, statuses, false);
  });
  std::optional<std::string> next;
  if (count == static_cast<std::size_t>(kOutboxPage) && last) next = page_url(id, last);
  return activity_response(federation::ordered_collection_page(
      page_url(id, page.max_id), id, std::move(items), next, account.statuses_count));
}

http::Response actors_collection(App& app, http::Request& request, bool followers) {
  store::Account account = collection_owner(app, request);
  std::string id = followers ? account.followers_url : account.following_url;
  std::int64_t total = followers ? account.followers_count : account.following_count;
  // A hidden network (hide_collections): the count only, no first page; pages are refused, as
  // in Mastodon.
  if (!paged(request))
    return activity_response(federation::ordered_collection(
        id, total,
        account.hide_collections ? std::nullopt : std::optional(page_url(id, std::nullopt))));
  if (account.hide_collections) fail(ErrorKind::forbidden, "This collection is hidden");
  store::PageQuery page;
  page.max_id = max_id(request);
  page.limit = kActorsPage;
  json::array items;
  std::optional<Id> last;
  std::size_t count = 0;
  app.db->read([&](store::Connection& c) {
    auto entries = followers ? store::page_followers(c, account.id, page)
                             : store::page_following(c, account.id, page);
    count = entries.size();
    if (!entries.empty()) last = entries.back().row_id;
    std::vector<Id> ids;
    for (const auto& entry : entries) ids.push_back(entry.account_id);
    std::unordered_map<Id, std::string> uris;
    for (const auto& a : store::find_accounts(c, ids)) uris[a.id] = a.uri;
    for (Id account_id : ids)
      if (auto it = uris.find(account_id); it != uris.end() && !it->second.empty())
        items.emplace_back(it->second);
  });
  std::optional<std::string> next;
  if (count == static_cast<std::size_t>(kActorsPage) && last) next = page_url(id, last);
  return activity_response(federation::ordered_collection_page(page_url(id, page.max_id), id,
                                                               std::move(items), next, total));
}

http::Response featured(App& app, http::Request& request) {
  store::Account account = collection_owner(app, request);
  std::string id =
      account.featured_url.empty() ? account.uri + "/collections/featured" : account.featured_url;
  auto viewer = unblocked_signer(app, request, account);
  json::array items;
  app.db->read([&](store::Connection& c) {
    if (!viewer) return;
    store::AccountStatusesFilter filter;
    filter.pinned = true;
    store::PageQuery page;
    page.limit = 40;
    auto statuses = store::page_account_statuses(c, account.id, *viewer, filter, page);
    auto shared = [](const store::Status& status) {  // as a Note; the others as URIs
      return status.visibility == store::Visibility::public_ ||
             status.visibility == store::Visibility::unlisted;
    };
    std::vector<store::Status> distributable;
    for (const auto& status : statuses)
      if (shared(status)) distributable.push_back(status);
    json::array notes = federation::status_notes(app, c, distributable);
    for (const auto& status : statuses) {
      if (!shared(status)) {
        items.emplace_back(status.uri);
        continue;
      }
      for (const auto& note : notes)
        if (note.is_object() && note.as_object().contains("id") &&
            note.as_object().at("id") == status.uri.c_str())
          items.push_back(note);
    }
  });
  json::object collection =
      federation::ordered_collection(id, static_cast<std::int64_t>(items.size()), std::nullopt);
  collection["orderedItems"] = std::move(items);
  return activity_response(collection);
}

http::Response featured_tags(App& app, http::Request& request) {
  store::Account account = collection_owner(app, request);
  json::array items;
  app.db->read([&](store::Connection& c) {
    for (const auto& featured : store::featured_tags_of(c, account.id))
      items.push_back(json::object{{"type", "Hashtag"},
                                   {"href", app.tag_url(featured.tag.name)},
                                   {"name", "#" + featured.tag.name}});
  });
  json::object collection = federation::ordered_collection(
      account.uri + "/collections/tags", static_cast<std::int64_t>(items.size()), std::nullopt);
  collection["type"] = "Collection";
  collection["items"] = std::move(items);
  return activity_response(collection);
}

}  // namespace

void add_collection_routes(http::Router& router, App& app) {
  router.get("/users/:username/outbox", [&app](http::Request& r) { return outbox(app, r); });
  router.get("/users/:username/followers",
             [&app](http::Request& r) { return actors_collection(app, r, true); });
  router.get("/users/:username/following",
             [&app](http::Request& r) { return actors_collection(app, r, false); });
  router.get("/users/:username/collections/featured",
             [&app](http::Request& r) { return featured(app, r); });
  router.get("/users/:username/collections/tags",
             [&app](http::Request& r) { return featured_tags(app, r); });
}

}  // namespace herd::api::activitypub
