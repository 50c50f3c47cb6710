// Maintenance of an instance's data, as Mastodon's tootctl does it (`herd admin statuses remove`,
// `media remove`, `domains purge`, `cache clear`). Each removal goes through the same services as
// a user's or a remote server's deletion (counters, feeds, notifications, media files), one
// status per transaction, so that it can run while the instance serves and be interrupted.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "app.hpp"

namespace herd::service {

// Called with (done, total) as work advances; total is known before the first call.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

// Remote statuses created before `before` (unix ms) that no local account needs (see
// store::removable_remote_statuses). Returns how many there were; removes them unless dry_run.
std::size_t remove_remote_statuses(App& app, std::int64_t before, bool dry_run,
                                   const ProgressFn& progress = {});

struct MediaRemoval {
  std::size_t unattached = 0;  // local uploads never attached, rows and files removed
  std::size_t cached = 0;      // copies of remote media removed (shown from their URL again)
  std::int64_t bytes = 0;      // file bytes freed
};
// Uploads never attached to a status and copies of remote media, created before `before`.
MediaRemoval remove_old_media(App& app, std::int64_t before, bool dry_run,
                              const ProgressFn& progress = {});

struct DomainPurge {
  std::size_t accounts = 0;
  std::size_t statuses = 0;
};
// Removes every account of a remote domain with its statuses, media, relationships and
// notifications. Throws ApiError(validation) for the instance's own domain or an empty one.
DomainPurge purge_domain(App& app, const std::string& domain, const ProgressFn& progress = {});

// Makes every running `herd serve` on this database drop its cached responses (a committed
// write moves the write generation that keys them).
void clear_caches(App& app);

}  // namespace herd::service
