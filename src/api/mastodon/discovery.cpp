// Discovery: the profile directory (GET /api/v1/directory), trending links
// (GET /api/v1/trends/links), and the instance documents about the network and its languages
// (GET /api/v1/instance/{peers,activity,languages,translation_languages}).
#include "store/discovery.hpp"

#include <algorithm>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/entities_card.hpp"
#include "api/mastodon/trends.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "store/accounts.hpp"
#include "store/preview_cards.hpp"
#include "text/languages.hpp"

namespace herd::api {

namespace {

int int_param(const http::Request& request, const char* name, int fallback, int low, int high) {
  return static_cast<int>(std::clamp<std::int64_t>(
      http::param_int(request.params, name).value_or(fallback), low, high));
}

// GET /api/v1/directory?offset&limit&order=active|new&local=true
http::Response directory(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:accounts");
  std::string order = http::param_string(request.params, "order").value_or("active");
  if (order != "active" && order != "new")
    fail(ErrorKind::validation, "order must be active or new");
  bool local = http::param_bool(request.params, "local").value_or(false);
  int limit = int_param(request, "limit", 40, 1, 80);
  int offset = int_param(request, "offset", 0, 0, 1 << 30);
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto ids =
        store::directory_account_ids(c, viewer.account_id(), local, order == "new", limit, offset);
    auto accounts = store::find_accounts(c, ids);
    json::array out;
    for (Id id : ids)
      for (const auto& account : accounts)
        if (account.id == id) out.push_back(account_json(app, account));
    return out;
  });
  return http::Response::json(body);
}

// GET /api/v1/trends/links?limit&offset: Trends::Link entities (a PreviewCard with its history);
// only the links an admin approved unless HERD_TRENDABLE_BY_DEFAULT (api/mastodon/trends.hpp).
http::Response trending_links(App& app, http::Request& request) {
  optional_user(app, request, "read");
  int limit = int_param(request, "limit", 10, 1, 20);
  int offset = int_param(request, "offset", 0, 0, 1 << 30);
  std::int64_t now = now_unix_ms();
  json::array body = app.db->read_value([&](store::Connection& c) {
    auto cards = store::trending_cards(c, now - kTrendWindowMs, limit, offset, public_trends(app));
    return trending_links_json(c, cards, now);
  });
  return http::Response::json(body);
}

http::Response peers(App& app, http::Request&) {
  json::array out;
  for (auto& domain :
       app.db->read_value([](store::Connection& c) { return store::known_domains(c); }))
    out.push_back(json::value(domain));
  return http::Response::json(out);
}

// Twelve weeks, newest first, every count a string (as Mastodon).
http::Response activity(App& app, http::Request&) {
  json::array out;
  for (const auto& week : app.db->read_value(
           [](store::Connection& c) { return store::weekly_activity(c, now_unix_ms(), 12); }))
    out.push_back(json::object{{"week", std::to_string(week.week)},
                               {"statuses", std::to_string(week.statuses)},
                               {"logins", std::to_string(week.logins)},
                               {"registrations", std::to_string(week.registrations)}});
  return http::Response::json(out);
}

http::Response languages(App&, http::Request&) {
  json::array out;
  for (const auto& language : text::languages())
    out.push_back(json::object{{"code", language.code}, {"name", language.name}});
  return http::Response::json(out);
}

}  // namespace

json::array trending_links_json(store::Connection& c, const std::vector<store::PreviewCard>& cards,
                                std::int64_t now) {
  std::vector<Id> ids;
  for (const auto& card : cards) ids.push_back(card.id);
  auto history = store::card_history(c, ids, now, 7);
  json::array out;
  for (const auto& card : cards) {
    json::object o = preview_card_json(card);
    json::array days;
    for (const auto& day : history[card.id])
      days.push_back(json::object{{"day", std::to_string(day.day)},
                                  {"accounts", std::to_string(day.accounts)},
                                  {"uses", std::to_string(day.uses)}});
    o["history"] = std::move(days);
    out.push_back(std::move(o));
  }
  return out;
}

void add_discovery_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v1/directory", bind(directory));
  router.get("/api/v1/trends/links", bind(trending_links));
  router.get("/api/v1/instance/peers", bind(peers));
  router.get("/api/v1/instance/activity", bind(activity));
  router.get("/api/v1/instance/languages", bind(languages));
  // No translation service: Mastodon's answer then is an empty object.
  router.get("/api/v1/instance/translation_languages",
             [](http::Request&) { return http::Response::json_text("{}"); });
}

}  // namespace herd::api
