// Group commit for inbox activities (SQLite). Applying one activity costs a dozen statements, and
// committing its transaction (writing every page it touched to the WAL) cost as much again; under
// load, activities are applied in batches instead:
//
//   - the inbox route verifies the request on its own thread as before, then hands the activity to
//     the batch thread and waits for its outcome;
//   - the batch thread takes every activity waiting (at most 64), applies each with
//     receive_activity() inside ONE transaction, each in its own savepoint, commits, then wakes
//     the waiting requests with their outcomes (202, or 403 when rejected). A request is answered
//     only after the commit that stored its activity, so an accepted activity is never lost.
//   - during a batch, every database read and write made on the batch thread (the services'
//     own transactions included) runs on the batch's connection, inside the activity's
//     savepoint: reads see what the batch wrote so far (a Follow and its Undo in one batch).
//   - an activity that needs the network (a missing parent, an unknown mentioned actor...) or
//     fails is rolled back to its savepoint and applied alone by its request thread, as before
//     batching: no fetch ever runs inside the batch's transaction.
//   - only the activity types whose effects are all in the database are batched (Create, Update,
//     Delete, Announce, Like, Undo, Follow, Accept, Reject, Block); others are applied directly.
// A batch that fails to commit is applied again activity by activity by the waiting requests.
// With one request waiting, the batch is that one activity: nothing waits for a batch to fill.
#pragma once
#include <boost/json.hpp>
#include <memory>

#include "app.hpp"
#include "federation/inbox.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

// Wraps the App's SQLite database (as the outermost layer) so that inbox activities can be
// applied in batches. PostgreSQL is left as it is: its writers run side by side and its commits
// are cheap, while one batch thread would run every statement's round trip in series (measured:
// no gain). HERD_INBOX_BATCH=0 in the environment disables batching (every activity in its own
// transaction, for comparison).
std::unique_ptr<store::Database> attach_inbox_batching(std::unique_ptr<store::Database> database);

// receive_activity(), in the next batch when the App's database was attached, else directly.
IngestResult receive_activity_batched(App& app, const boost::json::object& activity,
                                      const store::Account& actor);

}  // namespace herd::federation
