#include "api/timeline_viewer.hpp"

#include <limits>

#include "api/generation_memo.hpp"
#include "api/status_cache.hpp"
#include "store/pipeline.hpp"

namespace herd::api {

namespace {

// Each with the first expiry among its filters (ms): not served from then on.
struct Remembered {
  std::shared_ptr<const TimelineViewer> value;
  std::int64_t valid_until;
};
using TimelineViewers = GenerationMemo<Id, Remembered>;

TimelineViewers& timeline_viewers() {
  static TimelineViewers viewers(1024);
  return viewers;
}

}  // namespace

std::shared_ptr<const TimelineViewer> timeline_viewer(store::Database& db, store::Connection& c,
                                                      Id viewer, std::uint64_t generation,
                                                      std::int64_t now) {
  // Remembered only alongside the status cache: a process without it (HERD_STATUS_CACHE_MB=0)
  // reads everything it shows at once, whatever another process wrote a moment ago.
  bool remember = status_cache() != nullptr;
  if (remember)
    if (auto known = timeline_viewers().get(&db, viewer, generation);
        known && now < known->valid_until)
      return known->value;
  auto results = store::query_all(
      c, {store::home_exclusions_statement(viewer), store::active_filters_statement(viewer, now)});
  auto value = std::make_shared<TimelineViewer>();
  value->exclusions = store::home_exclusions_from(results[0]);
  value->filters = store::active_filters_from(c, results[1], viewer, now);
  std::int64_t valid_until = std::numeric_limits<std::int64_t>::max();
  for (const auto& filter : value->filters.filters)
    if (filter.expires_at && *filter.expires_at < valid_until) valid_until = *filter.expires_at;
  if (remember) timeline_viewers().put(&db, viewer, generation, Remembered{value, valid_until});
  return value;
}

}  // namespace herd::api
