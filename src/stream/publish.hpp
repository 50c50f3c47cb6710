// What each action streams, and to whom: Mastodon's FanOutOnWriteService, RemoveStatusService and
// NotifyService rules. Services call these inside their write transaction; nothing is sent unless
// it commits (see hub.hpp). Each is a no-op when the App has no hub.
#pragma once
#include <string>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {
struct List;
}

namespace herd::stream {

// A status (or reblog) was stored. `update` goes to the user stream of every account whose home
// feed it entered (`home`, the fan-out's audience, the author included). A public status that is
// not a reblog also goes to the public streams (public, public:local or public:remote, and their
// :media variants when it has media; not when it replies to someone else) and to the hashtag
// streams of its tags (`tags`, their names). `mentioned`: the mentioned accounts. `lists`: the
// lists holding the author when the caller read them already (store/fan_out.hpp), else null.
void status_created(App& app, store::Connection& c, const store::Status& status,
                    const std::vector<Id>& home, const std::vector<std::string>& tags,
                    const std::vector<Id>& mentioned,
                    const std::vector<store::List>* lists = nullptr);

// A status is about to be removed (call before deleting it): `delete` (payload: its id) to every
// home feed holding it and the author's, to the public and hashtag streams it reached; and the
// same for each reblog of it, which goes with it.
void status_deleted(App& app, store::Connection& c, const store::Status& status);

// A status was edited (its content changed in place): `status.update` to everyone who may show
// it, as for a deletion (the reblogs are not sent again).
void status_updated(App& app, store::Connection& c, const store::Status& status);

// A notification was created: `notification` to its recipient's user and user:notification
// streams.
void notification_created(App& app, const store::Notification& notification);

// A direct status was stored: `conversation` (the Conversation it is now the last status of,
// rendered for each reader) to the local participants' direct streams.
void conversation_updated(App& app, const store::Status& status,
                          const std::vector<Id>& participants);

}  // namespace herd::stream
