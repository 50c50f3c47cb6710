// Follows, follow requests, blocks and mutes between accounts.
#pragma once
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

struct Relationship {
  bool following = false, showing_reblogs = false, notifying = false, followed_by = false,
       blocking = false, blocked_by = false, muting = false, muting_notifications = false,
       requested = false, requested_by = false;
  bool domain_blocking = false;  // the viewer blocks the target's domain
  // Only for showing a Relationship (load_notes_and_endorsements), not for the rules:
  std::string note;       // the viewer's private note on the target
  bool endorsed = false;  // the viewer features the target on its profile
};
// The viewer's relationship with each target (missing targets get all-false), without note and
// endorsed: what the rules need (notifications, visibility, lists) on every write and read.
std::unordered_map<Id, Relationship> load_relationships(Connection& c, Id viewer,
                                                        const std::vector<Id>& targets);
// Adds the viewer's notes and endorsements to loaded relationships (the Relationship entity).
void load_notes_and_endorsements(Connection& c, Id viewer, const std::vector<Id>& targets,
                                 std::unordered_map<Id, Relationship>& relationships);

struct Follow {
  Id id = 0, account_id = 0, target_account_id = 0;
  bool show_reblogs = true, notify = false;
  std::optional<std::string> uri;
  std::int64_t created_at = 0;
};

// Insert returns false when the pair already exists (nothing changed).
bool insert_follow(Connection& c, const Follow& follow);
void update_follow_options(Connection& c, Id account_id, Id target_id, bool show_reblogs,
                           bool notify);
std::optional<Follow> find_follow(Connection& c, Id account_id, Id target_id);
bool delete_follow(Connection& c, Id account_id, Id target_id);
bool insert_follow_request(Connection& c, const Follow& request);
std::optional<Follow> find_follow_request(Connection& c, Id account_id, Id target_id);
bool delete_follow_request(Connection& c, Id account_id, Id target_id);
std::int64_t count_follow_requests(Connection& c, Id target_id);

bool insert_block(Connection& c, Id id, Id account_id, Id target_id, std::int64_t now);
bool delete_block(Connection& c, Id account_id, Id target_id);
// True when either account blocks the other.
bool blocked_either_way(Connection& c, Id a, Id b);
bool insert_mute(Connection& c, Id id, Id account_id, Id target_id, bool hide_notifications,
                 std::optional<std::int64_t> expires_at, std::int64_t now);
bool delete_mute(Connection& c, Id account_id, Id target_id);
bool is_following(Connection& c, Id account_id, Id target_id);

// A page of (row id, account id) pairs, newest row first, for Link-header pagination.
struct Entry {
  Id row_id = 0;
  Id account_id = 0;
};
std::vector<Entry> page_followers(Connection& c, Id target_id, const PageQuery& page);
std::vector<Entry> page_following(Connection& c, Id account_id, const PageQuery& page);
std::vector<Entry> page_follow_requests(Connection& c, Id target_id, const PageQuery& page);
std::vector<Entry> page_blocks(Connection& c, Id account_id, const PageQuery& page);
std::vector<Entry> page_mutes(Connection& c, Id account_id, const PageQuery& page);

// Local followers' account ids (for home-feed fan-out), and the ids the viewer blocks or mutes
// or is blocked by (for timeline filtering).
std::vector<Id> local_follower_ids(Connection& c, Id target_id);
// After a follow: the target's recent statuses the follower may see (public, unlisted, private;
// reblogs when show_reblogs) enter the follower's home feed (store::remove_author_from_feed in
// store/statuses.hpp is the reverse).
void merge_into_home_feed(Connection& c, Id follower_id, Id target_id, bool show_reblogs,
                          int limit);
// Accounts the viewer blocks, mutes or is blocked by, and accounts of domains it blocks.
std::vector<Id> hidden_account_ids(Connection& c, Id viewer);

// ---- private notes and domain blocks (Mastodon's AccountNote, AccountDomainBlock) --------------

// Sets the viewer's note on the target ("" removes it).
void set_account_note(Connection& c, Id account_id, Id target_id, const std::string& comment,
                      std::int64_t now);
// Returns false when already blocked / not blocked.
bool insert_account_domain_block(Connection& c, Id id, Id account_id, const std::string& domain,
                                 std::int64_t now);
bool delete_account_domain_block(Connection& c, Id account_id, const std::string& domain);
bool blocks_domain(Connection& c, Id account_id, const std::string& domain);
struct DomainBlockEntry {
  Id row_id = 0;
  std::string domain;
};
std::vector<DomainBlockEntry> page_account_domain_blocks(Connection& c, Id account_id,
                                                         const PageQuery& page);
// Endorsements (accounts featured on a profile, Mastodon's AccountPin). Insert/delete return
// whether a row changed; the page's row id is the endorsement's id.
bool insert_account_pin(Connection& c, Id id, Id account_id, Id target_id, std::int64_t now);
bool delete_account_pin(Connection& c, Id account_id, Id target_id);
std::vector<Entry> page_account_pins(Connection& c, Id account_id, const PageQuery& page);
// Accounts to suggest following: discoverable, not suspended, not the viewer, not followed or
// requested by it, not hidden from it (blocks, mutes, domain blocks) and not dismissed by it;
// local accounts first, then by followers, most first.
std::vector<Id> suggested_account_ids(Connection& c, Id viewer, int limit);
void dismiss_suggestion(Connection& c, Id viewer, Id account_id);
// Mastodon's familiar followers: for each target, the accounts the viewer follows that follow the
// target (suspended ones left out), newest follow first. Targets without any are absent.
std::unordered_map<Id, std::vector<Id>> familiar_follower_ids(Connection& c, Id viewer,
                                                              const std::vector<Id>& targets);
// The account's followers on that domain.
std::vector<Id> follower_ids_on_domain(Connection& c, Id account_id, const std::string& domain);

}  // namespace herd::store
