// Notifications as stored: one row per (recipient, actor, type, status). All functions run inside
// a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

// An empty group_key is stored as "ungrouped-<id>".
void insert_notification(Connection& c, const Notification& notification);
// The group key of the recipient's newest notification of this type about this status (nullopt:
// about no status), if any.
std::optional<std::string> latest_group_key(Connection& c, Id account_id, std::string_view type,
                                            std::optional<Id> status_id);
// The recipient's notification with this id.
std::optional<Notification> find_notification(Connection& c, Id account_id, Id id);

struct NotificationFilter {
  std::vector<std::string> types;          // only these types (empty: all)
  std::vector<std::string> exclude_types;  // never these
  std::optional<Id> from_account_id;       // only from this account
  std::vector<Id> hidden;                  // never from these accounts
  bool include_filtered = false;           // also those the notification policy held back
};
// Appends " AND ..." conditions for the filter to `where`.
void append_notification_filter(const NotificationFilter& filter, std::string& where,
                                std::vector<Value>& params);
// A page of the recipient's notifications, newest first. Cursors are the notification ids.
std::vector<Notification> page_notifications(Connection& c, Id account_id,
                                             const NotificationFilter& filter,
                                             const PageQuery& page);
// Number of notifications matching the filter with id > after (at most `limit`).
std::int64_t count_notifications(Connection& c, Id account_id, const NotificationFilter& filter,
                                 std::optional<Id> after, int limit);

// Dismiss one (false when it is not the recipient's) / clear all of the recipient's.
bool delete_notification(Connection& c, Id account_id, Id id);
void delete_all_notifications(Connection& c, Id account_id);
// The notification an action created (status_id nullopt: those without a status).
void delete_notification_of(Connection& c, Id account_id, Id from_account_id, std::string_view type,
                            std::optional<Id> status_id);
// Every notification about a status (when the status is deleted).
void delete_status_notifications(Connection& c, Id status_id);

}  // namespace herd::store
