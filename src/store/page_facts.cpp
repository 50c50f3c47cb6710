// A page's reads about its rows for one viewer, in one batch (viewer_flags.hpp), and the queries
// they are made of.
#include <algorithm>
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

namespace {
// The facts of the accounts `in` names (an IN list's inside), with its parameters.
Statement author_facts_in(Id viewer, const std::string& in, const std::vector<Id>& ids) {
  std::vector<Value> params{Value(viewer), Value(viewer)};
  append_ids(params, ids);
  return Statement{
      "SELECT a.id, a.suspended, "
      "EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ? AND f.target_account_id = a.id), "
      "EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = ?) "
      "FROM accounts a WHERE a.id IN (" +
          in + ")",
      std::move(params)};
}
}  // namespace

Statement author_facts_statement(Id viewer, const std::vector<Id>& authors) {
  return author_facts_in(viewer, placeholders(authors.size()), authors);
}

Statement author_facts_of_statuses_statement(Id viewer, const std::vector<Id>& status_ids) {
  return author_facts_in(
      viewer,
      "SELECT account_id FROM statuses WHERE id IN (" + placeholders(status_ids.size()) + ")",
      status_ids);
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

Statement known_flags_statement(Id viewer, int limit) {
  // Each list from its index backwards (favourites and bookmarks: unique (account_id, status_id);
  // reblogs: statuses_account_reblogs, migration 66).
  auto newest = [](const char* column, const char* from_where) {
    return std::string("SELECT ") + column + " AS id FROM " + from_where + " ORDER BY " + column +
           " DESC LIMIT ?";
  };
  std::vector<Value> params;
  for (int i = 0; i < 3; ++i) {
    params.emplace_back(viewer);
    params.emplace_back(std::int64_t{limit});
  }
  return Statement{
      "SELECT 0, id FROM (" + newest("status_id", "favourites WHERE account_id = ?") +
          ") f UNION ALL SELECT 1, id FROM (" +
          newest("reblog_of_id", "statuses WHERE account_id = ? AND reblog_of_id IS NOT NULL") +
          ") r UNION ALL SELECT 2, id FROM (" +
          newest("status_id", "bookmarks WHERE account_id = ?") + ") b",
      std::move(params)};
}

KnownFlags known_flags_from(const Result& result, int limit) {
  KnownFlags out;
  for (const Row& r : result.rows) {
    std::int64_t which = r.i(0);
    (which == 0 ? out.favourited : which == 1 ? out.reblogged : out.bookmarked).push_back(r.i(1));
  }
  for (auto* ids : {&out.favourited, &out.reblogged, &out.bookmarked}) {
    std::sort(ids->begin(), ids->end());
    // A full list says nothing below its oldest: one more of them may lie there (a reblogged
    // status may be reblogged twice, so its oldest itself is known).
    if (ids->size() >= static_cast<std::size_t>(limit))
      out.complete_from = std::max(out.complete_from, ids->front());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    ids->shrink_to_fit();
  }
  return out;
}

std::size_t KnownFlags::bytes() const {
  return sizeof(KnownFlags) +
         (favourited.capacity() + reblogged.capacity() + bookmarked.capacity()) * sizeof(Id);
}

PageFactSql page_fact_sql(Dialect dialect, const WithFacts& with) {
  const Id viewer = with.viewer;
  // Each as load_author_facts, viewer_flags_among (of the original for a reblog) and mentioning
  // (of a private or direct status) ask it; a row without an account has a null `suspended`.
  // "LIMIT 1 OFFSET 0" keeps each an index probe per row: without it PostgreSQL may read all of
  // the viewer's follows, favourites, reblogs or bookmarks into a hash table per page (cheaper for
  // a new account, unbounded for one with thousands).
  auto exists = [](const char* from_where) {
    return std::string("EXISTS (SELECT 1 FROM ") + from_where + " LIMIT 1 OFFSET 0)";
  };
  const std::string reblogged = exists(
      "statuses o WHERE o.account_id = ? AND o.reblog_of_id = COALESCE(s.reblog_of_id, s.id)");
  const std::string mentioned = ", CASE WHEN s.visibility IN ('private', 'direct') THEN " +
                                exists("mentions m WHERE m.account_id = ? AND m.status_id = s.id") +
                                " ELSE 1 = 0 END";
  PageFactSql out;
  const std::string no = "1 = 0";
  const bool signed_in = viewer != 0;
  if (dialect == Dialect::sqlite) {
    // SQLite runs a correlated subquery as a subroutine that opens and closes its cursors per
    // row; a LEFT JOIN keeps them open across the page (bench/RESULTS.md, session 6). Only where
    // the index it probes is unique (at most one match: no row is repeated); a viewer's reblogs of
    // one status are not unique, so they stay a subquery. Nothing is asked of an anonymous viewer
    // nor what the caller knows (WithFacts: who blocks the viewer, the flags from a status on).
    std::vector<Value> join_params;
    out.columns = ", pf_a.suspended";
    out.joins = " LEFT JOIN accounts pf_a ON pf_a.id = s.account_id";
    auto join = [&](const char* alias, const std::string& on) {
      out.joins += std::string(" LEFT JOIN ") + alias + " ON " + on;
      join_params.emplace_back(viewer);
      return std::string(alias).substr(std::string(alias).find(' ') + 1) +
             ".account_id IS NOT NULL";
    };
    out.columns +=
        ", " + (signed_in ? join("follows pf_f",
                                 "pf_f.account_id = ? AND pf_f.target_account_id = s.account_id")
                          : no);
    out.columns +=
        ", " +
        (signed_in && !with.blockers_hidden
             ? join("blocks pf_b", "pf_b.account_id = s.account_id AND pf_b.target_account_id = ?")
             : no);
    // The flags: joined for every row, or asked only of the rows older than what the caller knows.
    auto flag = [&](const char* alias, const std::string& on, const std::string& probe) {
      if (!signed_in || (with.flags_known_from && *with.flags_known_from == 0)) return no;
      if (!with.flags_known_from) {
        if (!alias) {
          out.column_params.emplace_back(viewer);
          return probe;
        }
        return join(alias, on);
      }
      out.column_params.emplace_back(*with.flags_known_from);
      out.column_params.emplace_back(viewer);
      return "CASE WHEN COALESCE(s.reblog_of_id, s.id) < ? THEN " + probe + " ELSE 1 = 0 END";
    };
    out.columns +=
        ", " + flag("favourites pf_v",
                    "pf_v.account_id = ? AND pf_v.status_id = COALESCE(s.reblog_of_id, s.id)",
                    exists("favourites v WHERE v.account_id = ? AND v.status_id = "
                           "COALESCE(s.reblog_of_id, s.id)"));
    out.columns += ", " + flag(nullptr, "", reblogged);
    out.columns +=
        ", " + flag("bookmarks pf_k",
                    "pf_k.account_id = ? AND pf_k.status_id = COALESCE(s.reblog_of_id, s.id)",
                    exists("bookmarks k WHERE k.account_id = ? AND k.status_id = "
                           "COALESCE(s.reblog_of_id, s.id)"));
    if (signed_in) {
      out.columns += mentioned;
      out.column_params.emplace_back(viewer);
    } else {
      out.columns += ", " + no;
    }
    out.join_params = std::move(join_params);
    return out;
  }
  // The viewer's follow of the author matters only for a private status (visibility) and for a
  // followers quote policy (QuoteApproval): asked only for those, one index probe fewer per row of
  // a public page (read_page_facts merges what the rows of one author said). Nothing is asked of
  // an anonymous viewer, nor what the caller knows (WithFacts): the columns are then false.
  out.columns =
      ", (SELECT a.suspended FROM accounts a WHERE a.id = s.account_id), " +
      (signed_in ? "CASE WHEN s.visibility = 'private' OR s.quote_policy = 'followers' OR "
                   "s.quote_policy_manual = 'followers' THEN " +
                       exists("follows f WHERE f.account_id = ? AND f.target_account_id = "
                              "s.account_id") +
                       " ELSE 1 = 0 END"
                 : no);
  if (signed_in) out.column_params.emplace_back(viewer);
  out.columns += ", " + (signed_in && !with.blockers_hidden
                             ? exists("blocks b WHERE b.account_id = s.account_id AND "
                                      "b.target_account_id = ?")
                             : no);
  if (signed_in && !with.blockers_hidden) out.column_params.emplace_back(viewer);
  // The flags: for every row, or for the rows older than what the caller knows.
  auto flag = [&](const std::string& probe) {
    if (!signed_in || (with.flags_known_from && *with.flags_known_from == 0)) return no;
    if (!with.flags_known_from) {
      out.column_params.emplace_back(viewer);
      return probe;
    }
    out.column_params.emplace_back(*with.flags_known_from);
    out.column_params.emplace_back(viewer);
    return "CASE WHEN COALESCE(s.reblog_of_id, s.id) < ? THEN " + probe + " ELSE 1 = 0 END";
  };
  out.columns +=
      ", " +
      flag(exists("favourites v WHERE v.account_id = ? AND v.status_id = COALESCE(s.reblog_of_id, "
                  "s.id)")) +
      ", " + flag(reblogged) + ", " +
      flag(exists(
          "bookmarks k WHERE k.account_id = ? AND k.status_id = COALESCE(s.reblog_of_id, s.id)"));
  if (signed_in) {
    out.columns += mentioned;
    out.column_params.emplace_back(viewer);
  } else {
    out.columns += ", " + no;
  }
  return out;
}

void read_page_facts(const Row& row, int first_column, const Status& status, PageFacts& into) {
  into.rows_read = true;
  int i = first_column;
  if (auto suspended = row.oi(i)) {
    // On PostgreSQL the follow is asked only for the rows that need it (page_fact_sql): true when
    // any row of the author says so.
    AuthorFacts& author = into.authors[status.account_id];
    author = AuthorFacts{*suspended != 0, author.followed_by_viewer || row.b(i + 1), row.b(i + 2)};
  }
  Id target = status.reblog_of_id.value_or(status.id);
  if (row.b(i + 3)) into.flags.favourited.insert(target);
  if (row.b(i + 4)) into.flags.reblogged.insert(target);
  if (row.b(i + 5)) into.flags.bookmarked.insert(target);
  if (row.b(i + 6)) into.mentioned.insert(status.id);
}

void load_page_facts(Connection& c, Id viewer, const std::vector<Status>& rows, PageFacts& out) {
  if (rows.empty()) return;
  std::vector<Id> originals;
  std::unordered_set<Id> seen_originals;
  for (const auto& s : rows)
    if (s.reblog_of_id && !out.originals.count(*s.reblog_of_id))
      add_once(originals, seen_originals, *s.reblog_of_id);
  if (out.rows_read) {
    // The originals not known yet, their authors' facts and their mentions of the viewer,
    // together (their flags came with the rows that reblog them).
    if (originals.empty()) return;
    std::vector<Statement> statements{find_statuses_statement(originals),
                                      author_facts_of_statuses_statement(viewer, originals)};
    if (viewer != 0) statements.push_back(mentioning_statement(viewer, originals));
    std::vector<Result> results = query_all(c, statements);
    for (auto& s : statuses_of(results[0])) out.originals.emplace(s.id, std::move(s));
    for (auto& [author, facts] : author_facts_from(results[1])) out.authors[author] = facts;
    if (viewer != 0)
      for (const Row& r : results[2].rows) out.mentioned.insert(r.i(0));
    return;
  }
  // The originals first (their authors are asked about with the others').
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
}

}  // namespace herd::store
