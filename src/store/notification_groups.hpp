// Grouped notifications (Mastodon 4.3's /api/v2/notifications): a page of groups of one
// recipient's notifications, and the notification policy and requests that hold notifications
// back. All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/notifications.hpp"
#include "store/page.hpp"

namespace herd::store {

// ---- groups
// --------------------------------------------------------------------------------------

// One group of a page: its notifications with ids in the page's range (below max_id, above
// since_id/min_id).
struct NotificationGroup {
  std::string group_key;
  std::string type;
  std::optional<Id> status_id;
  Id most_recent_id = 0;  // the newest in range
  Id page_min_id = 0;     // the oldest in range not older than the page's oldest group
  std::int64_t latest_at = 0;
  std::int64_t count = 0;              // every notification of the group in range
  std::vector<Id> sample_account_ids;  // the newest distinct accounts (at most 8)
};

// Notification types the server groups (favourite, follow, reblog, admin.sign_up).
const std::vector<std::string>& groupable_types();

// A page of groups newest first (by their newest notification). grouped_types: the types the
// client lets be grouped (empty: all groupable ones); notifications of other types form groups of
// one, "ungrouped-<id>". Cursors are notification ids: the next page is below the returned groups'
// smallest most_recent_id.
std::vector<NotificationGroup> page_notification_groups(
    Connection& c, Id account_id, const NotificationFilter& filter,
    const std::vector<std::string>& grouped_types, const PageQuery& page);

// The one group with this key (nullopt when none of its notifications remains).
std::optional<NotificationGroup> find_notification_group(Connection& c, Id account_id,
                                                         const std::string& group_key);

// Number of groups of notifications newer than `after` matching the filter (at most `limit`).
std::int64_t count_notification_groups(Connection& c, Id account_id,
                                       const NotificationFilter& filter,
                                       const std::vector<std::string>& grouped_types,
                                       std::optional<Id> after, int limit);

// Every account of the group's notifications, newest first.
std::vector<Id> notification_group_account_ids(Connection& c, Id account_id,
                                               const std::string& group_key);
// Removes the group's notifications (false when there were none).
bool delete_notification_group(Connection& c, Id account_id, const std::string& group_key);

// ---- policy
// --------------------------------------------------------------------------------------

// Each field: "accept", "filter" or "drop".
struct NotificationPolicy {
  std::string for_not_following = "accept";
  std::string for_not_followers = "accept";
  std::string for_new_accounts = "accept";
  std::string for_private_mentions = "filter";
  std::string for_limited_accounts = "filter";
};
// The account's policy (Mastodon's defaults until it changes one).
NotificationPolicy find_notification_policy(Connection& c, Id account_id);
void save_notification_policy(Connection& c, Id account_id, const NotificationPolicy& policy,
                              std::int64_t now);

// ---- requests
// ------------------------------------------------------------------------------------

// Filtered notifications from one account, waiting for the recipient's decision.
struct NotificationRequest {
  Id id = 0;
  Id account_id = 0;       // recipient
  Id from_account_id = 0;  // who acted
  std::optional<Id> last_status_id;
  std::int64_t notifications_count = 0;
  std::int64_t created_at = 0, updated_at = 0;
};
// Counts one more filtered notification from `from` (creating the request when new).
void add_to_notification_request(Connection& c, Id account_id, Id from_account_id,
                                 std::optional<Id> status_id, std::int64_t now);
std::optional<NotificationRequest> find_notification_request(Connection& c, Id account_id, Id id);
// Newest (last updated) first; cursors are the request ids.
std::vector<NotificationRequest> page_notification_requests(Connection& c, Id account_id,
                                                            const PageQuery& page);
// Accept: the request's filtered notifications join the normal list, and the account's later
// ones are never filtered. Dismiss: the request and its filtered notifications are removed.
// Both return false for an unknown id.
bool accept_notification_request(Connection& c, Id account_id, Id id, std::int64_t now);
bool dismiss_notification_request(Connection& c, Id account_id, Id id);
// Whether the recipient accepted the account's notifications (an accepted request).
bool notifications_permitted(Connection& c, Id account_id, Id from_account_id);

struct NotificationRequestsSummary {
  std::int64_t pending_requests_count = 0;       // capped at 100
  std::int64_t pending_notifications_count = 0;  // of those requests
};
NotificationRequestsSummary summarize_notification_requests(Connection& c, Id account_id);

}  // namespace herd::store
