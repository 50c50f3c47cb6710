// Polls over ActivityPub, as Mastodon federates them:
//  - a status with a poll is a Question (oneOf / anyOf options with replies.totalItems, endTime,
//    votersCount, closed once ended): see serialize.hpp;
//  - a vote is a Create(Note) with `name` = the option's title, inReplyTo = the Question, to = the
//    poll's author, no content; one per chosen option;
//  - new counts travel as Update(Question) to the author's followers and the remote voters.
#pragma once
#include <optional>
#include <vector>

#include "app.hpp"
#include "federation/activitystreams.hpp"
#include "federation/inbox.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/polls.hpp"

namespace herd::federation {

// ---- outbound (called by subscriber.hpp inside the service's transaction) ----------------------

// A local account voted in a remote poll: Create(Note) per vote to the poll author's inbox.
void on_poll_voted(App& app, store::Connection& c, Id account_id, const store::Status& status,
                   const store::Poll& poll, const std::vector<store::PollVote>& votes);
// A local poll's counts changed or it ended: Update(Question) to the author's followers (and
// mentioned accounts) and to the remote voters.
void on_poll_changed(App& app, store::Connection& c, const store::Status& status);

// A remote poll that may be stale is fetched again from its server and refreshed: once after its
// end when the last fetch was before it (final counts), else at most once a minute while it runs
// (Mastodon's Poll#possibly_stale? waits a minute in both cases). Fetches take at most a few
// seconds; a failed one leaves the poll as it is and counts as a fetch.
void refresh_stale_poll(App& app, const store::Status& status, const store::Poll& poll);

// ---- inbound (called by inbox.cpp)
// ----------------------------------------------------------------

// The poll of a parsed Question, as stored (ids and times left for the service to set).
std::optional<store::Poll> poll_of(const as::Post& post);
// When `post` is a vote (a Note with a name, no content, in reply to a local status with a poll),
// counts it for `actor` and returns the outcome; nullopt when it is not a vote.
std::optional<IngestResult> receive_poll_vote(App& app, const as::Post& post,
                                              const store::Account& actor);

}  // namespace herd::federation
