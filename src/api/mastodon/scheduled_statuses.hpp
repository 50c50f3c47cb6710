// Scheduled statuses: POST /api/v1/statuses with scheduled_at answers through
// scheduled_status_response; GET /api/v1/scheduled_statuses(/:id), PUT (scheduled_at) and DELETE.
#pragma once
#include <string>

#include "app.hpp"
#include "http/request.hpp"
#include "service/statuses.hpp"

namespace herd::api {

// Schedules the status (422 for a time that is not RFC 3339 or under 5 minutes ahead) and returns
// the ScheduledStatus.
http::Response scheduled_status_response(App& app, Id account_id, const service::NewStatus& input,
                                         const std::string& scheduled_at);

}  // namespace herd::api
