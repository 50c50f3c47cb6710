#include "store/statuses.hpp"

#include <algorithm>
#include <functional>

#include "store/columns.hpp"
#include "store/invalidation.hpp"
#include "store/pipeline.hpp"
#include "store/status_search.hpp"
#include "store/viewer_flags.hpp"

namespace herd::store {

namespace {

constexpr const char* kStatusColumns =
    "s.id, s.account_id, s.uri, s.url, s.local, s.text, s.content, s.spoiler_text, s.sensitive, "
    "s.visibility, s.language, s.in_reply_to_id, s.in_reply_to_account_id, s.reblog_of_id, "
    "s.application_id, s.has_media, s.replies_count, s.reblogs_count, s.favourites_count, "
    "s.pinned_at, s.edited_at, s.created_at, s.quote_policy, s.quote_policy_manual, "
    "s.quotes_count";
constexpr int kStatusColumnCount = column_count(kStatusColumns);

Value b(bool v) {
  return Value(std::int64_t{v ? 1 : 0});
}

Status status_from_row(const Row& r) {
  Status s;
  int i = 0;
  s.id = r.i(i++);
  s.account_id = r.i(i++);
  s.uri = r.s(i++);
  s.url = r.s(i++);
  s.local = r.b(i++);
  s.text = r.s(i++);
  s.content = r.s(i++);
  s.spoiler_text = r.s(i++);
  s.sensitive = r.b(i++);
  s.visibility = parse_visibility(r.s(i++)).value_or(Visibility::direct);
  s.language = r.os(i++);
  s.in_reply_to_id = r.oi(i++);
  s.in_reply_to_account_id = r.oi(i++);
  s.reblog_of_id = r.oi(i++);
  s.application_id = r.oi(i++);
  s.has_media = r.b(i++);
  s.replies_count = r.i(i++);
  s.reblogs_count = r.i(i++);
  s.favourites_count = r.i(i++);
  s.pinned_at = r.oi(i++);
  s.edited_at = r.oi(i++);
  s.created_at = r.i(i++);
  s.quote_policy = r.s(i++);
  s.quote_policy_manual = r.s(i++);
  s.quotes_count = r.i(i++);
  Dependencies::note(tags::status(s.id));  // what a cached response shows (invalidation.hpp)
  return s;
}

std::vector<Status> statuses_from(const Result& result) {
  std::vector<Status> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(status_from_row(r));
  return out;
}

std::string select_statuses() {
  return std::string("SELECT ") + kStatusColumns + " FROM statuses s";
}

void append_ids(std::vector<Value>& params, const std::vector<Id>& ids) {
  for (Id id : ids) params.emplace_back(id);
}

// " AND column NOT IN (...)" for a non-empty list.
std::string not_in(const std::string& column, const std::vector<Id>& ids,
                   std::vector<Value>& params) {
  if (ids.empty()) return "";
  append_ids(params, ids);
  return " AND " + column + " NOT IN (" + placeholders(ids.size()) + ")";
}

std::vector<Status> run_page(Connection& c, const std::string& from_where, std::string where,
                             std::vector<Value> params, const std::string& column,
                             const PageQuery& page, const WithFacts& with = {}) {
  std::string tail = page_sql(page, column, where, params);
  std::string columns = kStatusColumns;
  std::string from = from_where;
  if (with.into) {  // their parameters come first: the columns and joins come before WHERE
    PageFactSql facts = page_fact_sql(c.dialect(), with);
    columns += facts.columns;
    from += facts.joins;
    facts.column_params.insert(facts.column_params.end(), facts.join_params.begin(),
                               facts.join_params.end());
    params.insert(params.begin(), facts.column_params.begin(), facts.column_params.end());
  }
  Result result = c.query("SELECT " + columns + " " + from + " WHERE " + where + tail, params);
  auto rows = statuses_from(result);
  if (with.into)
    for (std::size_t i = 0; i < rows.size(); ++i)
      read_page_facts(result.rows[i], kStatusColumnCount, rows[i], *with.into);
  finish_page(page, rows);
  return rows;
}

// run_page's statement asking only the column (the statuses' ids), in page order.
std::vector<Id> run_page_ids(Connection& c, const std::string& from_where, std::string where,
                             std::vector<Value> params, const std::string& column,
                             const PageQuery& page) {
  std::string tail = page_sql(page, column, where, params);
  Result result = c.query("SELECT " + column + " " + from_where + " WHERE " + where + tail, params);
  std::vector<Id> ids;
  ids.reserve(result.rows.size());
  for (const Row& r : result.rows) ids.push_back(r.i(0));
  finish_page(page, ids);
  return ids;
}

}  // namespace

// ---- statuses ----------------------------------------------------------------------------------

std::optional<Status> find_status(Connection& c, Id id) {
  auto result = c.query(select_statuses() + " WHERE s.id = ?", {Value(id)});
  if (result.empty()) return std::nullopt;
  return status_from_row(result.front());
}

std::vector<Status> find_statuses(Connection& c, const std::vector<Id>& ids) {
  if (ids.empty()) return {};
  Statement statement = find_statuses_statement(ids);
  return statuses_from(c.query(statement.sql, statement.params));
}

Statement find_statuses_statement(const std::vector<Id>& ids) {
  std::vector<Value> params;
  append_ids(params, ids);
  return Statement{select_statuses() + " WHERE s.id IN (" + placeholders(ids.size()) + ")",
                   std::move(params)};
}

std::vector<Status> statuses_of(const Result& result) {
  return statuses_from(result);
}

void insert_status(Connection& c, const Status& s) {
  // What shows a new status without having loaded it (invalidation.hpp): its author's statuses,
  // the public timelines, the thread it replies to (the parent's context and its ancestors',
  // which load the parent); the rest (feeds, counts, hashtags) is noted where it is written.
  Changes::note(tags::status(s.id));
  Changes::note(tags::account_statuses(s.account_id));
  if (s.visibility == Visibility::public_ && !s.reblog_of_id)
    Changes::note(tags::public_statuses());
  if (s.in_reply_to_id) Changes::note(tags::status(*s.in_reply_to_id));
  if (s.reblog_of_id) {
    Changes::note(tags::status(*s.reblog_of_id));
    Changes::note(tags::flags_of(s.account_id));  // the author's reblogged flag
  }
  query_later(
      c,
      "INSERT INTO statuses (id, account_id, uri, url, local, text, content, spoiler_text, "
      "sensitive, "
      "visibility, language, in_reply_to_id, in_reply_to_account_id, reblog_of_id, application_id, "
      "has_media, replies_count, reblogs_count, favourites_count, pinned_at, edited_at, "
      "created_at, quote_policy, quote_policy_manual) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {Value(s.id),
       Value(s.account_id),
       Value(s.uri),
       Value(s.url),
       b(s.local),
       Value(s.text),
       Value(s.content),
       Value(s.spoiler_text),
       b(s.sensitive),
       Value(to_string(s.visibility)),
       opt(s.language),
       opt(s.in_reply_to_id),
       opt(s.in_reply_to_account_id),
       opt(s.reblog_of_id),
       opt(s.application_id),
       b(s.has_media),
       Value(s.replies_count),
       Value(s.reblogs_count),
       Value(s.favourites_count),
       opt(s.pinned_at),
       opt(s.edited_at),
       Value(s.created_at),
       Value(s.quote_policy),
       Value(s.quote_policy_manual)});
}

