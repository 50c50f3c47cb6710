// Filters (Mastodon's CustomFilter, CustomFilterKeyword and CustomFilterStatus): an account's
// rules that warn about, blur or hide statuses matching keywords or naming statuses, in some
// contexts (home, notifications, public, thread, account). All functions run inside a caller's
// transaction or read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/pipeline.hpp"

namespace herd::store {

struct Filter {
  Id id = 0;
  Id account_id = 0;  // the owner
  std::string title;
  std::vector<std::string> context;    // home | notifications | public | thread | account
  std::string filter_action = "warn";  // warn | hide | blur
  std::optional<std::int64_t> expires_at;
  std::int64_t created_at = 0, updated_at = 0;
};

struct FilterKeyword {
  Id id = 0;
  Id filter_id = 0;
  std::string keyword;
  bool whole_word = true;
  std::int64_t created_at = 0;
};

struct FilterStatus {
  Id id = 0;
  Id filter_id = 0;
  Id status_id = 0;
  std::int64_t created_at = 0;
};

// Filters with their rules, each list ordered by id.
struct FilterSet {
  std::vector<Filter> filters;
  std::vector<FilterKeyword> keywords;
  std::vector<FilterStatus> statuses;
};

void insert_filter(Connection& c, const Filter& filter);
// Writes title, context, filter_action, expires_at and updated_at.
void update_filter(Connection& c, const Filter& filter);
// Deletes the filter, its keywords and its statuses.
void delete_filter(Connection& c, Id filter_id);
std::optional<Filter> find_filter(Connection& c, Id filter_id);

// Every filter of the owner (expired ones too) with its rules: one query, and when there are
// filters two more in one round trip (store/pipeline.hpp).
FilterSet filters_of(Connection& c, Id owner_id);
// The owner's filters in force at `now` (no expiry, or expiring later) with their rules: as
// filters_of.
FilterSet active_filters(Connection& c, Id owner_id, std::int64_t now);
// Every account with a filter in force at `now` in `context` (home, public...), whatever its
// rules: the stream hub asks once per event whom it must render for in their own filters.
std::vector<Id> accounts_filtering(Connection& c, std::string_view context, std::int64_t now);
// active_filters in two steps, for a batch (store/pipeline.hpp): the statement reading the
// filters, then the set from its answer (their rules: one more round trip when there are any).
Statement active_filters_statement(Id owner_id, std::int64_t now);
FilterSet active_filters_from(Connection& c, const Result& filters, Id owner_id, std::int64_t now);

void insert_filter_keyword(Connection& c, const FilterKeyword& keyword);
// Writes keyword and whole_word.
void update_filter_keyword(Connection& c, const FilterKeyword& keyword);
void delete_filter_keyword(Connection& c, Id keyword_id);
std::optional<FilterKeyword> find_filter_keyword(Connection& c, Id keyword_id);
std::vector<FilterKeyword> keywords_of_filter(Connection& c, Id filter_id);
// Every keyword of the owner's filters, oldest first (the v1 filters API lists these).
std::vector<FilterKeyword> keywords_of_owner(Connection& c, Id owner_id);

// Adds a status to a filter; false when it is already there.
bool insert_filter_status(Connection& c, const FilterStatus& status);
void delete_filter_status(Connection& c, Id filter_status_id);
std::optional<FilterStatus> find_filter_status(Connection& c, Id filter_status_id);
std::vector<FilterStatus> statuses_of_filter(Connection& c, Id filter_id);

}  // namespace herd::store
