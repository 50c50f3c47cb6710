// What a timeline asks about its signed-in viewer before loading its rows: whose statuses it
// leaves out (store::home_exclusions), the viewer's filters in force (store::active_filters) and
// whom the viewer follows, read together in one round trip (store/pipeline.hpp) and
// remembered for the database generation they were read at, as authentication remembers token
// holders: every committed write moves the generation (a block, mute, domain block, list or filter
// change among them), and then they are read again. Filters also depend on the time: a remembered
// set holds only until the first of its filters expires. Another process's writes are seen when
// this process's generation sees them (as the status cache sees them), so they are remembered only
// where the status cache is on (api/status_cache.hpp; HERD_STATUS_CACHE_MB=0 turns both off).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/filters.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

struct TimelineViewer {
  store::HomeExclusions exclusions;
  store::FilterSet filters;  // in force at the time asked
  // The accounts the viewer follows, sorted (for pages assembled from held rows,
  // api/held_page.hpp): read with the rest, none for a viewer who follows more than kMaxFollows.
  static constexpr std::size_t kMaxFollows = 512;
  std::optional<std::vector<Id>> follows;
};

// The viewer's (non-zero) exclusions and filters in force at `now` (ms), as of `generation`
// (Database::generation() read before anything else of the request): remembered, or read on `c`
// and remembered.
std::shared_ptr<const TimelineViewer> timeline_viewer(store::Database& db, store::Connection& c,
                                                      Id viewer, std::uint64_t generation,
                                                      std::int64_t now);

}  // namespace herd::api