void delete_status(Connection& c, Id id) {
  Changes::note(tags::status(id));  // every cached response showing it loaded it
  std::vector<Value> params{Value(id)};
  c.query("DELETE FROM mentions WHERE status_id = ?", params);
  c.query("DELETE FROM statuses_tags WHERE status_id = ?", params);
  c.query("DELETE FROM favourites WHERE status_id = ?", params);
  c.query("DELETE FROM bookmarks WHERE status_id = ?", params);
  c.query("DELETE FROM home_feed WHERE status_id = ?", params);
  c.query("DELETE FROM status_edits WHERE status_id = ?", params);
  remove_search_document(c, id);
  c.query("DELETE FROM statuses WHERE id = ?", params);
}

void adjust_status_counts(Connection& c, Id status_id, std::int64_t replies, std::int64_t reblogs,
                          std::int64_t favourites) {
  Changes::note(tags::status(status_id));
  query_later(
      c,
      "UPDATE statuses SET "
      "replies_count = CASE WHEN replies_count + ? < 0 THEN 0 ELSE replies_count + ? END, "
      "reblogs_count = CASE WHEN reblogs_count + ? < 0 THEN 0 ELSE reblogs_count + ? END, "
      "favourites_count = CASE WHEN favourites_count + ? < 0 THEN 0 ELSE favourites_count + ? END "
      "WHERE id = ?",
      {Value(replies), Value(replies), Value(reblogs), Value(reblogs), Value(favourites),
       Value(favourites), Value(status_id)});
}

