// Moderation and account migration over ActivityPub (implemented in inbox_moderation.cpp):
//
//   outbound  Flag   a forwarded report: actor = the instance actor, object = [target account,
//                    reported statuses], content = the comment; sent to the target's inbox
//   inbound   Flag   a report about local accounts (and their local statuses); objects that are
//                    not ours are ignored; the reporter is the sending actor; staff notified
//   inbound   Move   actor = object = the origin; the target actor, fetched fresh, must list the
//                    origin in alsoKnownAs; then the origin is marked moved and its local
//                    followers follow the target instead (service::move_followers)
#pragma once
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app.hpp"
#include "federation/inbox.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/reports.hpp"

namespace herd::federation {

// The Flag of a forwarded report.
boost::json::object flag_activity(const App& app, const store::Report& report,
                                  const std::string& target_uri,
                                  const std::vector<std::string>& status_uris);
// Queues the Flag for the target's inbox (subscriber.hpp, inside the report's transaction).
void on_report_forwarded(App& app, store::Connection& c, const store::Report& report,
                         const store::Account& target);

IngestResult receive_flag(App& app, const boost::json::object& activity,
                          const store::Account& actor);
IngestResult receive_move(App& app, const boost::json::object& activity,
                          const store::Account& actor);

// Adds alsoKnownAs / movedTo to a local account's actor document (when it has them).
void publish_migration(store::Connection& c, const store::Account& account,
                       boost::json::object& actor);

// The alsoKnownAs URIs an actor document lists.
std::vector<std::string> also_known_as_of(const boost::json::object& actor);

}  // namespace herd::federation
