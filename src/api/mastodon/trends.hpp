// Shared by the public trends (tags.cpp, discovery.cpp) and the admin's trends review (trends.cpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>

#include "app.hpp"
#include "core/security_settings.hpp"
#include "http/params.hpp"
#include "http/request.hpp"
#include "store/preview_cards.hpp"
#include "store/tags.hpp"

namespace herd::api {

// Trends cover the last two days, as Mastodon's explore page shows them.
constexpr std::int64_t kTrendWindowMs = 2 * 24 * 3600 * 1000LL;

// What the public sees: as Mastodon, only the items an admin approved (trend review), or every
// item not rejected with HERD_TRENDABLE_BY_DEFAULT.
inline store::TrendReview public_trends(const App&) {
  return security_settings().trendable_by_default ? store::TrendReview::not_rejected
                                                  : store::TrendReview::approved;
}

// Trends::Link entities (PreviewCard + its 7-day history up to `now`), in order (discovery.cpp).
boost::json::array trending_links_json(store::Connection& c,
                                       const std::vector<store::PreviewCard>& cards,
                                       std::int64_t now);

// limit (default_limit, at most max_limit) and offset.
inline std::pair<int, int> limit_offset(const http::Request& request, int default_limit,
                                        int max_limit) {
  auto limit = http::param_int(request.params, "limit").value_or(default_limit);
  auto offset = http::param_int(request.params, "offset").value_or(0);
  return {static_cast<int>(std::clamp<std::int64_t>(limit, 1, max_limit)),
          static_cast<int>(std::max<std::int64_t>(offset, 0))};
}

}  // namespace herd::api
