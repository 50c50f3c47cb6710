// Missing replies of a remote thread, fetched in the background when someone opens it (Mastodon
// 4.4/4.5's FetchAllRepliesWorker behind GET /api/v1/statuses/:id/context): a `fetch_replies`
// job, written in the same transaction as the thread's async refresh
// ("context:<status id>:refresh", store/async_refreshes.hpp), walks the `replies` collections of
// the status and of the replies it finds, and stores the replies not known yet. Bounded: at most
// kMaxReplies replies stored, kMaxPages pages per collection and 2 * kMaxReplies documents fetched
// per job, 60 seconds of network time; a thread is fetched again at most every 15 minutes.
#pragma once
#include <cstdint>
#include <optional>

#include "app.hpp"
#include "store/async_refreshes.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

constexpr int kMaxReplies = 100;
constexpr int kMaxPages = 20;

// Whether queue_reply_fetch() may queue anything for this status (a remote original).
bool may_fetch_replies(const store::Status& status);

// Inside the caller's transaction: for a remote (original) status, the refresh a client may watch:
// the running one, or a new one with its job queued when the thread was not fetched in the last
// 15 minutes. nullopt when there is nothing to fetch.
std::optional<store::AsyncRefresh> queue_reply_fetch(store::Connection& c,
                                                     const store::Status& status, std::int64_t now);

// Runs due fetch_replies jobs (a job runner task); returns how many ran. Failures are logged; the refresh
// is finished either way, with what was found.
int run_reply_fetch_jobs(App& app, std::int64_t now);

}  // namespace herd::federation
