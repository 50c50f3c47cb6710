// Polls (Mastodon's PostStatusService poll part, VoteService, PollExpirationNotifyWorker and
// ActivityPub::DistributePollUpdateWorker), each action in the caller's or its own transaction.
//
// The end of a poll and the spreading of new counts are jobs in the `jobs` table (queue "polls"),
// so that they survive restarts and run once: run_poll_jobs runs them (`herd serve` every second).
//  - "close" at expires_at: marks the poll ended, notifies ("poll") the author of a local poll and
//    the local voters, and sends Update(Question) with `closed` for a local poll.
//  - "update" a few seconds after a vote on a local poll (one pending per poll): Update(Question)
//    with the new counts to the author's followers and the remote voters. None while totals are
//    hidden.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/polls.hpp"

namespace herd::service {

struct NewPoll {
  std::vector<std::string> options;        // poll[options][]
  std::optional<std::int64_t> expires_in;  // poll[expires_in], seconds
  bool multiple = false, hide_totals = false;
};

// Validates a poll of a new status with Mastodon's messages (422): options stripped and blank ones
// dropped, then 2..4 options, each at most 50 characters, no duplicates; expires_in within
// 300..2629746 s; no media with a poll.
void validate_poll(const NewPoll& poll, bool with_media);

// Inside post_status's transaction, after the status row is stored: stores the poll (validated)
// and schedules its end.
store::Poll create_poll(App& app, store::Connection& c, const store::Status& status,
                        const NewPoll& poll, std::int64_t now);

// The poll and its status, when the viewer may see the status; ApiError not_found otherwise.
std::pair<store::Poll, store::Status> find_visible_poll(store::Connection& c, Id viewer,
                                                        Id poll_id);

// The account votes for `choices` (option indexes as strings). 404 when the poll's status is not
// visible, 403 when the author and the voter block each other, 400 without choices, 422 with
// Mastodon's messages: the poll has ended, a choice out of range, a vote in one's own poll,
// already voted (also: several choices in a single-choice poll). A vote on a remote poll is sent
// to its author (Create(Note) per choice). Returns the poll afterwards.
store::Poll vote(App& app, Id account_id, Id poll_id, const std::vector<std::string>& choices);

// ---- federation ingest
// ---------------------------------------------------------------------------

// Stores the poll of a remote status just received (Create(Question)); id, status_id, account_id,
// created_at and updated_at are set here.
void receive_poll(App& app, const store::Status& status, store::Poll poll);
// The same inside the caller's transaction (the status's own write, so that the status is never
// seen without its poll).
void receive_poll(store::Connection& c, const store::Status& status, store::Poll poll);
// New counts (and end time) of a remote status's poll (Update(Question)); stores the poll when the
// status had none.
void refresh_poll(App& app, const store::Status& status, const store::Poll& poll);
// A remote account's vote (a Note with the option's title as `name`) in a local poll. Returns
// false when it does not count (unknown option, ended, already voted...).
bool receive_vote(App& app, Id account_id, const store::Status& status,
                  const std::string& option_title, const std::string& uri);

// ---- jobs
// ------------------------------------------------------------------------------------------

inline constexpr std::string_view kPollQueue = "polls";

// Runs the due poll jobs; returns how many ran.
int run_poll_jobs(App& app, std::int64_t now);

}  // namespace herd::service
