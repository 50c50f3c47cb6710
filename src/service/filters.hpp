// Filters (Mastodon's FiltersController, FilterKeywordsController, FilterStatusesController and
// the v1 FiltersController): an account's filters, their keywords and statuses, and applying
// them to statuses. Only the owner sees or changes a filter; anyone else gets not_found.
// Validation failures are ApiError validation (422) with Mastodon's messages.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/filters.hpp"
#include "store/models.hpp"
#include "text/keywords.hpp"

namespace herd::service {

struct KeywordInput {
  std::optional<Id> id;  // keywords_attributes: the keyword to change (or destroy)
  std::optional<std::string> keyword;
  std::optional<bool> whole_word;  // true when absent on create
  bool destroy = false;            // keywords_attributes[][_destroy]
};

// An optional expiry: absent (unchanged), given empty (never expires), or seconds from now.
struct ExpiresIn {
  bool given = false;
  std::optional<std::int64_t> seconds;
};

struct FilterInput {
  std::optional<std::string> title;
  std::optional<std::vector<std::string>> context;
  std::optional<std::string> filter_action;  // warn (default) | hide | blur
  ExpiresIn expires_in;
  std::vector<KeywordInput> keywords;  // keywords_attributes
};

struct FilterWithRules {
  store::Filter filter;
  std::vector<store::FilterKeyword> keywords;
  std::vector<store::FilterStatus> statuses;
};

// Every filter of the owner (expired ones too), oldest first.
std::vector<FilterWithRules> filters_of(store::Connection& c, Id owner_id);
FilterWithRules own_filter(store::Connection& c, Id owner_id, Id filter_id);
// Title and context required (context only home|notifications|public|thread|account), keywords
// not blank; keywords_attributes with an id must name a keyword of this filter (else 404).
FilterWithRules create_filter(App& app, Id owner_id, const FilterInput& input);
FilterWithRules update_filter(App& app, Id owner_id, Id filter_id, const FilterInput& input);
void delete_filter(App& app, Id owner_id, Id filter_id);

store::FilterKeyword own_filter_keyword(store::Connection& c, Id owner_id, Id keyword_id);
store::FilterKeyword add_filter_keyword(App& app, Id owner_id, Id filter_id,
                                        const KeywordInput& input);
store::FilterKeyword update_filter_keyword(App& app, Id owner_id, Id keyword_id,
                                           const KeywordInput& input);
void delete_filter_keyword(App& app, Id owner_id, Id keyword_id);

store::FilterStatus own_filter_status(store::Connection& c, Id owner_id, Id filter_status_id);
// The status must exist and be visible to the owner (422 otherwise), once per filter (422
// "Validation failed: Status has already been taken").
store::FilterStatus add_filter_status(App& app, Id owner_id, Id filter_id,
                                      std::optional<Id> status_id);
void delete_filter_status(App& app, Id owner_id, Id filter_status_id);

// The v1 API: each keyword is one filter (phrase = keyword and, on create, title), whose context,
// expiry and action (irreversible = hide) are its filter's.
struct V1FilterInput {
  std::optional<std::string> phrase;
  std::optional<std::vector<std::string>> context;
  std::optional<bool> irreversible, whole_word;
  ExpiresIn expires_in;
};
struct V1Filter {
  store::FilterKeyword keyword;
  store::Filter filter;
};
std::vector<V1Filter> v1_filters_of(store::Connection& c, Id owner_id);
V1Filter own_v1_filter(store::Connection& c, Id owner_id, Id keyword_id);
V1Filter create_v1_filter(App& app, Id owner_id, const V1FilterInput& input);
// Changing the filter's settings is refused (422) when the filter has several keywords.
V1Filter update_v1_filter(App& app, Id owner_id, Id keyword_id, const V1FilterInput& input);
// Removes the keyword (its filter stays), as Mastodon does.
void delete_v1_filter(App& app, Id owner_id, Id keyword_id);

// Mastodon's Status#searchable_text: the spoiler text, the content as plain text, the poll's
// options and the media descriptions, joined by blank lines.
std::string searchable_text(const store::Status& status, const std::vector<std::string>& options,
                            const std::vector<std::string>& media_descriptions);

// One filter that matched a status: the first keyword match as written in the text, and the
// filtered statuses among the status and the one it reblogs.
struct FilterMatch {
  const store::Filter* filter = nullptr;  // owned by the StatusFilters that matched
  std::optional<std::string> keyword_match;
  std::vector<Id> status_matches;
};

// A viewer's filters in force for one context, keywords compiled once; match many statuses.
class StatusFilters {
 public:
  StatusFilters() = default;
  // Keeps the filters of `set` whose context includes `context`.
  StatusFilters(const store::FilterSet& set, std::string_view context);
  // The viewer's filters in force now (three queries).
  static StatusFilters load(store::Connection& c, Id viewer, std::string_view context);

  bool empty() const { return filters_.empty(); }
  // The filters matching a status (its own id and the id it reblogs; the text of the status
  // proper), in filter order.
  std::vector<FilterMatch> match(std::string_view searchable, Id status_id,
                                 std::optional<Id> reblog_of_id) const;
  // Whether any of these matches hides the status (filter_action hide).
  static bool hides(const std::vector<FilterMatch>& matches);

 private:
  struct Compiled {
    store::Filter filter;
    text::KeywordMatcher keywords;
    std::unordered_set<Id> status_ids;
  };
  std::vector<Compiled> filters_;
};

}  // namespace herd::service
