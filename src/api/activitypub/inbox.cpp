// Inbox routes (stage 3 pending).
#include "api/activitypub/activitypub.hpp"

namespace herd::api::activitypub {

void add_inbox_routes(http::Router&, App&) {}

}  // namespace herd::api::activitypub