std::optional<Status> find_reblog(Connection& c, Id account_id, Id reblog_of_id) {
  auto result =
      c.query(select_statuses() + " WHERE s.reblog_of_id = ? AND s.account_id = ? LIMIT 1",
              {Value(reblog_of_id), Value(account_id)});
  if (result.empty()) return std::nullopt;
  return status_from_row(result.front());
}

std::vector<Status> find_reblogs_of(Connection& c, Id reblog_of_id) {
  return statuses_from(
      c.query(select_statuses() + " WHERE s.reblog_of_id = ?", {Value(reblog_of_id)}));
}

void set_pinned(Connection& c, Id status_id, std::optional<std::int64_t> at) {
  Changes::note(tags::status(status_id));  // the row's pinned_at (invalidation.hpp)
  c.query("UPDATE statuses SET pinned_at = ? WHERE id = ?", {opt(at), Value(status_id)});
}

std::int64_t count_pinned(Connection& c, Id account_id) {
  return c
      .query("SELECT COUNT(*) FROM statuses WHERE account_id = ? AND pinned_at IS NOT NULL",
             {Value(account_id)})
      .front()
      .i(0);
}

std::vector<Status> page_account_statuses(Connection& c, Id account_id, Id viewer,
                                          const AccountStatusesFilter& filter,
                                          const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "s.account_id = ?";
  if (viewer != 0 && viewer != account_id) {
    // A blocked viewer sees nothing, as in Mastodon.
    bool blocked = !c.query("SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?",
                            {Value(account_id), Value(viewer)})
                        .empty();
    if (blocked) return {};
  }
  if (viewer == 0) {
    where += " AND s.visibility IN ('public', 'unlisted')";
  } else if (viewer != account_id) {
    bool follows = !c.query("SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?",
                            {Value(viewer), Value(account_id)})
                        .empty();
    where += std::string(" AND (s.visibility IN ('public', 'unlisted'") +
             (follows ? ", 'private')" : ")") +
             " OR EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = ? "
             "AND s.visibility IN ('private', 'direct')))";
    params.emplace_back(viewer);
  }
  if (filter.only_media) where += " AND s.has_media = 1";
  if (filter.exclude_replies)
    where += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)";
  if (filter.exclude_reblogs) where += " AND s.reblog_of_id IS NULL";
  if (filter.pinned) where += " AND s.pinned_at IS NOT NULL";
  if (filter.tagged) {
    where +=
        " AND EXISTS (SELECT 1 FROM statuses_tags st JOIN tags t ON t.id = st.tag_id WHERE "
        "st.status_id = s.id AND t.name = ?)";
    std::string name = *filter.tagged;
    if (!name.empty() && name[0] == '#') name.erase(0, 1);
    for (char& ch : name)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    params.emplace_back(name);
  }
  return run_page(c, "FROM statuses s", where, params, "s.id", page);
}

// ---- threads -----------------------------------------------------------------------------------

std::vector<Status> find_ancestors(Connection& c, Id status_id, int limit) {
  auto rows = statuses_from(
      c.query("WITH RECURSIVE up(id, depth) AS ("
              " SELECT in_reply_to_id, 1 FROM statuses WHERE id = ? AND in_reply_to_id IS NOT NULL"
              " UNION ALL"
              " SELECT p.in_reply_to_id, up.depth + 1 FROM statuses p JOIN up ON p.id = up.id"
              " WHERE p.in_reply_to_id IS NOT NULL AND up.depth < ?) " +
                  select_statuses() + " JOIN up ON up.id = s.id ORDER BY up.depth DESC",
              {Value(status_id), Value(std::int64_t{limit})}));
  return rows;
}

