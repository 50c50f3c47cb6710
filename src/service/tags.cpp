#include "service/tags.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
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

}  // namespace herd::service
