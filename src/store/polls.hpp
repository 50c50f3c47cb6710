// Polls attached to statuses (Mastodon's Poll and PollVote): options with their vote counts, the
// votes of local and remote accounts, and what the end of a poll needs (voters, their inboxes).
// A status has at most one poll. Counts are changed with atomic increments, so that concurrent
// votes never lose one. All functions run inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct PollOption {
  std::string title;
  std::int64_t votes_count = 0;
};

struct Poll {
  Id id = 0;
  Id status_id = 0;
  Id account_id = 0;  // the status's author
  std::vector<PollOption> options;
  std::optional<std::int64_t> expires_at;  // none: never ends (some remote polls)
  bool multiple = false, hide_totals = false;
  std::int64_t votes_count = 0;              // sum of the options' counts
  std::optional<std::int64_t> voters_count;  // unknown for some remote polls
  std::optional<std::string> uri;            // the Question's id (remote polls)
  std::optional<std::int64_t> closed_at;     // when the poll's end was processed
  std::optional<std::int64_t> last_fetched_at;
  std::int64_t created_at = 0, updated_at = 0;

  bool expired(std::int64_t now) const { return expires_at && *expires_at <= now; }
};

struct PollVote {
  Id id = 0;
  Id poll_id = 0;
  Id account_id = 0;
  int choice = 0;
  std::optional<std::string> uri;  // the vote's Note id (remote votes; local ones derive it)
  std::int64_t created_at = 0;
};

// Inserts the poll and its options.
void insert_poll(Connection& c, const Poll& poll);
std::optional<Poll> find_poll(Connection& c, Id id);
std::optional<Poll> find_poll_by_status(Connection& c, Id status_id);
// status id -> its poll, for a page of statuses in one query.
std::unordered_map<Id, Poll> load_status_polls(Connection& c, const std::vector<Id>& status_ids);
// poll id -> the account's choices (ascending), for the polls it voted in.
std::unordered_map<Id, std::vector<int>> own_votes_among(Connection& c, Id account_id,
                                                         const std::vector<Id>& poll_ids);
// Serialises votes on one poll until the transaction ends (PostgreSQL: a row lock; SQLite has one
// writer), so that two concurrent votes cannot both be someone's first in a single-choice poll.
void lock_poll(Connection& c, Id poll_id);
// Whether the account has any vote in the poll.
bool has_voted(Connection& c, Id poll_id, Id account_id);
// Inserts the vote unless (poll, account, choice) exists; returns whether it was inserted.
bool insert_vote(Connection& c, const PollVote& vote);
// Counts one more vote for `choice` (option and total), updated_at = now.
void count_vote(Connection& c, Id poll_id, int choice, std::int64_t now);
// One more voter (when voters_count is known).
void count_voter(Connection& c, Id poll_id);
// Replaces the counts of a remote poll: option counts by position, total, voters, end time.
// When the titles differ from the stored ones, the options are replaced (and local votes,
// which referred to the old options, dropped), as Mastodon does.
void refresh_remote_poll(Connection& c, const Poll& poll, std::int64_t now);
// Records a fetch of a remote poll (also a failed one: it is not retried at once).
void set_poll_fetched(Connection& c, Id poll_id, std::int64_t now);
// Marks the poll's end as processed; false when it already was.
bool close_poll(Connection& c, Id poll_id, std::int64_t now);
// Local accounts that voted in the poll.
std::vector<Id> local_voter_ids(Connection& c, Id poll_id);
// Remote accounts that voted in the poll.
std::vector<Id> remote_voter_ids(Connection& c, Id poll_id);
// Removes the poll of a status with its options and votes (the status is being deleted).
void delete_status_poll(Connection& c, Id status_id);
// Whether a job of this queue with exactly this payload is waiting (not yet run).
bool job_pending(Connection& c, std::string_view queue, std::string_view payload);

}  // namespace herd::store
