// Search queries for /api/v2/search: hashtags by prefix and statuses by URL (full-text search of
// statuses: store/status_search.hpp).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// Tags whose name starts with `prefix` (lowercase), shortest first.
std::vector<Tag> search_tags(Connection& c, std::string_view prefix, int limit, int offset);
// Discoverable, unsuspended accounts whose note (bio, HTML) contains every one of `words`
// (lowercase; LIKE wildcards in them match literally), local first, then by followers: (id, note)
// pairs for the caller to check the words against the note's text (its markup may match too).
std::vector<std::pair<Id, std::string>> search_account_notes(Connection& c,
                                                             const std::vector<std::string>& words,
                                                             int limit);
// The status with this uri or url, if stored.
std::vector<Status> find_statuses_by_url(Connection& c, std::string_view url);

}  // namespace herd::store