std::vector<Status> find_descendants(Connection& c, Id status_id, int limit, int depth) {
  auto rows = statuses_from(
      c.query("WITH RECURSIVE down(id, depth) AS ("
              " SELECT id, 1 FROM statuses WHERE in_reply_to_id = ?"
              " UNION ALL"
              " SELECT r.id, down.depth + 1 FROM statuses r JOIN down ON r.in_reply_to_id = down.id"
              " WHERE down.depth < ?) " +
                  select_statuses() + " JOIN down ON down.id = s.id ORDER BY s.id LIMIT " +
                  std::to_string(std::max(limit, 1)),
              {Value(status_id), Value(std::int64_t{depth})}));
  // Depth-first thread order: children (by id) follow their parent.
  std::unordered_map<Id, std::vector<const Status*>> children;
  for (const Status& s : rows) children[s.in_reply_to_id.value_or(0)].push_back(&s);
  std::vector<Status> out;
  out.reserve(rows.size());
  std::function<void(Id)> walk = [&](Id parent) {
    auto it = children.find(parent);
    if (it == children.end()) return;
    for (const Status* child : it->second) {
      out.push_back(*child);
      walk(child->id);
    }
  };
  walk(status_id);
  return out;
}

std::unordered_map<Id, std::vector<std::pair<Id, std::string>>> load_self_replies(
    Connection& c, const std::vector<Id>& status_ids, std::size_t per_status) {
  std::unordered_map<Id, std::vector<std::pair<Id, std::string>>> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params;
  append_ids(params, status_ids);
  for (const Row& r :
       c.query("SELECT r.in_reply_to_id, r.id, r.uri FROM statuses r JOIN statuses p ON p.id = "
               "r.in_reply_to_id WHERE r.in_reply_to_id IN (" +
                   placeholders(status_ids.size()) +
                   ") AND r.account_id = p.account_id AND r.visibility IN ('public', "
                   "'unlisted') ORDER BY r.id",
               params)
           .rows) {
    auto& list = out[r.i(0)];
    if (list.size() < per_status) list.emplace_back(r.i(1), r.s(2));
  }
  return out;
}

std::vector<Status> page_direct_replies(Connection& c, Id status_id, Id author_id,
                                        bool other_accounts, std::optional<Id> min_id, int limit) {
  std::vector<Value> params{Value(status_id), Value(author_id), Value(min_id.value_or(0))};
  return statuses_from(
      c.query(select_statuses() +
                  " JOIN accounts a ON a.id = s.account_id WHERE s.in_reply_to_id = ? AND " +
                  (other_accounts ? "s.account_id <> ? AND a.suspended = 0" : "s.account_id = ?") +
                  " AND s.id > ? AND s.visibility IN ('public', 'unlisted') ORDER BY s.id LIMIT " +
                  std::to_string(std::max(limit, 1)),
              params));
}

// ---- mentions and tags -------------------------------------------------------------------------

