// Mastodon-style cursor pagination for queries ordered by an id column, newest first.
//   max_id:   only rows with id < max_id
//   since_id: only rows with id > since_id (the newest page above it)
//   min_id:   only rows with id > min_id, the page immediately above it (oldest first in SQL,
//             returned newest first)
#pragma once
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace herd::store {

struct PageQuery {
  std::optional<Id> max_id, since_id, min_id;
  int limit = 20;
};

// Appends " AND column < ? ..." conditions to `where` (which must already hold a condition or
// "1=1") and returns the " ORDER BY column DESC|ASC LIMIT n" tail.
inline std::string page_sql(const PageQuery& page, const std::string& column, std::string& where,
                            std::vector<Value>& params) {
  if (page.max_id) {
    where += " AND " + column + " < ?";
    params.emplace_back(*page.max_id);
  }
  if (page.since_id) {
    where += " AND " + column + " > ?";
    params.emplace_back(*page.since_id);
  }
  if (page.min_id) {
    where += " AND " + column + " > ?";
    params.emplace_back(*page.min_id);
  }
  bool ascending = page.min_id.has_value();
  return " ORDER BY " + column + (ascending ? " ASC" : " DESC") + " LIMIT " +
         std::to_string(std::clamp(page.limit, 1, 200));
}

// Restores newest-first order after an ascending (min_id) query.
template <typename T>
void finish_page(const PageQuery& page, std::vector<T>& rows) {
  if (page.min_id) std::reverse(rows.begin(), rows.end());
}

}  // namespace herd::store
