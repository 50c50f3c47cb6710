// ActivityStreams documents for stored statuses: loads what serialize.hpp needs (authors,
// mentioned accounts, hashtags, the replied-to status, the reblogged original) in batches and
// builds the Note, the Create or the Announce.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::federation {

namespace json = boost::json;

// The object published at a status's URI: a Note for an original, an Announce for a reblog.
// nullopt when a needed row is missing.
std::optional<json::object> status_object(App& app, store::Connection& c,
                                          const store::Status& status);
// The activity that published it: Create(Note) for an original, Announce for a reblog.
std::optional<json::object> status_activity(App& app, store::Connection& c,
                                            const store::Status& status);
// Activities for a page of statuses (outbox), in order, with a fixed number of queries.
json::array status_activities(App& app, store::Connection& c,
                              const std::vector<store::Status>& statuses, bool embed_context);
// Notes (not activities) for statuses, in order (featured collection).
json::array status_notes(App& app, store::Connection& c,
                         const std::vector<store::Status>& statuses);

// Delete(Tombstone) for a status that is being removed (call before the rows are gone).
std::optional<json::object> delete_document(App& app, store::Connection& c,
                                            const store::Status& status);

// The audience a status's activities go to: the inboxes of the author's remote followers
// (except for direct statuses) and of the remote accounts it mentions or replies to. With
// `reach_quotes` (edits and deletions), also as Mastodon's StatusReachFinder: the author of the
// status it quotes, and, for a public or unlisted status, the authors of its accepted quotes, so
// that the servers showing it inside a quote learn of the change (quoted_update there).
std::vector<std::string> status_inboxes(store::Connection& c, const store::Status& status,
                                        bool reach_quotes = false);

}  // namespace herd::federation
