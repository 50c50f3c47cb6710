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

// What a status's activity tells the servers it reaches.
enum class Reach {
  posted,   // Create / Announce: the audience it is published to
  edited,   // Update(Note): also whoever holds a copy and may still see it
  deleted,  // Delete / Undo(Announce): also whoever holds a copy
  poll,     // Update(Question) of its poll's counts: as edited, plus the poll's voters
};

// The inboxes a status's activity goes to (the shared inbox when an account has one, each once),
// read in one statement (store::reach_inboxes). Posted: the author's remote followers (except for
// a direct status), the remote accounts it mentions, the author it replies to (only for a public or
// unlisted status: a private or direct reply reaches them through a mention only) and,
// for a reblog, the reblogged author. Edited and deleted, as Mastodon's StatusReachFinder, also the
// author of the status it quotes, and the remote accounts that reblogged, favourited or replied to
// it -- for an edit only when the status is public or unlisted (they may not see a private one,
// or no longer), for a deletion always (a Delete shows nothing, and their copy must go: Mastodon's
// RemoveStatusService reaches them `unsafe`) -- and, for a public or unlisted status, the authors
// of its accepted quotes (quoted_update there).
std::vector<std::string> status_inboxes(store::Connection& c, const store::Status& status,
                                        Reach reach = Reach::posted);

}  // namespace herd::federation
