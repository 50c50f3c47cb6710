// Storage for federation: remote accounts' ActivityPub fields, lookups by URI, delivery audiences,
// domain blocks, the instance actor's key and the job queue (deliveries). All functions run
// inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// ---- settings -----------------------------------------------------------------------------------

// Stores name=value unless the name exists; returns whether it was stored.
bool insert_setting_if_absent(Connection& c, std::string_view name, std::string_view value);

// ---- remote accounts ----------------------------------------------------------------------------

// Inserts a remote account unless its (username, domain) exists; returns whether it was stored.
// An account of a silenced domain is stored silenced.
bool insert_remote_account(Connection& c, const Account& account);
// Rewrites what a remote actor document gives (uri too) (names, note, fields, URLs, key, images,
// type, flags, updated_at) and the local copies of its images (avatar_file, header_file) on the
// account with this id.
void update_remote_account(Connection& c, const Account& account);
// Sets updated_at of the remote account with this actor URI (a refresh that found nothing).
void touch_remote_account(Connection& c, std::string_view uri, std::int64_t now);
// Marks one account suspended (a remote actor deleted itself).
void set_account_suspended(Connection& c, Id account_id, bool suspended);
// Applies a domain block's severity to every account of the domain: suspend suspends them, silence
// limits (silences) them, anything else ("noop", "" when the block is lifted) lifts both.
void set_domain_severity(Connection& c, std::string_view domain, std::string_view severity);
// The id of the account whose actor URI is uri.
std::optional<Id> find_account_id_by_uri(Connection& c, std::string_view uri);
// The id of a status by its ActivityPub id (uri).
std::optional<Id> find_status_id_by_uri(Connection& c, std::string_view uri);

// ---- follows and statuses received from other servers
// --------------------------------------------

// Records the Follow activity id on the follow and/or follow request between the pair.
void set_follow_uri(Connection& c, Id account_id, Id target_id, std::string_view uri);
// The (follower, target) pair of the follow or follow request with this Follow activity id.
std::optional<std::pair<Id, Id>> find_follow_by_uri(Connection& c, std::string_view uri);
// The Follow activity id recorded for the pair ("" when none).
std::string follow_uri(Connection& c, Id account_id, Id target_id);
// Marks a status as having media (remote attachments were stored for it).
void set_status_has_media(Connection& c, Id id);
// Where a status came from and who may see it (a reblog received from another server).
void set_status_origin(Connection& c, Id id, std::string_view uri, std::string_view url, bool local,
                       Visibility visibility);

// ---- delivery audiences -------------------------------------------------------------------------
// An account without a known inbox stands in these lists as kNoInbox + its actor URI, so that the
// delivery can refetch the actor instead of dropping the activity.
inline constexpr std::string_view kNoInbox = "no-inbox:";

// Distinct inboxes (the shared inbox when the account has one) of the account's remote followers.
std::vector<std::string> follower_inboxes(Connection& c, Id account_id);
// The same for the remote followers of any of these accounts (each inbox once).
std::vector<std::string> follower_inboxes(Connection& c, const std::vector<Id>& account_ids);
// The local accounts that reblogged the status, first reblog first.
std::vector<Id> local_reblogger_ids(Connection& c, Id status_id);
// Who holds a copy of a status, as Mastodon's StatusReachFinder: each part set is read, all of
// them in one statement. Ids left 0 (and an empty `accounts`) ask nothing.
struct StatusReach {
  Id followers_of = 0;       // this account's followers
  Id mentions_of = 0;        // the accounts this status mentions
  std::vector<Id> accounts;  // these accounts (the replied-to author, a reblog's original author)
  Id interactions_of = 0;    // the accounts that reblogged, favourited or replied to this status
  Id quote_of = 0;           // the author of the status this status quotes
  Id quotes_of = 0;          // the authors of the accepted quotes of this status
  Id voters_of = 0;          // the voters in this status's poll
};
// Distinct inboxes (the shared inbox when the account has one) of the remote, unsuspended
// accounts of the reach.
std::vector<std::string> reach_inboxes(Connection& c, const StatusReach& reach);
// Whether any local account follows account_id or has asked to (a pending follow request: the
// author's posts may arrive before the Accept does, and the Accept merges them into home feeds).
bool has_local_follower(Connection& c, Id account_id);
// Whether any remote follower of account_id lives on this domain.
bool has_follower_on_domain(Connection& c, Id account_id, std::string_view domain);

// ---- domain blocks ------------------------------------------------------------------------------

// Whether a block cuts the domain off (severity suspend; silence limits its accounts, noop
// nothing).
bool is_domain_blocked(Connection& c, std::string_view domain);
// Whether the domain is limited (severity silence): it federates, its accounts are silenced.
bool is_domain_silenced(Connection& c, std::string_view domain);
// Whether a block of the domain (of any severity) rejects its media / its reports.
bool domain_rejects_media(Connection& c, std::string_view domain);
bool domain_rejects_reports(Connection& c, std::string_view domain);
// Returns false when the domain was already blocked.
bool insert_domain_block(Connection& c, Id id, std::string_view domain, std::string_view severity,
                         std::int64_t now);
bool delete_domain_block(Connection& c, std::string_view domain);
struct DomainBlock {
  Id id = 0;
  std::string domain, severity;  // severity: suspend | silence | noop
  std::int64_t created_at = 0;
  std::string public_comment, private_comment;  // "" when none
  bool obfuscate = false;                       // the domain is shown partly starred in public
  bool reject_media = false;    // nothing of the domain's media is fetched, stored or shown
  bool reject_reports = false;  // the domain's Flags are ignored
};
std::vector<DomainBlock> list_domain_blocks(Connection& c);  // by domain
// Rewrites severity, comments, obfuscate, reject_media and reject_reports of the block with
// block.id; whether it exists.
bool update_domain_block(Connection& c, const DomainBlock& block);

// ---- jobs ---------------------------------------------------------------------------------------

struct Job {
  Id id = 0;
  std::string queue;
  std::string payload;
  int attempts = 0;
};
void insert_job(Connection& c, Id id, std::string_view queue, std::string_view payload,
                std::int64_t run_at, std::int64_t now);
// Claims up to `limit` due jobs of the queue (run_at <= now, not locked by another worker) by
// locking them until now + lock_ms; PostgreSQL uses FOR UPDATE SKIP LOCKED so that several
// processes share the queue.
std::vector<Job> claim_jobs(Connection& c, std::string_view queue, std::int64_t now,
                            std::int64_t lock_ms, int limit);
// Whether the queue holds a job with exactly this payload.
bool has_job(Connection& c, std::string_view queue, std::string_view payload);
// Whether a claim would find something (a read: polling must not write).
bool has_due_jobs(Connection& c, std::string_view queue, std::int64_t now);
void delete_job(Connection& c, Id id);
// Unlocks the job for another attempt at run_at.
void retry_job(Connection& c, Id id, std::int64_t run_at, int attempts, std::string_view error);
std::int64_t count_jobs(Connection& c, std::string_view queue);
// The earliest run_at among the queue's unlocked jobs.
std::optional<std::int64_t> next_job_time(Connection& c, std::string_view queue);

}  // namespace herd::store
