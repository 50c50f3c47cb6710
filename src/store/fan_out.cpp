#include "store/fan_out.hpp"

namespace herd::store {

namespace {

void append_ids(std::vector<Value>& params, const std::vector<Id>& ids) {
  for (Id id : ids) params.emplace_back(id);
}

}  // namespace

std::vector<Id> first_column_ids(const Result& result) {
  std::vector<Id> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(r.i(0));
  return out;
}

FanOutReads read_fan_out(Connection& c, const FanOutQuery& query) {
  Statement statement = fan_out_statement(query);
  return fan_out_reads(c.query(statement.sql, statement.params));
}

Statement fan_out_statement(const FanOutQuery& query) {
  // One statement (on PostgreSQL a statement's own cost is most of what these small reads cost):
  // rows of (kind, id, and for a list its owner and other columns), kinds in FanOutReads' order.
  std::string sql;
  std::vector<Value> params;
  auto add = [&](int kind, const Statement& statement, const char* columns) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT " + std::to_string(kind) + ", " + columns + " FROM (" + statement.sql + ") r" +
           std::to_string(kind);
    params.insert(params.end(), statement.params.begin(), statement.params.end());
  };
  constexpr const char* kAccount = "account_id, 0, '', '', 0, 0, 0";
  if (query.follower_inboxes)  // kind 4: a follower (inbox '') or an inbox, or neither (NULL)
    add(4, audience_and_inboxes_statement(query.audience), "account_id, 0, inbox, '', 0, 0, 0");
  else
    add(0, feed_audience_statement(query.audience), kAccount);
  if (!query.followed_tags.empty()) add(1, tag_followers_statement(query.followed_tags), kAccount);
  if (query.subscribers) add(2, subscribed_followers_statement(query.audience.author), kAccount);
  if (query.lists) add(3, lists_with_member_statement(query.audience.author), list_columns());
  return Statement{std::move(sql), std::move(params)};
}

FanOutReads fan_out_reads(const Result& result) {
  FanOutReads reads;
  for (const Row& r : result.rows) {
    switch (r.i(0)) {
      case 0:
        reads.followers.push_back(r.i(1));
        break;
      case 1:
        reads.tag_followers.push_back(r.i(1));
        break;
      case 2:
        reads.subscribers.push_back(r.i(1));
        break;
      case 3:
        reads.lists.push_back(list_from_row(r, 1));
        break;
      default:
        if (r.is_null(3)) break;
        if (r.s(3).empty())
          reads.followers.push_back(r.i(1));
        else
          reads.inboxes.push_back(r.s(3));
    }
  }
  return reads;
}

namespace {
// The accounts hiding any of authors (not empty): their blocks and mutes.
std::string hiding_accounts(const std::vector<Id>& authors, std::vector<Value>& params) {
  std::string in = placeholders(authors.size());
  for (int i = 0; i < 3; ++i) append_ids(params, authors);
  return "SELECT account_id FROM blocks WHERE target_account_id IN (" + in +
         ") UNION SELECT target_account_id FROM blocks WHERE account_id IN (" + in +
         ") UNION SELECT account_id FROM mutes WHERE target_account_id IN (" + in + ")";
}

// " AND <column> NOT IN (accounts hiding any of authors)".
std::string not_hiding_clause(const std::string& column, const std::vector<Id>& authors,
                              std::vector<Value>& params) {
  if (authors.empty()) return "";
  return " AND " + column + " NOT IN (" + hiding_accounts(authors, params) + ")";
}
}  // namespace

Statement feed_audience_statement(const FeedAudienceQuery& q) {
  std::vector<Value> params{Value(q.author)};
  // The follower's domain by a scalar subquery: one primary-key probe per follower whatever the
  // statistics say. As a join, PostgreSQL without statistics on accounts (after a bulk load, before
  // autovacuum's first ANALYZE) hashed every local account for each post: 5.9 ms instead of 0.1.
  std::string sql =
      "SELECT f.account_id FROM follows f WHERE f.target_account_id = ? AND "
      "(SELECT a.domain FROM accounts a WHERE a.id = f.account_id) = ''";
  if (q.reblog) sql += " AND f.show_reblogs = 1";
  if (q.reply_to) {
    sql +=
        " AND (f.account_id = ? OR EXISTS (SELECT 1 FROM follows g WHERE g.account_id = "
        "f.account_id AND g.target_account_id = ?))";
    params.emplace_back(*q.reply_to);
    params.emplace_back(*q.reply_to);
  }
  if (q.skip_if_holding) {
    sql +=
        " AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.account_id = f.account_id AND "
        "h.status_id = ?)";
    params.emplace_back(*q.skip_if_holding);
  }
  sql += not_hiding_clause("f.account_id", q.authors, params);
  return Statement{std::move(sql), std::move(params)};
}

Statement audience_and_inboxes_statement(const FeedAudienceQuery& q) {
  // What feed_audience_statement() and follower_inboxes() read, in one pass over the author's
  // follows and one primary-key probe per follower, which says all in one value: '' for a local
  // follower in the audience, the inbox of a remote one, NULL for neither (a local one hiding the
  // author, a suspended remote one). Only the audience leaves out those hiding the author, as
  // status_inboxes() does. The value is used once, so that PostgreSQL does not probe again for
  // each use (it substitutes a subquery's expressions where they are used).
  std::vector<Value> params;
  std::string hidden;
  if (!q.authors.empty())
    hidden = " WHEN a.id IN (" + hiding_accounts(q.authors, params) + ") THEN NULL";
  params.emplace_back(q.author);
  return Statement{
      "SELECT f.account_id, (SELECT CASE WHEN a.domain <> '' THEN CASE WHEN a.suspended = 0 THEN "
      "CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url WHEN a.inbox_url <> '' THEN "
      "a.inbox_url ELSE 'no-inbox:' || a.uri END END" +
          hidden +
          " ELSE '' END FROM accounts a WHERE a.id = f.account_id) AS inbox FROM follows f WHERE "
          "f.target_account_id = ?",
      std::move(params)};
}

std::vector<Id> feed_audience(Connection& c, const FeedAudienceQuery& q) {
  auto statement = feed_audience_statement(q);
  return first_column_ids(c.query(statement.sql, statement.params));
}

Statement subscribed_followers_statement(Id author) {
  return Statement{
      "SELECT f.account_id FROM follows f WHERE f.target_account_id = ? AND f.notify = 1 AND "
      "(SELECT a.domain FROM accounts a WHERE a.id = f.account_id) = ''",
      {Value(author)}};
}

std::vector<Id> subscribed_follower_ids(Connection& c, Id author) {
  auto statement = subscribed_followers_statement(author);
  return first_column_ids(c.query(statement.sql, statement.params));
}

std::vector<Id> not_hiding(Connection& c, const std::vector<Id>& candidates,
                           const std::vector<Id>& authors) {
  if (candidates.empty()) return {};
  std::vector<Value> params;
  append_ids(params, candidates);
  std::string sql = "SELECT id FROM accounts WHERE id IN (" + placeholders(candidates.size()) + ")";
  sql += not_hiding_clause("id", authors, params);
  return first_column_ids(c.query(sql, params));
}

}  // namespace herd::store
