// Search queries for /api/v2/search: hashtags by prefix and statuses by URL or text.
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
// Statuses whose source text contains `words` among those the account wrote, favourited,
// bookmarked or was mentioned in (Mastodon's search scope without a search engine); newest first.
std::vector<Id> search_own_status_ids(Connection& c, Id account_id, std::string_view words, int limit,
                                      int offset);

}  // namespace herd::store
