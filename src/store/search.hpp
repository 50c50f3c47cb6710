// Search queries for /api/v2/search: hashtags by prefix and statuses by URL (full-text search of
// statuses: store/status_search.hpp).
#pragma once
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// Tags whose name starts with `prefix` (lowercase), shortest first.
std::vector<Tag> search_tags(Connection& c, std::string_view prefix, int limit, int offset);
// The status with this uri or url, if stored.
std::vector<Status> find_statuses_by_url(Connection& c, std::string_view url);

}  // namespace herd::store
