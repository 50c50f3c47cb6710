// The Tag entity.
#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"

namespace herd::api {

json::object tag_json(const App& app, store::Connection& c, const store::Tag& tag, Id viewer) {
  json::array history;
  for (const auto& day : store::tag_history(c, tag.id, now_unix_ms(), 7))
    history.push_back(json::object{{"day", std::to_string(day.day)},
                                   {"uses", std::to_string(day.uses)},
                                   {"accounts", std::to_string(day.accounts)}});
  json::object o{{"id", std::to_string(tag.id)},
                 {"name", tag.name},
                 {"url", app.tag_url(tag.name)},
                 {"history", std::move(history)}};
  if (viewer) {
    o["following"] = !store::followed_among(c, viewer, {tag.id}).empty();
    o["featuring"] = store::featuring(c, viewer, tag.id);
  }
  return o;
}

json::object featured_tag_json(const App& app, const store::FeaturedTag& featured,
                               const std::string& account_url) {
  return json::object{{"id", std::to_string(featured.id)},
                      {"name", featured.tag.name},
                      {"url", account_url + "/tagged/" + featured.tag.name},
                      {"statuses_count", std::to_string(featured.statuses_count)},
                      {"last_status_at", featured.last_status_at
                                             ? json::value(rfc3339_date(*featured.last_status_at))
                                             : json::value(nullptr)}};
}

}  // namespace herd::api
