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
// 404 for an unknown or inactive announcement.
void dismiss_announcement(App& app, Id account_id, Id announcement_id);
// name: one emoji (422 "Validation failed: Name is not a recognized emoji" otherwise; custom
// emojis do not exist here). Adding twice is once; removing what is not there is a no-op.
void react_to_announcement(App& app, Id account_id, Id announcement_id, const std::string& name,
                           bool add);

}  // namespace herd::service
