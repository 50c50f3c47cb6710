#include "service/notifications.hpp"

#include <algorithm>
#include <charconv>

#include "core/time.hpp"
#include "service/events.hpp"
#include "store/accounts.hpp"
#include "store/notification_groups.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::service {

namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::int64_t kMaximumGroupSpanHours = 12;
constexpr std::int64_t kNewAccountMs = 30LL * 24 * kHourMs;

// Mastodon's grouping: favourites and reblogs of one status, follows, and sign-ups share a key
// "<type>[-<status id>]-<hour>" while the group spans less than 12 hours from its first hour.
std::string group_key(store::Connection& c, const store::Notification& n) {
  const auto& groupable = store::groupable_types();
  if (std::find(groupable.begin(), groupable.end(), n.type) == groupable.end()) return {};
  std::string prefix = n.type;
  if (n.status_id) prefix += "-" + std::to_string(*n.status_id);
  std::int64_t hour = n.created_at / kHourMs;
  if (auto previous = store::latest_group_key(c, n.account_id, n.type, n.status_id);
      previous && previous->rfind(prefix + "-", 0) == 0) {
    std::int64_t started = 0;
    const char* begin = previous->data() + prefix.size() + 1;
    const char* end = previous->data() + previous->size();
    if (std::from_chars(begin, end, started).ec == std::errc() &&
        hour < started + kMaximumGroupSpanHours)
      hour = started;
  }
  return prefix + "-" + std::to_string(hour);
}

enum class Decision { accept, filter, drop };

Decision stricter(Decision a, const std::string& setting) {
  Decision b = setting == "drop"     ? Decision::drop
               : setting == "filter" ? Decision::filter
                                     : Decision::accept;
  return static_cast<int>(b) > static_cast<int>(a) ? b : a;
}

// The recipient's notification policy applied to a notification from `from` (Mastodon's
// NotificationPolicy): accounts the recipient follows or accepted are never filtered, nor are
// notifications about the recipient's own things (polls, edits, moderation).
Decision apply_policy(store::Connection& c, const store::Account& from,
                      const store::Relationship& relation, const store::Notification& n) {
  static const std::vector<std::string> filterable{"mention", "status",    "reblog",
                                                   "follow",  "favourite", "quote"};
  if (std::find(filterable.begin(), filterable.end(), n.type) == filterable.end())
    return Decision::accept;
  if (relation.following) return Decision::accept;
  if (store::notifications_permitted(c, n.account_id, from.id)) return Decision::accept;
  store::NotificationPolicy policy = store::find_notification_policy(c, n.account_id);
  Decision decision = stricter(Decision::accept, policy.for_not_following);
  if (!relation.followed_by) decision = stricter(decision, policy.for_not_followers);
  if (from.created_at > n.created_at - kNewAccountMs)
    decision = stricter(decision, policy.for_new_accounts);
  if (from.silenced) decision = stricter(decision, policy.for_limited_accounts);
  if (n.type == "mention" && n.status_id) {
    auto status = store::find_status(c, *n.status_id);
    if (status && status->visibility == store::Visibility::direct &&
        status->in_reply_to_account_id != n.account_id)
      decision = stricter(decision, policy.for_private_mentions);
  }
  return decision;
}

}  // namespace

std::optional<Id> notify(App& app, store::Connection& c, Id recipient, Id from,
                         std::string_view type, std::optional<Id> status_id) {
  if (recipient == from || recipient == 0 || from == 0) return std::nullopt;
  auto target = store::find_account(c, recipient);
  if (!target || !target->local() || target->suspended) return std::nullopt;
  auto relation = store::load_relationships(c, recipient, {from})[from];
  if (relation.blocking || relation.blocked_by || relation.muting_notifications ||
      relation.domain_blocking)
    return std::nullopt;
  auto actor = store::find_account(c, from);
  if (!actor) return std::nullopt;
  store::Notification n;
  n.id = next_id();
  n.account_id = recipient;
  n.from_account_id = from;
  n.type = std::string(type);
  n.status_id = status_id;
  n.created_at = now_unix_ms();
  Decision decision = apply_policy(c, *actor, relation, n);
  if (decision == Decision::drop) return std::nullopt;
  n.group_key = group_key(c, n);
  n.filtered = decision == Decision::filter;
  store::insert_notification(c, n);
  if (n.filtered) {  // held back: counted in a request, neither streamed nor pushed
    store::add_to_notification_request(c, recipient, from, status_id, n.created_at);
    return n.id;
  }
  Event created(EventKind::notification_created);
  created.notification = &n;
  record(app, c, created);  // streaming, Web Push, mail (service/events.hpp)
  return n.id;
}

void unnotify(App&, store::Connection& c, Id recipient, Id from, std::string_view type,
              std::optional<Id> status_id) {
  store::delete_notification_of(c, recipient, from, type, status_id);
}

}  // namespace herd::service
