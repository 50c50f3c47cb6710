// Shared by the notification handlers (notifications.cpp, v1; notification_groups.cpp, v2).
#pragma once
#include "http/request.hpp"
#include "store/notifications.hpp"

namespace herd::api {

// types[], exclude_types[], account_id (an unknown id matches nothing) and include_filtered.
store::NotificationFilter read_notification_filter(const http::Request& request);

}  // namespace herd::api
