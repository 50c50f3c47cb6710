// A timeline page assembled from the status rows the process's status cache holds
// (api/status_cache.hpp: each entry keeps the row it was rendered from, its author's existence and
// suspension, the accounts it mentions), so that the database is asked for the page's ids
// (store::page_home_feed_ids, store::page_public_timeline_ids: a fraction of the statement that
// reads the rows and their facts, bench/RESULTS.md) and then only for the rows it does not hold.
//
// Exact: the rows and facts are what the page statement (store::WithFacts) and
// store::load_page_facts would read for the same ids at the same moment. A status is taken from
// its entry unless it is not held (new, changed since, evicted, a feed entry whose status is gone),
// the viewer's follow of its author matters (a private status, a followers quote policy) and the
// viewer's follows are not remembered (api/timeline_viewer.hpp), a reblog wrapper's mention of the
// viewer would matter (its mentions are not held), or its flags are older than what the viewer
// flag cache knows (api/viewer_flag_cache.hpp): those are read by id, with their facts. Why the
// held rows are current: every write of a status row names the status (store/invalidation.hpp;
// its entry is dropped after the commit) or empties the cache, a write of an account (its
// suspension, its removal) names the account (whose tag the entries showing it hold) or empties
// the cache, and another process's write empties it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "api/status_cache.hpp"
#include "api/timeline_viewer.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

// The held part of a page: for each of its ids, in order, the row taken from its entry, or none
// (then `missing` lists its id, in page order).
struct HeldRows {
  std::vector<std::optional<store::Status>> rows;
  std::vector<Id> missing;
  HeldEntries entries;  // the entries the rows (and originals) were taken from, by status id
};

// Takes from `cache` at `version` (taken before the ids were read) the rows of the page `ids` for
// `viewer` (0: anonymous; else `known` is its TimelineViewer and `flags` its known flags, and
// without either every row is missing), and adds their facts to `facts` as store::WithFacts and
// load_page_facts fill them (flags and filters excepted: the caller adds the known flags and
// filters as for a page it read), with the reblogged originals it holds. Notes the taken
// statuses' tags (store::Dependencies) as reading them would.
HeldRows held_rows(StatusCache& cache, std::uint64_t version, Id viewer, const std::vector<Id>& ids,
                   const TimelineViewer* known, const store::KnownFlags* flags,
                   store::PageFacts& facts);

// The page whose ids are `ids` (read first, in page order): held_rows, and the missing rows read
// by id on `c` with their facts (`with`: its viewer, its facts, into which held_rows adds the held
// rows' too). None when a missing status is gone by then (the page statement would have filled
// the page with another: the caller reads the page whole, with fresh facts). Reblogged originals
// not held are left to store::load_page_facts, as for a page read whole. `entries` receives the
// entries the held rows were taken from (left empty with none).
std::optional<std::vector<store::Status>> page_from_ids(
    store::Connection& c, StatusCache& cache, std::uint64_t version, const std::vector<Id>& ids,
    const TimelineViewer* known, const store::KnownFlags* flags, const store::WithFacts& with,
    HeldEntries& entries);

// The rows of timeline pages since the process started, by where they came from (/metrics:
// herd_timeline_rows_total): taken from held entries and read by id (page_from_ids), or read with
// the page's own statement (counted by the caller: count_rows_read_whole).
struct TimelineRows {
  std::uint64_t held = 0, by_id = 0, whole = 0;
};
TimelineRows timeline_rows();
void count_rows_read_whole(std::size_t rows);

}  // namespace herd::api
