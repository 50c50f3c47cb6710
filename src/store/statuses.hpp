// Statuses and what hangs off them: mentions, hashtags, favourites, bookmarks, reblogs, the home
// feed (fanned out on write) and Idempotency-Key records. All functions run inside a caller's
// transaction or read; pages are newest first (store/page.hpp) and cost one query each.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"
#include "store/relationships.hpp"

namespace herd::store {

// ---- statuses ----------------------------------------------------------------------------------

std::optional<Status> find_status(Connection& c, Id id);
// In no particular order; unknown ids are skipped.
std::vector<Status> find_statuses(Connection& c, const std::vector<Id>& ids);
void insert_status(Connection& c, const Status& status);
// Deletes the status row and its mentions, tag links, favourites, bookmarks, feed entries and edit
// history
// (not its notifications: store/notifications.hpp).
void delete_status(Connection& c, Id id);
// Adds the deltas to the status's denormalised counters (never below 0).
void adjust_status_counts(Connection& c, Id status_id, std::int64_t replies, std::int64_t reblogs,
                          std::int64_t favourites);
// The account's reblog of status_id, if any.
std::optional<Status> find_reblog(Connection& c, Id account_id, Id reblog_of_id);
// Every reblog (wrapper status) of status_id.
std::vector<Status> find_reblogs_of(Connection& c, Id reblog_of_id);

// Sets (at = time) or clears (nullopt) a status's pin; counts the account's pinned statuses.
void set_pinned(Connection& c, Id status_id, std::optional<std::int64_t> at);
std::int64_t count_pinned(Connection& c, Id account_id);

// Filter of GET /api/v1/accounts/:id/statuses.
struct AccountStatusesFilter {
  bool only_media = false;
  bool exclude_replies = false;  // replies to other accounts (self-replies stay, as in Mastodon)
  bool exclude_reblogs = false;
  bool pinned = false;
  std::optional<std::string> tagged;  // hashtag name, any case, without '#'
};
// A page of the account's statuses that viewer_account_id (0: anonymous) may see: public and
// unlisted for everyone; private when the viewer follows the author or is the author or is
// mentioned; direct only for the author and mentioned accounts. Reblogs are included unless
// excluded (their own visibility applies). Cursors are the status ids.
std::vector<Status> page_account_statuses(Connection& c, Id account_id, Id viewer_account_id,
                                          const AccountStatusesFilter& filter,
                                          const PageQuery& page);

// What the visibility rule needs about each author for one viewer (0: anonymous), in one query.
struct AuthorFacts {
  bool suspended = false;
  bool followed_by_viewer = false;
  bool blocks_viewer = false;
};
std::unordered_map<Id, AuthorFacts> load_author_facts(Connection& c, Id viewer,
                                                      const std::vector<Id>& authors);

// ---- threads -----------------------------------------------------------------------------------

// The statuses status_id replies to, walking up at most `limit` levels, oldest first.
std::vector<Status> find_ancestors(Connection& c, Id status_id, int limit);
// Every reply below status_id (at most `limit`, down to `depth` levels), in thread order (depth
// first, older replies first).
std::vector<Status> find_descendants(Connection& c, Id status_id, int limit, int depth);
// The first `per_status` public and unlisted replies each status has from its own author (self
// replies, as Mastodon embeds them in a Note), oldest first: (id, uri) by status id.
std::unordered_map<Id, std::vector<std::pair<Id, std::string>>> load_self_replies(
    Connection& c, const std::vector<Id>& status_ids, std::size_t per_status);
// The public and unlisted direct replies to a status, oldest first, after min_id (exclusive),
// at most limit: those by its author (other_accounts=false) or by other, unsuspended accounts.
std::vector<Status> page_direct_replies(Connection& c, Id status_id, Id author_id,
                                        bool other_accounts, std::optional<Id> min_id, int limit);

// ---- mentions and tags -------------------------------------------------------------------------

void insert_mentions(Connection& c, Id status_id, const std::vector<Id>& account_ids);
std::vector<Id> mentioned_account_ids(Connection& c, Id status_id);
bool is_mentioned(Connection& c, Id status_id, Id account_id);
// status id -> mentioned account ids (in mention order of insertion, by account id).
std::unordered_map<Id, std::vector<Id>> load_mentions(Connection& c,
                                                      const std::vector<Id>& status_ids);
// Of these statuses, those that mention account_id.
std::unordered_set<Id> mentioning(Connection& c, Id account_id, const std::vector<Id>& status_ids);

// The tag's id, creating it (lowercased name) when new.
Id find_or_create_tag(Connection& c, std::string_view name, std::int64_t now);
std::optional<Tag> find_tag(Connection& c, std::string_view name);
// Attaches the hashtags to the status, leaving out those the staff made unusable.
void link_tags(Connection& c, Id status_id, const std::vector<Id>& tag_ids);
// status id -> tag names.
std::unordered_map<Id, std::vector<std::string>> load_tag_names(Connection& c,
                                                                const std::vector<Id>& status_ids);

// ---- favourites, bookmarks, reblog flags -------------------------------------------------------

// Insert returns false when the pair already exists; delete returns whether a row was removed.
bool insert_favourite(Connection& c, Id id, Id account_id, Id status_id, std::int64_t now);
bool delete_favourite(Connection& c, Id account_id, Id status_id);
bool insert_bookmark(Connection& c, Id id, Id account_id, Id status_id, std::int64_t now);
bool delete_bookmark(Connection& c, Id account_id, Id status_id);

// Who favourited / reblogged a status: row id = favourite id / reblog status id.
std::vector<Entry> page_favourited_by(Connection& c, Id status_id, const PageQuery& page);
std::vector<Entry> page_reblogged_by(Connection& c, Id status_id, const PageQuery& page);

// The account's favourites / bookmarks: row id = favourite / bookmark id.
struct StatusEntry {
  Id row_id = 0;
  Id status_id = 0;
};
std::vector<StatusEntry> page_favourites(Connection& c, Id account_id, const PageQuery& page);
std::vector<StatusEntry> page_bookmarks(Connection& c, Id account_id, const PageQuery& page);

// application id -> (name, website) for rendering.
struct ApplicationName {
  std::string name;
  std::optional<std::string> website;
};
std::unordered_map<Id, ApplicationName> load_application_names(Connection& c,
                                                               const std::vector<Id>& ids);

// ---- timelines ---------------------------------------------------------------------------------

// Local accounts whose home feed receives a status by `author`: its local followers (only those
// showing reblogs when `reblog`; only those also following `reply_to` when set, or being it), minus
// accounts that block or mute any of `authors` or are blocked by them, and minus accounts whose
// feed already holds `skip_if_holding` (a reblogged original).
struct FeedAudienceQuery {
  Id author = 0;
  bool reblog = false;
  std::optional<Id> reply_to;
  std::vector<Id> authors;
  std::optional<Id> skip_if_holding;
};
std::vector<Id> feed_audience(Connection& c, const FeedAudienceQuery& query);
// Local followers of `author` who asked to be notified of its posts (follows.notify).
std::vector<Id> subscribed_follower_ids(Connection& c, Id author);
// Of `candidates`, those that do not block or mute any of `authors` and are not blocked by them.
std::vector<Id> not_hiding(Connection& c, const std::vector<Id>& candidates,
                           const std::vector<Id>& authors);
// Adds status_id to each account's home feed (existing entries are kept).
// Asks a timeline's page query to read, with each row, what store::load_page_facts would ask
// about it for this viewer (viewer_flags.hpp), into `into`: one statement, one round trip on
// PostgreSQL, instead of the rows and then their facts. Nothing more when `into` is null.
struct PageFacts;
// What the caller knows is not asked: the viewer's favourites, reblogs and
// bookmarks of the statuses from `flags_known_from` on (KnownFlags, viewer_flags.hpp: those rows'
// flags read false, the caller adds its own), and whether an author blocks the viewer when the
// page leaves out those authors (`blockers_hidden`: HomeExclusions::hidden holds them).
struct WithFacts {
  Id viewer = 0;
  PageFacts* into = nullptr;
  std::optional<Id> flags_known_from;
  bool blockers_hidden = false;
};

void insert_feed_entries(Connection& c, Id status_id, const std::vector<Id>& account_ids);
bool feed_holds(Connection& c, Id account_id, Id status_id);
// Removes an account's feed entries for statuses authored by author_id (unfollow, block).
void remove_author_from_feed(Connection& c, Id account_id, Id author_id);
// A page of the account's home feed, skipping statuses (and reblogs of statuses) by the accounts
// in `hidden`, and statuses written by the accounts in `not_by` (members of exclusive lists). One
// range scan of the feed index. Cursors are the status ids.
std::vector<Status> page_home_feed(Connection& c, Id account_id, const std::vector<Id>& hidden,
                                   const PageQuery& page, const std::vector<Id>& not_by = {},
                                   const WithFacts& with = {});

// page_home_feed's statuses' ids alone, in page order, without reading their rows: with nobody
// hidden and no exclusive list, an index-only scan of the feed, where the ids may include feed
// entries whose status is gone (page_home_feed leaves those out); else the same statement as
// page_home_feed's (the same ids).
std::vector<Id> page_home_feed_ids(Connection& c, Id account_id, const std::vector<Id>& hidden,
                                   const PageQuery& page, const std::vector<Id>& not_by = {});

// The statuses with these ids (in any order; unknown ones left out), newest first, each read as a
// timeline page reads its rows (WithFacts): the rows of a page whose ids were read first and whose
// other rows the status cache held (api/held_page.hpp).
std::vector<Status> find_page_statuses(Connection& c, const std::vector<Id>& ids,
                                       const WithFacts& with);

// The newest direct statuses the account wrote or is mentioned in (at most `limit`), newest first.
std::vector<Status> recent_direct_statuses(Connection& c, Id account_id, int limit);

// A page of the statuses (and reblogs) by the members of a list, not direct ones, skipping those
// by (or reblogging) the accounts in `hidden`. Visibility to the owner is the caller's to check.
// Cursors are the status ids.
std::vector<Status> page_list_timeline(Connection& c, Id list_id, const std::vector<Id>& hidden,
                                       const PageQuery& page);

struct PublicTimelineFilter {
  bool local = false;       // only local statuses
  bool remote = false;      // only remote statuses
  bool only_media = false;  // only statuses with media
};
// Public-visibility original statuses (no reblogs), skipping authors in `hidden`.
std::vector<Status> page_public_timeline(Connection& c, const PublicTimelineFilter& filter,
                                         const std::vector<Id>& hidden, const PageQuery& page,
                                         const WithFacts& with = {});
// page_public_timeline's statuses' ids alone, in page order (the same statement, asking only ids).
std::vector<Id> page_public_timeline_ids(Connection& c, const PublicTimelineFilter& filter,
                                         const std::vector<Id>& hidden, const PageQuery& page);
// Hashtag timeline selection (lowercase names): any of `any`, and all of `all`, none of `none`.
struct TagQuery {
  std::vector<std::string> any, all, none;
};
// Public-visibility original statuses matching the tag query.
std::vector<Status> page_tag_timeline(Connection& c, const TagQuery& tags,
                                      const PublicTimelineFilter& filter,
                                      const std::vector<Id>& hidden, const PageQuery& page,
                                      const WithFacts& with = {});
// Public-visibility original statuses of discoverable accounts showing the link preview card
// (Mastodon's link timeline).
std::vector<Status> page_link_timeline(Connection& c, Id card_id,
                                       const PublicTimelineFilter& filter,
                                       const std::vector<Id>& hidden, const PageQuery& page,
                                       const WithFacts& with = {});

// ---- Idempotency-Key ---------------------------------------------------------------------------

// The status created by this account with this key at or after `since` (unix ms), if it exists.
std::optional<Id> find_idempotent_status(Connection& c, Id account_id, std::string_view key,
                                         std::int64_t since);
// Records (or replaces an expired) key -> status.
void put_idempotency_key(Connection& c, Id account_id, std::string_view key, Id status_id,
                         std::int64_t now);
// Takes the key for a status about to be inserted (status_id) in this transaction: true when it
// was free or only held by an entry older than `since`. False when another status holds it; with
// PostgreSQL a transaction that holds it uncommitted is waited for, so that two requests with one
// key on two processes never both post.
bool claim_idempotency_key(Connection& c, Id account_id, std::string_view key, Id status_id,
                           std::int64_t now, std::int64_t since);

}  // namespace herd::store
