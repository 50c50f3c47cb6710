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
  std::vector<store::Statement> statements{store::home_exclusions_statement(viewer),
                                           store::active_filters_statement(viewer, now)};
  // Whom the viewer follows, for pages assembled from held rows (api/held_page.hpp).
  const bool follows = remember;
  if (follows)
    statements.push_back(store::Statement{
        "SELECT target_account_id FROM follows WHERE account_id = ? ORDER BY target_account_id "
        "LIMIT ?",
        {store::Value(viewer),
         store::Value(static_cast<std::int64_t>(TimelineViewer::kMaxFollows + 1))}});
  auto results = store::query_all(c, statements);
  auto value = std::make_shared<TimelineViewer>();
  value->exclusions = store::home_exclusions_from(results[0]);
  value->filters = store::active_filters_from(c, results[1], viewer, now);
  if (follows && results[2].rows.size() <= TimelineViewer::kMaxFollows) {
    std::vector<Id> ids;
    ids.reserve(results[2].rows.size());
    for (const auto& row : results[2].rows) ids.push_back(row.i(0));
    value->follows = std::move(ids);
  }
  std::int64_t valid_until = std::numeric_limits<std::int64_t>::max();
  for (const auto& filter : value->filters.filters)
    if (filter.expires_at && *filter.expires_at < valid_until) valid_until = *filter.expires_at;
  if (remember) timeline_viewers().put(&db, viewer, generation, Remembered{value, valid_until});
  return value;
}

}  // namespace herd::api
