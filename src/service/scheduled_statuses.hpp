// Scheduled statuses (Mastodon's ScheduledStatus): POST /api/v1/statuses with scheduled_at keeps
// the parameters until then; publish_due_statuses() posts them through post_status (with an
// idempotency key per scheduled status, so that a crash or a second process never posts one
// twice) and removes them.
#pragma once
#include <optional>
#include <vector>

#include "app.hpp"
#include "service/statuses.hpp"
#include "store/scheduled_statuses.hpp"

namespace herd::service {

inline constexpr std::int64_t kMinScheduleAheadMs = 5 * 60 * 1000;
inline constexpr std::int64_t kMaxScheduledTotal = 300;
inline constexpr std::int64_t kMaxScheduledPerDay = 25;

// Validates as post_status would (422) and at >= now + 5 minutes ("Validation failed: Scheduled
// at The scheduled date must be in the future"), within 300 pending and 25 for that day.
store::ScheduledStatus schedule_status(App& app, Id account_id, const NewStatus& input,
                                       std::int64_t at);
// The account's own scheduled status; not_found otherwise.
store::ScheduledStatus own_scheduled_status(store::Connection& c, Id account_id, Id id);
store::ScheduledStatus reschedule_status(App& app, Id account_id, Id id, std::int64_t at);
void cancel_scheduled_status(App& app, Id account_id, Id id);
// The posting parameters kept for a scheduled status.
NewStatus scheduled_params(const store::ScheduledStatus& scheduled);

// Posts every due scheduled status; returns how many were handled. One that cannot be posted any
// more (its media or reply target gone, the account suspended) is dropped, with a log line.
int publish_due_statuses(App& app, std::int64_t now);

}  // namespace herd::service
