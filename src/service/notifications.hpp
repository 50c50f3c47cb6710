// Notifications: the one place that decides whether an action notifies its target.
#pragma once
#include <optional>
#include <string_view>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::service {

// Creates a notification of `type` (mention, reblog, favourite, follow, follow_request, ...) for
// `recipient` about an action of `from`, inside the caller's transaction `c`. Nothing is created
// when recipient == from, when the recipient is not a local account, when either blocks the
// other, or when the recipient mutes `from` (a mute that hides notifications). The recipient's
// notification policy (store/notification_groups.hpp) applies to mentions, statuses, reblogs,
// follows, favourites and quotes from accounts the recipient neither follows nor accepted:
// "drop" creates nothing, "filter" stores it held back (out of the normal list, not streamed nor
// pushed) and counts it in a notification request. Favourites and reblogs of one status, follows
// and sign-ups get a shared group_key while they span less than 12 hours. status_id is the
// status the notification is about (for reblog: the reblogged original). Returns the new
// notification's id, or nullopt when none was created.
std::optional<Id> notify(App& app, store::Connection& c, Id recipient, Id from,
                         std::string_view type, std::optional<Id> status_id);

// Removes the notification that an action created (unfavourite, unreblog, unfollow...).
void unnotify(App& app, store::Connection& c, Id recipient, Id from, std::string_view type,
              std::optional<Id> status_id);

}  // namespace herd::service
