// Precise invalidation of cached responses (api/response_cache.hpp).
//
// Tags name what a cached response was read from: a status, an account (its entity: profile and
// counts), an account's home feed, a list, a hashtag, the public timelines, an account's
// statuses page, everything computed for one signed-in viewer, and "other" for the cacheable
// routes that have no finer tags (instance, WebFinger, actor documents). While a response is
// computed, the reads note their tags (Dependencies: status_from_row, account_from_row, the
// signed-in viewer, each timeline's source); the cache keeps them with the entry.
//
// Every committed write moves Database::generation(). A write that runs inside a Changes scope
// declares the tags of everything a cached response can show that it changes: when it commits,
// the database reports those tags to the listener (the response cache, which drops the entries
// holding one of them) and leaves Database::cache_generation() alone. A write outside a scope
// (or whose scope named nothing, or when no listener is installed) moves cache_generation(),
// which empties the whole cache: the safe default. Other processes sharing the database see
// every write as moving both generations (their caches start over): precise tags stay within
// the process that wrote (a cross-process log of tags is not implemented).
//
// The contract that keeps cached answers exact: a write may run in a Changes scope only if every
// cached response it can change noted one of the tags it names. Store functions that write what
// cached responses show note their own tags into the current scope (Changes::note): the feed
// (home), account counts (account), status counts (status); services add the rest.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace herd::store {

// A 64-bit name of something cached responses are read from. A status's tag is its id; other
// kinds carry a kind in the top bits (a collision only drops more than needed).
using CacheTag = std::uint64_t;

namespace tags {
CacheTag status(Id status_id);
CacheTag account(Id account_id);           // the account entity: profile, counts, last status
CacheTag home_feed(Id account_id);         // the account's home timeline
CacheTag list(Id list_id);                 // a list timeline
CacheTag viewer(Id account_id);            // every response computed for this signed-in account
CacheTag account_statuses(Id account_id);  // /api/v1/accounts/:id/statuses (any viewer)
CacheTag public_statuses();                // public timelines (local, remote, only_media)
CacheTag hashtag(std::string_view name);   // a hashtag timeline (stored, lowercased name)
CacheTag other();                          // cacheable routes without finer tags
CacheTag nothing();  // held by no response: a write that changes nothing they read (tombstones)
// What the account did to statuses: its favourites, reblogs and bookmarks (its viewer flags, held
// by api/viewer_flag_cache.hpp; a response showing a flag holds the status's tag instead).
CacheTag flags_of(Id account_id);
bool is_flags_of(CacheTag tag);  // whether it is flags_of(account_of(tag))
Id account_of(CacheTag tag);     // the account a per-account tag names
bool is_status(CacheTag tag);    // whether it names a status (status())
// An account's row other than its counts (statuses, followers, following, last status): what the
// actor cache (store/actor_cache.hpp) keeps. Never held by a response; see note_account_row().
CacheTag account_row(Id account_id);
bool is_account_row(CacheTag tag);
}  // namespace tags

// While alive, the writes committed on this thread change only what the tags added to it name
// (see above). An inner scope passes its tags on to the outermost one.
class Changes {
 public:
  Changes();
  ~Changes();
  Changes(const Changes&) = delete;
  Changes& operator=(const Changes&) = delete;

  // Names a tag the scope's writes change. Call it before the write commits.
  void add(CacheTag tag);
  // Adds the tag to the current scope on this thread, if any (store functions that write).
  static void note(CacheTag tag);
  // Makes the current scope's commit, if any, change everything (the cache generation moves), for
  // store functions whose writes no tags name (a suspension, a removal of an account's rows).
  static void note_everything();
  // Names an account whose row, other than its counts, the current scope's writes change (store
  // functions that write accounts call it): the commit reports tags::account_row(account_id) to
  // the listener with the scope's tags, for the actor cache. Unlike add(), it never makes a commit
  // precise by itself: a scope that names no tag still moves the cache generation (which empties
  // the actor cache too). Count updates (adjust_account_counts, count_new_status) do not call it.
  static void note_account_row(Id account_id);

  // Group commit (store/group_commit.hpp): the outermost scope of a shared transaction collects
  // the tags its pieces declare. A piece's write made outside a scope of its own is seen by
  // write_started() (the group's Database::write does), and then the whole shared commit moves
  // the cache generation.
  struct Collector {};
  explicit Changes(Collector);
  static void write_started();

  // For the Database implementations, right after a versioned write committed on this thread:
  // true when the commit was reported to the listener as a change of the named tags only (the
  // cache generation must then not move); false when it must move it.
  static bool report_commit();

 private:
  Changes* outer_;
  bool declares_ = true;
  bool everything_ = false;  // a write not declared by any scope
  std::vector<CacheTag> tags_;
  std::vector<CacheTag> rows_;  // tags::account_row() of note_account_row()
};

using ChangeListener = std::function<void(const std::vector<CacheTag>& tags)>;

// Installs the process's listener (the response cache) while alive; at most one at a time.
class ChangeListening {
 public:
  explicit ChangeListening(ChangeListener listener);
  ~ChangeListening();  // waits for a call in progress to end
  ChangeListening(const ChangeListening&) = delete;
  ChangeListening& operator=(const ChangeListening&) = delete;
};

// While alive, collects the tags read on this thread: what a cached response depends on. A
// nested collector passes its tags on to the outer one.
class Dependencies {
 public:
  Dependencies();
  ~Dependencies();
  Dependencies(const Dependencies&) = delete;
  Dependencies& operator=(const Dependencies&) = delete;

  // The tags noted so far, sorted, without duplicates.
  std::vector<CacheTag> tags() const;
  // Called by the reads (status_from_row, account_from_row, timelines...).
  static void note(CacheTag tag);

 private:
  Dependencies* outer_;
  std::vector<CacheTag> tags_;
};

}  // namespace herd::store
