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
  if (viewer) o["following"] = !store::followed_among(c, viewer, {tag.id}).empty();
  return o;
}

}  // namespace herd::api
