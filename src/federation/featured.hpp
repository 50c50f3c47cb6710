// The `featured` collection over ActivityPub, as Mastodon does it: pinning a status sends
// Add(Note id) and unpinning Remove(Note id), featuring a hashtag Add(Hashtag) and unfeaturing it
// Remove(Hashtag), all with the actor's `featured` collection as target, to the followers'
// inboxes. Received, they pin or unpin the sender's own status (fetched when unknown) and add or
// remove the sender's featured hashtag, so that its profile shows them.
#pragma once
#include <boost/json.hpp>
#include <string>

#include "app.hpp"
#include "federation/inbox.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

// Called by subscriber.hpp inside the service's transaction (local accounts only; nothing
// without remote followers).
void on_status_pinned(App& app, store::Connection& c, const store::Status& status, bool pinned);
void on_tag_featured(App& app, store::Connection& c, Id account_id, const std::string& tag_name,
                     bool featured);

// Add / Remove from `actor`.
IngestResult receive_featured(App& app, const boost::json::object& activity,
                              const store::Account& actor, bool add);

}  // namespace herd::federation
