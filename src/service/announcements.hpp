// Instance announcements: published by the admin (`herd admin announcements`), shown to signed-in
// users until they dismiss them, with emoji reactions (Mastodon's AnnouncementsController).
#pragma once
#include <optional>
#include <string>

#include "app.hpp"
#include "store/announcements.hpp"

namespace herd::service {

// 422 for blank text or an end before the start.
store::Announcement publish_announcement(App& app, const std::string& text,
                                         std::optional<std::int64_t> starts_at,
                                         std::optional<std::int64_t> ends_at, bool all_day);

// What staff write in the client (the admin API, api/mastodon/admin_instance.cpp).
struct AnnouncementInput {
  std::string text;
  std::optional<std::int64_t> starts_at, ends_at;
  bool all_day = false;
};
// A new announcement, published at once or kept as a draft. 422 as publish_announcement().
store::Announcement create_announcement(App& app, const AnnouncementInput& input, bool publish);
// Replaces the text and times (a published one stays published). 404 unknown, 422 as above.
store::Announcement update_announcement(App& app, Id id, const AnnouncementInput& input);
// Publishes a draft (published_at becomes now) or takes a published one back to a draft. 404
// unknown; publishing what is published changes nothing.
store::Announcement set_announcement_published(App& app, Id id, bool published);
// 404 for an unknown or inactive announcement.
void dismiss_announcement(App& app, Id account_id, Id announcement_id);
// name: one emoji (422 "Validation failed: Name is not a recognized emoji" otherwise; custom
// emojis do not exist here). Adding twice is once; removing what is not there is a no-op.
void react_to_announcement(App& app, Id account_id, Id announcement_id, const std::string& name,
                           bool add);

}  // namespace herd::service
