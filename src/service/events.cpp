#include "service/events.hpp"

#include "federation/subscriber.hpp"
#include "mail/subscriber.hpp"
#include "service/web_push.hpp"
#include "stream/publish.hpp"

namespace herd::service {

void record(App& app, store::Connection& c, const Event& event) {
  if (event.kind == EventKind::notification_created && event.notification) {
    stream::notification_created(app, *event.notification);  // sent after commit
    enqueue_web_push(app, c, *event.notification);           // Web Push jobs
  }
  federation::on_event(app, c, event);  // delivery jobs
  mail::on_event(app, c, event);        // mail jobs
}

}  // namespace herd::service
