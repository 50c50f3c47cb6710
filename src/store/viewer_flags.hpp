// What the viewer did to statuses about to be shown (the viewer-specific fields of a Status), and
// whose statuses the viewer's home timeline leaves out: one query each, for pages that would
// otherwise ask several (each query is a round trip on PostgreSQL).
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/filters.hpp"
#include "store/models.hpp"
#include "store/pipeline.hpp"
#include "store/statuses.hpp"

namespace herd::store {

struct ViewerFlags {
  std::unordered_set<Id> favourited, reblogged, bookmarked;
};

// Which of these statuses the account favourited, reblogged and bookmarked, in one query.
ViewerFlags viewer_flags_among(Connection& c, Id account_id, const std::vector<Id>& status_ids);
// viewer_flags_among as a statement (account_id non-zero, status_ids not empty) and its answer.
Statement viewer_flags_statement(Id account_id, const std::vector<Id>& status_ids);
ViewerFlags viewer_flags_from(const Result& result);

// The viewer's newest favourites, reblogs and bookmarks, by the id of the status acted on (at most
// `limit` of each), and the id from which they are all of them: a status from `complete_from` on
// that none of the lists holds is neither favourited, reblogged nor bookmarked by the viewer.
// Each list sorted, ascending.
struct KnownFlags {
  std::vector<Id> favourited, reblogged, bookmarked;
  Id complete_from = 0;
  std::size_t bytes() const;
};
// One statement (viewer non-zero, limit > 0) and its answer, given the same limit.
Statement known_flags_statement(Id viewer, int limit);
KnownFlags known_flags_from(const Result& result, int limit);

// The accounts (find_accounts) with the ids of the sensitized ones among them (a moderator marked
// their media sensitive),
// in one query.
struct PageAccounts {
  std::vector<Account> accounts;
  std::unordered_set<Id> sensitized;
};
PageAccounts find_page_accounts(Connection& c, const std::vector<Id>& ids);

// The accounts the viewer's home timeline leaves out, in one query: hidden (hidden_account_ids:
// blocked either way, muted, of a blocked domain) and the members of the viewer's exclusive
// lists (exclusive_list_member_ids).
struct HomeExclusions {
  std::vector<Id> hidden, exclusive_list_members;
};
HomeExclusions home_exclusions(Connection& c, Id viewer);
// home_exclusions as a statement, and its answer.
Statement home_exclusions_statement(Id viewer);
HomeExclusions home_exclusions_from(const Result& result);

// What a page's visibility check (service::visible_only) and its rendering ask about the rows
// loaded for one viewer: read with the rows (WithFacts, statuses.hpp), or asked together
// (store/pipeline.hpp: one round trip on PostgreSQL, one more first when the page has reblogs)
// instead of one query after the other. Each part answers as the query it replaces would for the
// same statuses, or for more of them (the rows and the originals all at once).
struct PageFacts {
  std::unordered_map<Id, Status> originals;     // the statuses the rows reblog (find_statuses)
  std::unordered_map<Id, AuthorFacts> authors;  // of the rows and originals (load_author_facts)
  std::unordered_set<Id> mentioned;  // of the private and direct ones, those mentioning the viewer
  ViewerFlags flags;                 // the viewer's, among the rows and originals
  // The viewer's filters in force (active_filters), when the caller has them: not loaded here.
  std::optional<FilterSet> filters;
  // The rows' own facts were read with them (WithFacts, statuses.hpp): their authors', their
  // flags (a reblog's: its original's) and their mentions of the viewer.
  bool rows_read = false;
};
// Loads into `facts` what it lacks about these rows: everything, or when the rows' facts were read
// with them, only the originals' (none without reblogs; those `facts` holds already are known
// with their facts: api/held_page.hpp). Viewer 0: no mentions or flags.
void load_page_facts(Connection& c, Id viewer, const std::vector<Status>& rows, PageFacts& facts);

// For WithFacts (statuses.hpp): the columns a page query adds after the status columns (over the
// statuses row `s`), the joins it adds after its FROM clause (SQLite), the parameters of each (the
// columns' first in the statement, then the joins', then the query's own), and the reading of a
// row's.
struct PageFactSql {
  std::string columns, joins;
  std::vector<Value> column_params, join_params;
};
PageFactSql page_fact_sql(Dialect dialect, const WithFacts& with);
void read_page_facts(const Row& row, int first_column, const Status& status, PageFacts& into);

// For batches (store/pipeline.hpp): find_statuses as a statement (ids not empty) and the statuses
// of its answer; mentioning as a statement (ids not empty).
Statement find_statuses_statement(const std::vector<Id>& ids);
std::vector<Status> statuses_of(const Result& result);
Statement mentioning_statement(Id account_id, const std::vector<Id>& status_ids);
// load_author_facts as a statement (authors not empty), of the authors of these statuses (not
// empty), and the answer of either.
Statement author_facts_statement(Id viewer, const std::vector<Id>& authors);
Statement author_facts_of_statuses_statement(Id viewer, const std::vector<Id>& status_ids);
std::unordered_map<Id, AuthorFacts> author_facts_from(const Result& result);

}  // namespace herd::store
