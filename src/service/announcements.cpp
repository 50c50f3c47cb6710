#include "service/announcements.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "service/statuses.hpp"

namespace herd::service {

namespace {

store::Announcement active(store::Connection& c, Id id) {
  auto found = store::find_announcement(c, id);
  std::int64_t now = now_unix_ms();
  if (!found || !found->published || found->published_at > now ||
      (found->starts_at && *found->starts_at > now) || (found->ends_at && *found->ends_at <= now))
    not_found();
  return *found;
}

// An emoji: up to 8 code points, none of them ASCII (so no custom :shortcode: or words).
bool emoji_like(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  int code_points = 0;
  for (unsigned char ch : name) {
    if (ch < 0x80) return false;
    if ((ch & 0xC0) != 0x80) ++code_points;
  }
  return code_points <= 8;
}

void validate(const AnnouncementInput& input) {
  if (blank(input.text)) fail(ErrorKind::validation, "Validation failed: Text can't be blank");
  if (input.starts_at && input.ends_at && *input.ends_at <= *input.starts_at)
    fail(ErrorKind::validation, "Validation failed: Ends at must be after the start");
}

void apply(store::Announcement& a, const AnnouncementInput& input) {
  a.text = input.text;
  a.starts_at = input.starts_at;
  a.ends_at = input.ends_at;
  a.all_day = input.all_day;
}

}  // namespace

store::Announcement publish_announcement(App& app, const std::string& text,
                                         std::optional<std::int64_t> starts_at,
                                         std::optional<std::int64_t> ends_at, bool all_day) {
  return create_announcement(app, AnnouncementInput{text, starts_at, ends_at, all_day}, true);
}

store::Announcement create_announcement(App& app, const AnnouncementInput& input, bool publish) {
  validate(input);
  store::Announcement a;
  a.id = next_id();
  apply(a, input);
  a.published = publish;
  a.published_at = a.updated_at = now_unix_ms();
  app.db->write([&](store::Connection& c) { store::insert_announcement(c, a); });
  return a;
}

store::Announcement update_announcement(App& app, Id id, const AnnouncementInput& input) {
  validate(input);
  return app.db->write_value([&](store::Connection& c) {
    auto a = store::find_announcement(c, id);
    if (!a) not_found();
    apply(*a, input);
    a->updated_at = now_unix_ms();
    store::update_announcement(c, *a);
    return *a;
  });
}

store::Announcement set_announcement_published(App& app, Id id, bool published) {
  return app.db->write_value([&](store::Connection& c) {
    auto a = store::find_announcement(c, id);
    if (!a) not_found();
    if (a->published == published) return *a;
    a->published = published;
    a->updated_at = now_unix_ms();
    if (published) a->published_at = a->updated_at;
    store::update_announcement(c, *a);
    return *a;
  });
}

void dismiss_announcement(App& app, Id account_id, Id announcement_id) {
  app.db->write([&](store::Connection& c) {
    active(c, announcement_id);
    store::dismiss_announcement(c, announcement_id, account_id);
  });
}

void react_to_announcement(App& app, Id account_id, Id announcement_id, const std::string& name,
                           bool add) {
  if (add && !emoji_like(name))
    fail(ErrorKind::validation, "Validation failed: Name is not a recognized emoji");
  app.db->write([&](store::Connection& c) {
    active(c, announcement_id);
    if (add)
      store::add_reaction(c, announcement_id, account_id, name);
    else
      store::remove_reaction(c, announcement_id, account_id, name);
  });
}

}  // namespace herd::service
