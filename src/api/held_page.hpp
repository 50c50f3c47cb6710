// A timeline page assembled from the status rows the process's status cache holds
// (api/status_cache.hpp: each entry keeps the row it was rendered from, its author's existence and
// suspension, the accounts it mentions), so that the database is asked only for the page's ids
// (store::page_home_feed_ids, store::page_public_timeline_ids: on PostgreSQL a fraction of the
// statement that reads the rows and their facts, bench/RESULTS.md).
//
// Exact, or nothing: the rows and facts are what the page statement (store::WithFacts) and
// store::load_page_facts would read for the same ids at the same moment, or held_page() answers
// false and the caller reads the page as before. It answers false when a status or a reblogged
// original is not held (new, changed since, evicted, a feed entry whose status is gone), when the
// viewer's follow of an author matters (a private status, a followers quote policy) and the
// viewer's follows are not remembered (api/timeline_viewer.hpp), when a reblog wrapper's mention of
// the viewer would matter (its mentions are not held), and when a flag is older than what the
// viewer flag cache knows (api/viewer_flag_cache.hpp). Why the held rows are current: every write
// of a status row names the status (store/invalidation.hpp; its entry is dropped after the commit)
// or empties the cache, a write of an account (its suspension, its removal) names the account
// (whose tag the entries showing it hold) or empties the cache, and another process's write
// empties it.
#pragma once
#include <cstdint>
#include <vector>

#include "api/status_cache.hpp"
#include "api/timeline_viewer.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

// Fills `rows` (the page, in order) and `facts` (as store::WithFacts and load_page_facts fill
// them, flags and filters excepted: the caller adds the known flags and filters as for a page it
// read) from `cache` at `version` (taken before the ids were read), for `viewer` (0: anonymous;
// else `known` is its TimelineViewer and `flags` its known flags). Notes the statuses' tags
// (store::Dependencies) as reading them would. False (rows and facts then unspecified) when the
// page cannot be assembled exactly; see above.
bool held_page(StatusCache& cache, std::uint64_t version, Id viewer, const std::vector<Id>& ids,
               const TimelineViewer* known, const store::KnownFlags* flags,
               std::vector<store::Status>& rows, store::PageFacts& facts);

}  // namespace herd::api
