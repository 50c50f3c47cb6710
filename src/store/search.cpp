#include "store/search.hpp"

#include <string>

#include "store/statuses.hpp"

namespace herd::store {

std::vector<std::pair<Id, std::string>> search_account_notes(Connection& c,
                                                             const std::vector<std::string>& words,
                                                             int limit) {
  std::vector<std::pair<Id, std::string>> out;
  if (words.empty()) return out;
  std::string sql =
      "SELECT id, note FROM accounts WHERE suspended = 0 AND discoverable = 1 AND note <> ''";
  std::vector<Value> params;
  for (const auto& word : words) {
    std::string pattern = "%";
    for (char ch : word) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    sql += " AND lower(note) LIKE ? ESCAPE '\\'";
    params.push_back(Value(pattern + "%"));
  }
  sql += " ORDER BY (domain = '') DESC, followers_count DESC, id LIMIT ?";
  params.push_back(Value(std::int64_t{limit}));
  for (const Row& r : c.query(sql, params).rows) out.emplace_back(r.i(0), r.s(1));
  return out;
}

std::vector<Tag> search_tags(Connection& c, std::string_view prefix, int limit, int offset) {
  std::vector<Tag> out;
  std::string pattern = std::string(prefix) + "%";
  for (const Row& r :
       c.query("SELECT id, name, created_at FROM tags WHERE name LIKE ? AND listable = 1 ORDER BY "
               "length(name), name LIMIT ? OFFSET ?",
               {Value(pattern), Value(std::int64_t{limit}), Value(std::int64_t{offset})})
           .rows)
    out.push_back(Tag{r.i(0), r.s(1), r.i(2)});
  return out;
}

std::vector<Status> find_statuses_by_url(Connection& c, std::string_view url) {
  std::vector<Id> ids;
  for (const Row& r :
       c.query("SELECT id FROM statuses WHERE (uri = ? OR url = ?) AND reblog_of_id IS "
               "NULL LIMIT 1",
               {Value(std::string(url)), Value(std::string(url))})
           .rows)
    ids.push_back(r.i(0));
  return find_statuses(c, ids);
}

}  // namespace herd::store
