#include "federation/inbox_batch.hpp"

#include <string_view>

#include "federation/activitystreams.hpp"
#include "federation/resolver.hpp"
#include "store/group_commit.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

// Activity types whose effects all live in the database (see inbox_batch.hpp).
bool batchable(std::string_view type) {
  for (std::string_view t : {"Create", "Update", "Delete", "Announce", "Like", "Undo", "Follow",
                             "Accept", "Reject", "Block"})
    if (type == t) return true;
  return false;
}

}  // namespace

IngestResult receive_activity_batched(App& app, const json::object& activity,
                                      const store::Account& actor, const Arrival& arrival) {
  if (batchable(as::type_of(activity))) {
    IngestResult result;
    if (store::run_in_group_commit(*app.db, [&] {
          NoFetches no_fetches;  // a fetch throws: the activity is then applied alone
          result = receive_activity(app, activity, actor, arrival);
        }))
      return result;
  }
  return receive_activity(app, activity, actor, arrival);
}

}  // namespace herd::federation