void insert_mentions(Connection& c, Id status_id, const std::vector<Id>& account_ids) {
  for (Id account : account_ids)
    query_later(c,
                "INSERT INTO mentions (status_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                {Value(status_id), Value(account)});
}

std::vector<Id> mentioned_account_ids(Connection& c, Id status_id) {
  std::vector<Id> out;
  for (const Row& r :
       c.query("SELECT account_id FROM mentions WHERE status_id = ? ORDER BY account_id",
               {Value(status_id)})
           .rows)
    out.push_back(r.i(0));
  return out;
}

bool is_mentioned(Connection& c, Id status_id, Id account_id) {
  return !c.query("SELECT 1 FROM mentions WHERE status_id = ? AND account_id = ?",
                  {Value(status_id), Value(account_id)})
              .empty();
}

std::unordered_map<Id, std::vector<Id>> load_mentions(Connection& c,
                                                      const std::vector<Id>& status_ids) {
  std::unordered_map<Id, std::vector<Id>> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params;
  append_ids(params, status_ids);
  for (const Row& r :
       c.query("SELECT status_id, account_id FROM mentions WHERE status_id IN (" +
                   placeholders(status_ids.size()) + ") ORDER BY status_id, account_id",
               params)
           .rows)
    out[r.i(0)].push_back(r.i(1));
  return out;
}

std::unordered_set<Id> mentioning(Connection& c, Id account_id, const std::vector<Id>& status_ids) {
  std::unordered_set<Id> out;
  if (status_ids.empty() || account_id == 0) return out;
  Statement statement = mentioning_statement(account_id, status_ids);
  for (const Row& r : c.query(statement.sql, statement.params).rows) out.insert(r.i(0));
  return out;
}

Statement mentioning_statement(Id account_id, const std::vector<Id>& status_ids) {
  std::vector<Value> params{Value(account_id)};
  append_ids(params, status_ids);
  return Statement{"SELECT status_id FROM mentions WHERE account_id = ? AND status_id IN (" +
                       placeholders(status_ids.size()) + ")",
                   std::move(params)};
}

Id find_or_create_tag(Connection& c, std::string_view name, std::int64_t now) {
  std::string key(name);
  query_later(c, "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
              {Value(next_id()), Value(key), Value(now)});  // travels with the SELECT
  return c.query("SELECT id FROM tags WHERE name = ?", {Value(key)}).front().i(0);
}

std::optional<Tag> find_tag(Connection& c, std::string_view name) {
  auto r =
      c.query("SELECT id, name, created_at FROM tags WHERE name = ?", {Value(std::string(name))});
  if (r.empty()) return std::nullopt;
  return Tag{r.front().i(0), r.front().s(1), r.front().i(2)};
}

void link_tags(Connection& c, Id status_id, const std::vector<Id>& tag_ids) {
  // A hashtag the staff made unusable is not attached (Mastodon's Tag#usable).
  for (Id tag : tag_ids)
    query_later(
        c,
        "INSERT INTO statuses_tags (tag_id, status_id) SELECT id, ? FROM tags WHERE id = ? AND "
        "usable = 1 ON CONFLICT DO NOTHING",
        {Value(status_id), Value(tag)});
}

std::unordered_map<Id, std::vector<std::string>> load_tag_names(Connection& c,
                                                                const std::vector<Id>& status_ids) {
  std::unordered_map<Id, std::vector<std::string>> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params;
  append_ids(params, status_ids);
  for (const Row& r :
       c.query("SELECT st.status_id, t.name FROM statuses_tags st JOIN tags t ON t.id = st.tag_id "
               "WHERE st.status_id IN (" +
                   placeholders(status_ids.size()) + ") ORDER BY t.name",
               params)
           .rows)
    out[r.i(0)].push_back(r.s(1));
  return out;
}

// ---- reblog flags and exclusions (favourites and bookmarks: store/favourites.cpp) --------------

HomeExclusions home_exclusions(Connection& c, Id viewer) {
  Statement statement = home_exclusions_statement(viewer);
  return home_exclusions_from(c.query(statement.sql, statement.params));
}

Statement home_exclusions_statement(Id viewer) {
  return Statement{
      "SELECT 0, target_account_id FROM blocks WHERE account_id = ? UNION "
      "SELECT 0, account_id FROM blocks WHERE target_account_id = ? UNION "
      "SELECT 0, target_account_id FROM mutes WHERE account_id = ? UNION "
      "SELECT 0, a.id FROM accounts a JOIN account_domain_blocks d ON d.domain = a.domain "
      "WHERE d.account_id = ? UNION "
      "SELECT 1, la.account_id FROM list_accounts la JOIN lists l ON l.id = la.list_id "
      "WHERE l.account_id = ? AND l.exclusive = 1",
      {Value(viewer), Value(viewer), Value(viewer), Value(viewer), Value(viewer)}};
}

HomeExclusions home_exclusions_from(const Result& result) {
  HomeExclusions out;
  for (const Row& r : result.rows)
    (r.i(0) == 0 ? out.hidden : out.exclusive_list_members).push_back(r.i(1));
  return out;
}

std::unordered_map<Id, ApplicationName> load_application_names(Connection& c,
                                                               const std::vector<Id>& ids) {
  std::unordered_map<Id, ApplicationName> out;
  if (ids.empty()) return out;
  std::vector<Value> params;
  append_ids(params, ids);
  for (const Row& r : c.query("SELECT id, name, website FROM oauth_applications WHERE id IN (" +
                                  placeholders(ids.size()) + ")",
                              params)
                          .rows)
    out[r.i(0)] = ApplicationName{r.s(1), r.os(2)};
  return out;
}

// ---- timelines ---------------------------------------------------------------------------------

void insert_feed_entries(Connection& c, Id status_id, const std::vector<Id>& account_ids) {
  for (Id id : account_ids) Changes::note(tags::home_feed(id));  // invalidation.hpp
  // Batched multi-row inserts keep large fan-outs to a few statements.
  constexpr std::size_t kBatch = 200;
  for (std::size_t start = 0; start < account_ids.size(); start += kBatch) {
    std::size_t end = std::min(account_ids.size(), start + kBatch);
    std::string sql = "INSERT INTO home_feed (account_id, status_id) VALUES ";
    std::vector<Value> params;
    for (std::size_t i = start; i < end; ++i) {
      sql += i == start ? "(?, ?)" : ", (?, ?)";
      params.emplace_back(account_ids[i]);
      params.emplace_back(status_id);
    }
    query_later(c, sql + " ON CONFLICT DO NOTHING", std::move(params));
  }
}

bool feed_holds(Connection& c, Id account_id, Id status_id) {
  return !c.query("SELECT 1 FROM home_feed WHERE account_id = ? AND status_id = ?",
                  {Value(account_id), Value(status_id)})
              .empty();
}

void remove_author_from_feed(Connection& c, Id account_id, Id author_id) {
  Changes::note(tags::home_feed(account_id));
  c.query(
      "DELETE FROM home_feed WHERE account_id = ? AND status_id IN (SELECT s.id FROM statuses s "
      "LEFT JOIN statuses r ON r.id = s.reblog_of_id WHERE s.account_id = ? OR r.account_id = ?)",
      {Value(account_id), Value(author_id), Value(author_id)});
}

namespace {
// Leaves out statuses by the `hidden` accounts and reblogs of their statuses.
void hide_authors(const std::vector<Id>& hidden, std::string& from, std::string& where,
                  std::vector<Value>& params) {
  if (hidden.empty()) return;
  from += " LEFT JOIN statuses r ON r.id = s.reblog_of_id";
  where += not_in("s.account_id", hidden, params);
  where +=
      " AND (r.account_id IS NULL OR r.account_id NOT IN (" + placeholders(hidden.size()) + "))";
  append_ids(params, hidden);
}
// The feed's newest rows first, each status read by its id (a nested loop that stops after a
// page). PostgreSQL's planner, for a dense feed, rather merge-joins it with a backward scan of
// every status from the newest and spends more planning that than running it: 3x the CPU per
// page at 10M statuses as at 10k (bench/RESULTS.md, bench/scale.sh). A LATERAL subquery that it
// cannot flatten (OFFSET 0) leaves it the nested loop alone. SQLite (no LATERAL) plans the
// nested loop by itself.
std::string home_feed_statuses(Connection& c) {
  return c.dialect() == Dialect::postgres
             ? "FROM home_feed h CROSS JOIN LATERAL (SELECT * FROM statuses WHERE id = "
               "h.status_id OFFSET 0) s"
             : "FROM home_feed h JOIN statuses s ON s.id = h.status_id";
}

}  // namespace

std::vector<Status> page_home_feed(Connection& c, Id account_id, const std::vector<Id>& hidden,
                                   const PageQuery& page, const std::vector<Id>& not_by,
                                   const WithFacts& with) {
  Dependencies::note(tags::home_feed(account_id));  // invalidation.hpp
  std::vector<Value> params{Value(account_id)};
  std::string where = "h.account_id = ?";
  where += not_in("s.account_id", not_by, params);
  std::string from = home_feed_statuses(c);
  hide_authors(hidden, from, where, params);
  return run_page(c, from, where, params, "h.status_id", page, with);
}

std::vector<Id> page_home_feed_ids(Connection& c, Id account_id, const std::vector<Id>& hidden,
                                   const PageQuery& page, const std::vector<Id>& not_by) {
  Dependencies::note(tags::home_feed(account_id));  // invalidation.hpp
  std::vector<Value> params{Value(account_id)};
  std::string where = "h.account_id = ?";
  if (hidden.empty() && not_by.empty())  // the feed's index alone
    return run_page_ids(c, "FROM home_feed h", where, params, "h.status_id", page);
  where += not_in("s.account_id", not_by, params);
  std::string from = home_feed_statuses(c);
  hide_authors(hidden, from, where, params);
  return run_page_ids(c, from, where, params, "h.status_id", page);
}

std::vector<Status> find_page_statuses(Connection& c, const std::vector<Id>& ids,
                                       const WithFacts& with) {
  if (ids.empty()) return {};
  std::vector<Value> params;
  append_ids(params, ids);
  PageQuery page;
  page.limit = static_cast<int>(ids.size());
  return run_page(c, "FROM statuses s", "s.id IN (" + placeholders(ids.size()) + ")",
                  std::move(params), "s.id", page, with);
}

std::vector<Status> recent_direct_statuses(Connection& c, Id account_id, int limit) {
  return statuses_from(c.query(
      select_statuses() +
          " WHERE s.visibility = 'direct' AND s.reblog_of_id IS NULL AND (s.account_id = ? OR s.id "
          "IN (SELECT status_id FROM mentions WHERE account_id = ?)) ORDER BY s.id DESC LIMIT ?",
      {Value(account_id), Value(account_id), Value(std::int64_t{limit})}));
}

std::vector<Status> page_list_timeline(Connection& c, Id list_id, const std::vector<Id>& hidden,
                                       const PageQuery& page) {
  Dependencies::note(tags::list(list_id));  // invalidation.hpp
  std::vector<Value> params{Value(list_id)};
  std::string where =
      "s.account_id IN (SELECT account_id FROM list_accounts WHERE list_id = ?) AND s.visibility "
      "<> 'direct'";
  std::string from = "FROM statuses s";
  hide_authors(hidden, from, where, params);
  return run_page(c, from, where, params, "s.id", page);
}

namespace {
// probe_silenced: the author's silence asked per row (an index probe each, for a page of ids on
// PostgreSQL: its NOT IN builds a hash of every silenced account per execution, measured ~1.5x
// the statement's cost) instead of NOT IN; the same rows (ids are never null).
std::string public_conditions(const PublicTimelineFilter& filter, const std::vector<Id>& hidden,
                              std::vector<Value>& params, bool probe_silenced = false) {
  // Limited (silenced) accounts stay out of public timelines, as in Mastodon.
  std::string where =
      probe_silenced
          ? "s.visibility = 'public' AND s.reblog_of_id IS NULL AND NOT EXISTS (SELECT 1 FROM "
            "accounts a WHERE a.id = s.account_id AND a.silenced = 1)"
          : "s.visibility = 'public' AND s.reblog_of_id IS NULL AND s.account_id NOT IN (SELECT id "
            "FROM accounts WHERE silenced = 1)";
  if (filter.local) where += " AND s.local = 1";
  if (filter.remote) where += " AND s.local = 0";
  if (filter.only_media) where += " AND s.has_media = 1";
  where += not_in("s.account_id", hidden, params);
  return where;
}
// The partial index statuses_public (id) WHERE visibility = 'public' AND reblog_of_id IS NULL
// serves these pages in id order; SQLite's planner, without statistics, prefers the reblog_of
// index and a sort of every public status, so it is named explicitly there. On SQLite it also
// holds what public_conditions asks of a row (migration 76): a page's ids are read from it alone.
std::string public_from(Connection& c) {
  return c.dialect() == Dialect::sqlite ? "FROM statuses s INDEXED BY statuses_public"
                                        : "FROM statuses s";
}
}  // namespace

std::vector<Status> page_public_timeline(Connection& c, const PublicTimelineFilter& filter,
                                         const std::vector<Id>& hidden, const PageQuery& page,
                                         const WithFacts& with) {
  Dependencies::note(tags::public_statuses());  // invalidation.hpp
  std::vector<Value> params;
  std::string where = public_conditions(filter, hidden, params);
  // Replies to other accounts stay out of the public timeline, as in Mastodon.
  where += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)";
  return run_page(c, public_from(c), where, params, "s.id", page, with);
}

