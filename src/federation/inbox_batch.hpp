// Group commit for inbox activities (SQLite, store/group_commit.hpp). Applying one activity costs
// a dozen statements, and committing its transaction cost as much again; under load, activities
// are applied in shared transactions instead:
//
//   - the inbox route verifies the request on its own thread as before, then hands the activity to
//     the group-commit thread and waits for its outcome (202, or 403 when rejected), given only
//     after the commit that stored it, so an accepted activity is never lost;
//   - an activity that needs the network (a missing parent, an unknown mentioned actor...) or
//     fails is rolled back to its savepoint and applied alone by its request thread, as before
//     batching: no fetch ever runs inside the shared transaction (NoFetches);
//   - only the activity types whose effects are all in the database are batched (Create, Update,
//     Delete, Announce, Like, Undo, Follow, Accept, Reject, Block); others are applied directly.
#pragma once
#include <boost/json.hpp>

#include "app.hpp"
#include "federation/inbox.hpp"
#include "store/models.hpp"

namespace herd::federation {

// receive_activity(), in the next group commit when the App's database has one
// (store::attach_group_commit), else directly.
IngestResult receive_activity_batched(App& app, const boost::json::object& activity,
                                      const store::Account& actor, const Arrival& arrival = {});

}  // namespace herd::federation
