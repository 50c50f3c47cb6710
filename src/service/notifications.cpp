#include "service/notifications.hpp"

#include "core/time.hpp"
#include "store/accounts.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"
#include "service/web_push.hpp"
#include "stream/publish.hpp"

namespace herd::service {

std::optional<Id> notify(App& app, store::Connection& c, Id recipient, Id from,
                         std::string_view type, std::optional<Id> status_id) {
  if (recipient == from || recipient == 0 || from == 0) return std::nullopt;
  auto target = store::find_account(c, recipient);
  if (!target || !target->local() || target->suspended) return std::nullopt;
  auto relation = store::load_relationships(c, recipient, {from})[from];
  if (relation.blocking || relation.blocked_by || relation.muting_notifications ||
      relation.domain_blocking)
    return std::nullopt;
  store::Notification n;
  n.id = next_id();
  n.account_id = recipient;
  n.from_account_id = from;
  n.type = std::string(type);
  n.status_id = status_id;
  n.created_at = now_unix_ms();
  store::insert_notification(c, n);
  stream::notification_created(app, n);
  enqueue_web_push(app, c, n);  // Web Push deliveries (service/web_push.hpp)
  return n.id;
}

void unnotify(App&, store::Connection& c, Id recipient, Id from, std::string_view type,
              std::optional<Id> status_id) {
  store::delete_notification_of(c, recipient, from, type, status_id);
}

}  // namespace herd::service