std::vector<Id> page_public_timeline_ids(Connection& c, const PublicTimelineFilter& filter,
                                         const std::vector<Id>& hidden, const PageQuery& page) {
  Dependencies::note(tags::public_statuses());  // invalidation.hpp
  std::vector<Value> params;
  std::string where = public_conditions(filter, hidden, params, c.dialect() == Dialect::postgres);
  where += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)";
  return run_page_ids(c, public_from(c), where, params, "s.id", page);
}

std::vector<Status> page_tag_timeline(Connection& c, const TagQuery& tags,
                                      const PublicTimelineFilter& filter,
                                      const std::vector<Id>& hidden, const PageQuery& page,
                                      const WithFacts& with) {
  // A status it shows has one of `any` (invalidation.hpp).
  for (const auto& name : tags.any) Dependencies::note(herd::store::tags::hashtag(name));
  if (tags.any.empty()) return {};
  std::vector<Value> params;
  std::string where = public_conditions(filter, hidden, params);
  const std::string tagged =
      "SELECT st.status_id FROM statuses_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name";
  where += " AND s.id IN (" + tagged + " IN (" + placeholders(tags.any.size()) + "))";
  for (const auto& tag : tags.any) params.emplace_back(tag);
  for (const auto& tag : tags.all) {
    where += " AND s.id IN (" + tagged + " = ?)";
    params.emplace_back(tag);
  }
  if (!tags.none.empty()) {
    where += " AND s.id NOT IN (" + tagged + " IN (" + placeholders(tags.none.size()) + "))";
    for (const auto& tag : tags.none) params.emplace_back(tag);
  }
  return run_page(c, public_from(c), where, params, "s.id", page, with);
}
std::vector<Status> page_link_timeline(Connection& c, Id card_id,
                                       const PublicTimelineFilter& filter,
                                       const std::vector<Id>& hidden, const PageQuery& page,
                                       const WithFacts& with) {
  std::vector<Value> params;
  std::string where = public_conditions(filter, hidden, params);
  where +=
      " AND s.id IN (SELECT status_id FROM status_preview_cards WHERE preview_card_id = ?) AND "
      "s.account_id IN (SELECT id FROM accounts WHERE discoverable = 1)";
  params.emplace_back(card_id);
  return run_page(c, public_from(c), where, params, "s.id", page, with);
}

