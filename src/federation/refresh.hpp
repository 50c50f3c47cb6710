// Remote actors kept fresh: an actor whose stored copy is older than a day (HERD_ACTOR_STALE_MS
// overrides it for tests) is refetched in the background when it interacts with this instance, as
// Mastodon does. The refetch is a job (`actor_refresh` queue) queued at most once per actor;
// `run_actor_refresh_jobs` (a job runner task) fetches the actor's own id and stores it through
// store_actor's rules. A failed refetch marks the copy as refreshed anyway, so that a dead actor is
// asked again only after another day (no retry storm).
#pragma once
#include <cstdint>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::federation {

// Queues a refetch of the remote account when its copy is stale (none queued yet).
void queue_refresh_if_stale(App& app, const store::Account& account);
// Queues a refetch of a remote account now, however fresh its copy (`herd admin accounts
// refresh`); false for a local or suspended account or one already queued.
bool queue_refresh(App& app, const store::Account& account);
// Runs due refresh jobs; returns how many ran. Also (at most hourly) removes the tombstones of
// Deletes of unseen objects that no longer count (store/federation_records.hpp).
int run_actor_refresh_jobs(App& app, std::int64_t now);

}  // namespace herd::federation
