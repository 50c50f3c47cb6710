#include "service/pins.hpp"

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "service/visibility.hpp"
#include "store/statuses.hpp"

namespace herd::service {

store::Status pin(App& app, Id account_id, Id status_id) {
  return app.db->write_value([&](store::Connection& c) {
    store::Status status = find_visible_status(c, account_id, status_id);
    if (status.reblog_of_id)
      fail(ErrorKind::validation, "Validation failed: A boost cannot be pinned");
    if (status.account_id != account_id)
      fail(ErrorKind::validation, "Validation failed: Someone else's post cannot be pinned");
    if (status.visibility == store::Visibility::direct)
      fail(ErrorKind::validation,
           "Validation failed: Posts that are only visible to mentioned users cannot be pinned");
    if (status.pinned_at) return status;
    if (store::count_pinned(c, account_id) >= limits::max_pinned_statuses)
      fail(ErrorKind::validation,
           "Validation failed: You have already pinned the maximum number of posts");
    status.pinned_at = now_unix_ms();
    store::set_pinned(c, status.id, status.pinned_at);
    record(app, c, Event(EventKind::status_pinned).with_status(status));
    return status;
  });
}

store::Status unpin(App& app, Id account_id, Id status_id) {
  return app.db->write_value([&](store::Connection& c) {
    store::Status status = find_visible_status(c, account_id, status_id);
    if (status.account_id == account_id && status.pinned_at) {
      store::set_pinned(c, status.id, std::nullopt);
      status.pinned_at.reset();
      record(app, c, Event(EventKind::status_unpinned).with_status(status));
    }
    return status;
  });
}

}  // namespace herd::service
