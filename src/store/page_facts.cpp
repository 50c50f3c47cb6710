// A page's reads about its rows for one viewer, in one batch (viewer_flags.hpp), and the queries
// they are made of.
#include <unordered_set>

#include "store/viewer_flags.hpp"

namespace herd::store {

namespace {

void append_ids(std::vector<Value>& params, const std::vector<Id>& ids) {
  for (Id id : ids) params.emplace_back(id);
}

// Adds id to `into` unless `seen` has it.
void add_once(std::vector<Id>& into, std::unordered_set<Id>& seen, Id id) {
  if (seen.insert(id).second) into.push_back(id);
}

}  // namespace

std::unordered_map<Id, AuthorFacts> load_author_facts(Connection& c, Id viewer,
                                                      const std::vector<Id>& authors) {
  if (authors.empty()) return {};
  Statement statement = author_facts_statement(viewer, authors);
  return author_facts_from(c.query(statement.sql, statement.params));
}

Statement author_facts_statement(Id viewer, const std::vector<Id>& authors) {
  std::vector<Value> params{Value(viewer), Value(viewer)};
  append_ids(params, authors);
  return Statement{
      "SELECT a.id, a.suspended, "
      "EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ? AND f.target_account_id = a.id), "
      "EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = ?) "
      "FROM accounts a WHERE a.id IN (" +
          placeholders(authors.size()) + ")",
      std::move(params)};
}

std::unordered_map<Id, AuthorFacts> author_facts_from(const Result& result) {
  std::unordered_map<Id, AuthorFacts> out;
  for (const Row& r : result.rows) out[r.i(0)] = AuthorFacts{r.b(1), r.b(2), r.b(3)};
  return out;
}

ViewerFlags viewer_flags_among(Connection& c, Id account_id, const std::vector<Id>& status_ids) {
  if (status_ids.empty() || account_id == 0) return {};
  Statement statement = viewer_flags_statement(account_id, status_ids);
  return viewer_flags_from(c.query(statement.sql, statement.params));
}

Statement viewer_flags_statement(Id account_id, const std::vector<Id>& status_ids) {
  std::vector<Value> params;
  std::string in = " (" + placeholders(status_ids.size()) + ")";
  for (int i = 0; i < 3; ++i) {
    params.emplace_back(account_id);
    append_ids(params, status_ids);
  }
  return Statement{
      "SELECT 0, status_id FROM favourites WHERE account_id = ? AND status_id IN" + in +
          " UNION ALL SELECT 1, reblog_of_id FROM statuses WHERE account_id = ? AND reblog_of_id "
          "IN" +
          in +
          " UNION ALL SELECT 2, status_id FROM bookmarks WHERE account_id = ? AND status_id IN" +
          in,
      std::move(params)};
}

ViewerFlags viewer_flags_from(const Result& result) {
  ViewerFlags out;
  for (const Row& r : result.rows) {
    std::int64_t which = r.i(0);
    (which == 0 ? out.favourited : which == 1 ? out.reblogged : out.bookmarked).insert(r.i(1));
  }
  return out;
}

PageFacts load_page_facts(Connection& c, Id viewer, const std::vector<Status>& rows) {
  PageFacts out;
  if (rows.empty()) return out;
  // The originals first (their authors are asked about with the others').
  std::vector<Id> originals;
  std::unordered_set<Id> seen_originals;
  for (const auto& s : rows)
    if (s.reblog_of_id) add_once(originals, seen_originals, *s.reblog_of_id);
  for (auto& s : find_statuses(c, originals)) out.originals.emplace(s.id, std::move(s));
  // Of the rows and the originals: the authors; content, the statuses with content (not reblog
  // wrappers); maybe_mentioning, those whose visibility may depend on a mention.
  std::vector<Id> authors, content, maybe_mentioning;
  std::unordered_set<Id> seen_authors;
  auto add = [&](const Status& s) {
    add_once(authors, seen_authors, s.account_id);
    if (!s.reblog_of_id) content.push_back(s.id);
    if (s.visibility == Visibility::private_ || s.visibility == Visibility::direct)
      maybe_mentioning.push_back(s.id);
  };
  std::unordered_set<Id> seen;
  for (const auto& s : rows)
    if (seen.insert(s.id).second) add(s);
  for (const auto& [id, s] : out.originals)
    if (seen.insert(id).second) add(s);
  std::vector<Statement> statements{author_facts_statement(viewer, authors)};
  if (viewer != 0) {
    statements.push_back(viewer_flags_statement(viewer, content));
    if (!maybe_mentioning.empty())
      statements.push_back(mentioning_statement(viewer, maybe_mentioning));
  }
  std::vector<Result> results = query_all(c, statements);
  out.authors = author_facts_from(results[0]);
  if (viewer != 0) out.flags = viewer_flags_from(results[1]);
  if (results.size() > 2)
    for (const Row& r : results[2].rows) out.mentioned.insert(r.i(0));
  return out;
}

}  // namespace herd::store
