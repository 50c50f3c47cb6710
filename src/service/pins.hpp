// Pinning statuses to one's profile (Mastodon's StatusPin rules).
#pragma once
#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// Pins the account's own status and returns it. Not visible: 404. Someone else's status, a reblog,
// a direct status, or more than limits::max_pinned_statuses pins: 422 with Mastodon's message.
// Pinning twice is a no-op.
store::Status pin(App& app, Id account_id, Id status_id);
// Unpins (no-op when not pinned) and returns the status.
store::Status unpin(App& app, Id account_id, Id status_id);

}  // namespace herd::service
