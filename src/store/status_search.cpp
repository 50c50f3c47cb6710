#include "store/status_search.hpp"

#include <unordered_map>

#include "store/pipeline.hpp"

namespace herd::store {

namespace {

// "Not a reblog", written so that it never drives the query: most statuses are not reblogs, and
// SQLite, without statistics, would otherwise walk the whole reblog_of_id index for the NULLs
// (every original status) instead of the ids asked for, and sort them (measured: each backfill
// batch read the whole table). The unary plus keeps the column out of index selection, in
// PostgreSQL too.
constexpr const char* kNotReblog = "+reblog_of_id IS NULL";

bool sqlite(Connection& c) {
  return c.dialect() == Dialect::sqlite;
}

std::string in_list(const std::vector<Id>& ids, std::vector<Value>& params) {
  for (Id id : ids) params.emplace_back(id);
  return "(" + placeholders(ids.size()) + ")";
}

// An FTS5 string: one quoted phrase ("" inside doubles).
std::string fts5_phrase(const std::string& words) {
  std::string out = "\"";
  for (char ch : words) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// What a has:/is: property asks of a status; "" for a name Mastodon does not index.
std::string property_condition(const std::string& name) {
  if (name == "media") return "s.has_media = 1";
  if (name == "image" || name == "video" || name == "audio") {
    std::string types = name == "video" ? "'video', 'gifv'" : "'" + name + "'";
    return "EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id AND m.type IN (" +
           types + "))";
  }
  if (name == "poll") return "EXISTS (SELECT 1 FROM polls p WHERE p.status_id = s.id)";
  if (name == "link")
    return "EXISTS (SELECT 1 FROM status_preview_cards pc WHERE pc.status_id = s.id)";
  if (name == "embed")
    return "EXISTS (SELECT 1 FROM status_preview_cards pc JOIN preview_cards card ON card.id = "
           "pc.preview_card_id WHERE pc.status_id = s.id AND card.type = 'video')";
  if (name == "sensitive") return "s.sensitive = 1";
  if (name == "reply") return "s.in_reply_to_id IS NOT NULL";
  return "";
}

// What the viewer wrote or interacted with (Mastodon's `searchable_by`), as one set of ids that
// the database builds once per query (never per matching row).
std::string library_condition(Id viewer, std::vector<Value>& params) {
  for (int i = 0; i < 6; ++i) params.emplace_back(viewer);
  return "s.id IN (SELECT id FROM statuses WHERE account_id = ? "
         "UNION SELECT status_id FROM favourites WHERE account_id = ? "
         "UNION SELECT status_id FROM bookmarks WHERE account_id = ? "
         "UNION SELECT status_id FROM mentions WHERE account_id = ? "
         "UNION SELECT reblog_of_id FROM statuses WHERE account_id = ? AND reblog_of_id IS NOT "
         "NULL "
         "UNION SELECT p.status_id FROM polls p JOIN poll_votes v ON v.poll_id = p.id WHERE "
         "v.account_id = ?)";
}

// PostgreSQL: whether a word or phrase of the search has a lexeme that ANALYZE did not find among
// the most common elements of status_search.document (all of them when there are no statistics
// yet). Such a lexeme is rare, or absent, so the statuses matching the search are few; but the
// planner guesses 0.5% of the rows for it and walks the primary key newest first, testing every
// document (measured: 154 ms at 1M statuses for a word matching nothing). For common lexemes its
// estimates come from the statistics and that walk is the right plan: it stops after a page.
bool has_rare_lexeme(Connection& c, const std::vector<std::string>& wanted) {
  std::string text;
  for (const auto& w : wanted) text += (text.empty() ? "" : " ") + w;
  return c
      .query(
          "SELECT CASE WHEN EXISTS (SELECT 1 FROM "
          "unnest(tsvector_to_array(to_tsvector('simple', ?))) AS l(lexeme) WHERE NOT EXISTS "
          "(SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = "
          "'status_search' AND attname = 'document' AND l.lexeme = ANY "
          "(most_common_elems::text::text[]))) THEN 1 ELSE 0 END",
          {Value(text)})
      .front()
      .b(0);
}

}  // namespace

std::vector<SearchableStatus> load_searchable_statuses(Connection& c, const std::vector<Id>& ids) {
  std::vector<SearchableStatus> out;
  if (ids.empty()) return out;
  // The statuses (kind 0), their media descriptions (1, by id) and poll options (2, by position):
  // one statement (a statement's own cost is most of what these small reads cost PostgreSQL).
  std::vector<Value> params;
  std::string statuses = in_list(ids, params);
  std::string media = in_list(ids, params);
  std::string polls = in_list(ids, params);
  Result result = c.query(
      "SELECT 0, id, local, text, content, spoiler_text, 0 FROM statuses WHERE id IN " + statuses +
          " AND " + kNotReblog +
          " UNION ALL SELECT 1, status_id, 0, COALESCE(description, ''), '', '', id FROM "
          "media_attachments WHERE status_id IN " +
          media +
          " UNION ALL SELECT 2, p.status_id, 0, o.title, '', '', o.position FROM polls p JOIN "
          "poll_options o ON o.poll_id = p.id WHERE p.status_id IN " +
          polls + " ORDER BY 1, 7",
      params);
  std::unordered_map<Id, size_t> at;
  for (const Row& r : result.rows) {
    if (r.i(0) == 0) {
      at[r.i(1)] = out.size();
      out.push_back(SearchableStatus{r.i(1), r.b(2), r.s(3), r.s(4), r.s(5), {}});
    } else if (auto it = at.find(r.i(1)); it != at.end() && !r.s(3).empty()) {
      out[it->second].extras.push_back(r.s(3));
    }
  }
  return out;
}

void write_search_documents(Connection& c,
                            const std::vector<std::pair<Id, std::string>>& documents) {
  for (const auto& [id, document] : documents) {
    if (sqlite(c)) {
      c.query("DELETE FROM status_search WHERE rowid = ?", {Value(id)});
      c.query("INSERT INTO status_search (rowid, document) VALUES (?, ?)",
              {Value(id), Value(document)});
    } else {
      query_later(
          c,
          "INSERT INTO status_search (status_id, document) VALUES (?, to_tsvector('simple', "
          "?)) ON CONFLICT (status_id) DO UPDATE SET document = excluded.document",
          {Value(id), Value(document)});
    }
  }
}

void remove_search_document(Connection& c, Id status_id) {
  c.query(sqlite(c) ? "DELETE FROM status_search WHERE rowid = ?"
                    : "DELETE FROM status_search WHERE status_id = ?",
          {Value(status_id)});
}

void clear_search_documents(Connection& c) {
  c.query("DELETE FROM status_search", {});
}

void analyze_search_documents(Connection& c) {
  if (!sqlite(c)) c.query("ANALYZE status_search", {});
}

std::int64_t count_search_documents(Connection& c) {
  return c.query("SELECT count(*) FROM status_search", {}).front().i(0);
}

std::vector<Id> original_status_ids_after(Connection& c, Id after, int limit) {
  std::vector<Id> out;
  for (const Row& r : c.query(std::string("SELECT id FROM statuses WHERE id > ? AND ") +
                                  kNotReblog + " ORDER BY id LIMIT ?",
                              {Value(after), Value(std::int64_t{limit})})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

std::vector<Id> search_status_ids(Connection& c, const StatusSearch& q) {
  std::vector<Value> params;
  std::string with;  // a common table expression ahead of the query, with the first parameters
  std::string from = "statuses s JOIN accounts a ON a.id = s.account_id";
  std::string where = "s.reblog_of_id IS NULL AND a.suspended = 0";
  std::string order = "s.id DESC";

  // Words and phrases that must appear: the index drives the query.
  std::vector<std::string> wanted = q.words;
  wanted.insert(wanted.end(), q.phrases.begin(), q.phrases.end());
  if (!wanted.empty()) {
    if (sqlite(c)) {
      std::string match;
      for (const auto& w : wanted) match += (match.empty() ? "" : " ") + fts5_phrase(w);
      from =
          "status_search JOIN statuses s ON s.id = status_search.rowid JOIN accounts a ON a.id "
          "= s.account_id";
      where += " AND status_search MATCH ?";
      params.emplace_back(match);
      order = "status_search.rowid DESC";  // FTS5 walks its rowids in this order itself
    } else {
      std::string tsquery;
      for (size_t i = 0; i < q.words.size(); ++i) {
        tsquery += std::string(tsquery.empty() ? "" : " && ") + "plainto_tsquery('simple', ?)";
        params.emplace_back(q.words[i]);
      }
      for (const auto& phrase : q.phrases) {
        tsquery += std::string(tsquery.empty() ? "" : " && ") + "phraseto_tsquery('simple', ?)";
        params.emplace_back(phrase);
      }
      if (has_rare_lexeme(c, wanted)) {
        // Few matches: the GIN index gives them all, once (MATERIALIZED keeps the planner from
        // folding this back into the primary key walk), and only those are joined and sorted.
        with =
            "WITH matching AS MATERIALIZED (SELECT status_id FROM status_search WHERE "
            "document @@ (" +
            tsquery + ")) ";
        from = "matching d";
      } else {
        from = "status_search d";
        where += " AND d.document @@ (" + tsquery + ")";
      }
      from += " JOIN statuses s ON s.id = d.status_id JOIN accounts a ON a.id = s.account_id";
      order = "d.status_id DESC";
    }
  }
  for (const auto& excluded : q.excluded) {
    if (sqlite(c)) {
      where += " AND s.id NOT IN (SELECT rowid FROM status_search WHERE status_search MATCH ?)";
      params.emplace_back(fts5_phrase(excluded));
    } else {
      where +=
          " AND NOT EXISTS (SELECT 1 FROM status_search x WHERE x.status_id = s.id AND "
          "x.document @@ phraseto_tsquery('simple', ?))";
      params.emplace_back(excluded);
    }
  }

  for (const auto& [account, negated] : q.authors) {
    where += negated ? " AND s.account_id <> ?" : " AND s.account_id = ?";
    params.emplace_back(account);
  }
  for (const auto& [name, negated] : q.properties) {
    std::string condition = property_condition(name);
    if (condition.empty()) {
      if (!negated) where += " AND 1 = 0";  // an unknown property matches nothing
      continue;
    }
    where += (negated ? " AND NOT " : " AND ") + condition;
  }
  for (const auto& [code, negated] : q.languages) {
    where += negated ? " AND (s.language IS NULL OR lower(s.language) <> ?)"
                     : " AND lower(s.language) = ?";
    params.emplace_back(code);
  }
  for (const auto& range : q.times) {
    std::string inside;
    if (range.from) {
      inside += "s.created_at >= ?";
      params.emplace_back(*range.from);
    }
    if (range.until) {
      inside += std::string(inside.empty() ? "" : " AND ") + "s.created_at < ?";
      params.emplace_back(*range.until);
    }
    if (inside.empty()) continue;
    where += (range.negated ? " AND NOT (" : " AND (") + inside + ")";
  }
  if (q.account_id) {
    where += " AND s.account_id = ?";
    params.emplace_back(*q.account_id);
  }
  if (q.max_id) {
    where += " AND s.id < ?";
    params.emplace_back(*q.max_id);
  }
  if (q.min_id) {
    where += " AND s.id > ?";
    params.emplace_back(*q.min_id);
  }

  // Scope: Mastodon 4.2's indexes (public statuses of indexable accounts, and the viewer's).
  const std::string public_condition = "(s.visibility = 'public' AND a.indexable = 1)";
  if (q.scope == "public") {
    where += " AND " + public_condition;
  } else if (q.scope == "library") {
    where += " AND " + library_condition(q.viewer, params);
  } else {
    where += " AND (" + public_condition + " OR " + library_condition(q.viewer, params) + ")";
  }
  // Never what the viewer blocked or muted, nor from those who block the viewer.
  for (int i = 0; i < 4; ++i) params.emplace_back(q.viewer);
  where +=
      " AND NOT EXISTS (SELECT 1 FROM blocks bl WHERE (bl.account_id = ? AND bl.target_account_id "
      "= s.account_id) OR (bl.account_id = s.account_id AND bl.target_account_id = ?))"
      " AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = ? AND mu.target_account_id = "
      "s.account_id)"
      " AND NOT EXISTS (SELECT 1 FROM account_domain_blocks db WHERE db.account_id = ? AND "
      "db.domain = a.domain AND a.domain <> '')";

  params.emplace_back(std::int64_t{q.limit});
  params.emplace_back(std::int64_t{q.offset});
  std::vector<Id> out;
  for (const Row& r : c.query(with + "SELECT s.id FROM " + from + " WHERE " + where + " ORDER BY " +
                                  order + " LIMIT ? OFFSET ?",
                              params)
                          .rows)
    out.push_back(r.i(0));
  return out;
}

}  // namespace herd::store
