#include "service/tags.hpp"

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

std::string checked_name(std::string_view name) {
  auto tag = text::hashtag_name(name);
  if (!tag) not_found();
  return *tag;
}

}  // namespace

store::Tag follow_tag(App& app, Id account_id, std::string_view name) {
  std::string tag_name = checked_name(name);
  return app.db->write_value([&](store::Connection& c) {
    std::int64_t now = now_unix_ms();
    Id tag_id = store::find_or_create_tag(c, tag_name, now);
    store::follow_tag(c, next_id(), account_id, tag_id, now);
    return *store::find_tag(c, tag_name);
  });
}

store::Tag unfollow_tag(App& app, Id account_id, std::string_view name) {
  std::string tag_name = checked_name(name);
  return app.db->write_value([&](store::Connection& c) {
    auto tag = store::find_tag(c, tag_name);
    if (!tag) not_found();
    store::unfollow_tag(c, account_id, tag->id);
    return *tag;
  });
}

Id feature_tag(App& app, Id account_id, std::string_view name) {
  auto tag_name = text::hashtag_name(name);
  if (!tag_name) fail(ErrorKind::validation, "Validation failed: Name is invalid");
  return app.db->write_value([&](store::Connection& c) {
    if (store::count_featured_tags(c, account_id) >= limits::max_featured_tags)
      fail(ErrorKind::validation, "Validation failed: You can feature at most " +
                                      std::to_string(limits::max_featured_tags) + " hashtags");
    std::int64_t now = now_unix_ms();
    Id id = next_id();
    if (!store::insert_featured_tag(c, id, account_id, store::find_or_create_tag(c, *tag_name, now),
                                    now))
      fail(ErrorKind::validation, "Validation failed: Name has already been taken");
    record(app, c, Event(EventKind::tag_featured).by(account_id).with_detail(*tag_name));
    return id;
  });
}

void unfeature_tag(App& app, Id account_id, Id featured_tag_id) {
  app.db->write([&](store::Connection& c) {
    std::string name;
    for (const auto& featured : store::featured_tags_of(c, account_id))
      if (featured.id == featured_tag_id) name = featured.tag.name;
    if (!store::delete_featured_tag(c, account_id, featured_tag_id)) not_found();
    record(app, c, Event(EventKind::tag_unfeatured).by(account_id).with_detail(name));
  });
}

}  // namespace herd::service