// ---- Idempotency-Key ---------------------------------------------------------------------------

std::optional<Id> find_idempotent_status(Connection& c, Id account_id, std::string_view key,
                                         std::int64_t since) {
  auto r = c.query(
      "SELECT i.status_id FROM idempotency_keys i JOIN statuses s ON s.id = i.status_id "
      "WHERE i.account_id = ? AND i.key = ? AND i.created_at >= ?",
      {Value(account_id), Value(std::string(key)), Value(since)});
  if (r.empty()) return std::nullopt;
  return r.front().i(0);
}

void put_idempotency_key(Connection& c, Id account_id, std::string_view key, Id status_id,
                         std::int64_t now) {
  c.query(
      "INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?,?,?,?) "
      "ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id, "
      "created_at = excluded.created_at",
      {Value(account_id), Value(std::string(key)), Value(status_id), Value(now)});
}

bool claim_idempotency_key(Connection& c, Id account_id, std::string_view key, Id status_id,
                           std::int64_t now, std::int64_t since) {
  auto r = c.query(
      "INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?,?,?,?) "
      "ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id, "
      "created_at = excluded.created_at WHERE idempotency_keys.created_at < ? RETURNING status_id",
      {Value(account_id), Value(std::string(key)), Value(status_id), Value(now), Value(since)});
  return !r.empty();
}

}  // namespace herd::store
