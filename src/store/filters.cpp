#include "store/filters.hpp"

#include <boost/json.hpp>

#include "store/pipeline.hpp"

namespace herd::store {

namespace {

constexpr const char* kFilterColumns =
    "id, account_id, title, context, filter_action, expires_at, created_at, updated_at";
constexpr const char* kKeywordColumns = "id, filter_id, keyword, whole_word, created_at";
constexpr const char* kStatusColumns = "id, filter_id, status_id, created_at";

std::string context_text(const std::vector<std::string>& context) {
  boost::json::array out;
  for (const auto& name : context) out.emplace_back(name);
  return boost::json::serialize(out);
}

std::vector<std::string> parse_context(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return out;
  for (const auto& item : value.as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

std::vector<Filter> filters_from(const Result& result) {
  std::vector<Filter> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows)
    out.push_back(
        Filter{r.i(0), r.i(1), r.s(2), parse_context(r.s(3)), r.s(4), r.oi(5), r.i(6), r.i(7)});
  return out;
}

std::vector<FilterKeyword> keywords_from(const Result& result) {
  std::vector<FilterKeyword> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows)
    out.push_back(FilterKeyword{r.i(0), r.i(1), r.s(2), r.b(3), r.i(4)});
  return out;
}

std::vector<FilterStatus> statuses_from(const Result& result) {
  std::vector<FilterStatus> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(FilterStatus{r.i(0), r.i(1), r.i(2), r.i(3)});
  return out;
}

constexpr const char* kActive = "account_id = ? AND (expires_at IS NULL OR expires_at > ?)";

// The filters matching `where` (over filters' columns).
Statement filters_statement(const std::string& where, std::vector<Value> params) {
  return Statement{
      std::string("SELECT ") + kFilterColumns + " FROM filters WHERE " + where + " ORDER BY id",
      std::move(params)};
}

// The set of these filters (read with `where`): their rules in one round trip.
FilterSet with_rules(Connection& c, std::vector<Filter> filters, const std::string& where,
                     const std::vector<Value>& params) {
  FilterSet set;
  set.filters = std::move(filters);
  if (set.filters.empty()) return set;
  std::string owned =
      " WHERE filter_id IN (SELECT id FROM filters WHERE " + where + ") ORDER BY id";
  auto results = query_all(
      c, {Statement{std::string("SELECT ") + kKeywordColumns + " FROM filter_keywords" + owned,
                    params},
          Statement{std::string("SELECT ") + kStatusColumns + " FROM filter_statuses" + owned,
                    params}});
  set.keywords = keywords_from(results[0]);
  set.statuses = statuses_from(results[1]);
  return set;
}

// The filters matching `where` and their rules.
FilterSet filter_set(Connection& c, const std::string& where, const std::vector<Value>& params) {
  Statement filters = filters_statement(where, params);
  return with_rules(c, filters_from(c.query(filters.sql, filters.params)), where, params);
}

}  // namespace

void insert_filter(Connection& c, const Filter& f) {
  c.query(std::string("INSERT INTO filters (") + kFilterColumns + ") VALUES (?,?,?,?,?,?,?,?)",
          {Value(f.id), Value(f.account_id), Value(f.title), Value(context_text(f.context)),
           Value(f.filter_action), opt(f.expires_at), Value(f.created_at), Value(f.updated_at)});
}

void update_filter(Connection& c, const Filter& f) {
  c.query(
      "UPDATE filters SET title = ?, context = ?, filter_action = ?, expires_at = ?, "
      "updated_at = ? WHERE id = ?",
      {Value(f.title), Value(context_text(f.context)), Value(f.filter_action), opt(f.expires_at),
       Value(f.updated_at), Value(f.id)});
}

void delete_filter(Connection& c, Id filter_id) {
  c.query("DELETE FROM filter_keywords WHERE filter_id = ?", {Value(filter_id)});
  c.query("DELETE FROM filter_statuses WHERE filter_id = ?", {Value(filter_id)});
  c.query("DELETE FROM filters WHERE id = ?", {Value(filter_id)});
}

std::optional<Filter> find_filter(Connection& c, Id filter_id) {
  auto filters = filters_from(c.query(
      std::string("SELECT ") + kFilterColumns + " FROM filters WHERE id = ?", {Value(filter_id)}));
  if (filters.empty()) return std::nullopt;
  return filters.front();
}

FilterSet filters_of(Connection& c, Id owner_id) {
  return filter_set(c, "account_id = ?", {Value(owner_id)});
}

FilterSet active_filters(Connection& c, Id owner_id, std::int64_t now) {
  return filter_set(c, kActive, {Value(owner_id), Value(now)});
}

Statement active_filters_statement(Id owner_id, std::int64_t now) {
  return filters_statement(kActive, {Value(owner_id), Value(now)});
}

FilterSet active_filters_from(Connection& c, const Result& filters, Id owner_id, std::int64_t now) {
  return with_rules(c, filters_from(filters), kActive, {Value(owner_id), Value(now)});
}

std::vector<Id> accounts_filtering(Connection& c, std::string_view context, std::int64_t now) {
  // context is stored as a JSON array of names (context_text): '["home","public"]'.
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT DISTINCT account_id FROM filters WHERE context LIKE ? AND "
                              "(expires_at IS NULL OR expires_at > ?)",
                              {Value("%\"" + std::string(context) + "\"%"), Value(now)})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

void insert_filter_keyword(Connection& c, const FilterKeyword& k) {
  c.query(std::string("INSERT INTO filter_keywords (") + kKeywordColumns + ") VALUES (?,?,?,?,?)",
          {Value(k.id), Value(k.filter_id), Value(k.keyword),
           Value(std::int64_t{k.whole_word ? 1 : 0}), Value(k.created_at)});
}

void update_filter_keyword(Connection& c, const FilterKeyword& k) {
  c.query("UPDATE filter_keywords SET keyword = ?, whole_word = ? WHERE id = ?",
          {Value(k.keyword), Value(std::int64_t{k.whole_word ? 1 : 0}), Value(k.id)});
}

void delete_filter_keyword(Connection& c, Id keyword_id) {
  c.query("DELETE FROM filter_keywords WHERE id = ?", {Value(keyword_id)});
}

std::optional<FilterKeyword> find_filter_keyword(Connection& c, Id keyword_id) {
  auto keywords = keywords_from(
      c.query(std::string("SELECT ") + kKeywordColumns + " FROM filter_keywords WHERE id = ?",
              {Value(keyword_id)}));
  if (keywords.empty()) return std::nullopt;
  return keywords.front();
}

std::vector<FilterKeyword> keywords_of_filter(Connection& c, Id filter_id) {
  return keywords_from(c.query(std::string("SELECT ") + kKeywordColumns +
                                   " FROM filter_keywords WHERE filter_id = ? ORDER BY id",
                               {Value(filter_id)}));
}

std::vector<FilterKeyword> keywords_of_owner(Connection& c, Id owner_id) {
  return keywords_from(
      c.query(std::string("SELECT ") + kKeywordColumns +
                  " FROM filter_keywords WHERE filter_id IN (SELECT id FROM filters WHERE "
                  "account_id = ?) ORDER BY id",
              {Value(owner_id)}));
}

bool insert_filter_status(Connection& c, const FilterStatus& s) {
  return c.query(std::string("INSERT INTO filter_statuses (") + kStatusColumns +
                     ") VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                 {Value(s.id), Value(s.filter_id), Value(s.status_id), Value(s.created_at)})
             .affected > 0;
}

void delete_filter_status(Connection& c, Id filter_status_id) {
  c.query("DELETE FROM filter_statuses WHERE id = ?", {Value(filter_status_id)});
}

std::optional<FilterStatus> find_filter_status(Connection& c, Id filter_status_id) {
  auto statuses = statuses_from(
      c.query(std::string("SELECT ") + kStatusColumns + " FROM filter_statuses WHERE id = ?",
              {Value(filter_status_id)}));
  if (statuses.empty()) return std::nullopt;
  return statuses.front();
}

std::vector<FilterStatus> statuses_of_filter(Connection& c, Id filter_id) {
  return statuses_from(c.query(std::string("SELECT ") + kStatusColumns +
                                   " FROM filter_statuses WHERE filter_id = ? ORDER BY id",
                               {Value(filter_id)}));
}

}  // namespace herd::store
