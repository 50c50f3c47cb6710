#include "store/lists.hpp"

#include "store/fan_out.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, title, replies_policy, exclusive, created_at, updated_at";

}  // namespace

List list_from_row(const Row& r, int first) {
  return List{r.i(first),     r.i(first + 1), r.s(first + 2), r.s(first + 3),
              r.b(first + 4), r.i(first + 5), r.i(first + 6)};
}

std::vector<List> lists_in(const Result& result) {
  std::vector<List> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(list_from_row(r, 0));
  return out;
}

const char* list_columns() {
  return kColumns;
}

void insert_list(Connection& c, const List& l) {
  c.query(std::string("INSERT INTO lists (") + kColumns + ") VALUES (?,?,?,?,?,?,?)",
          {Value(l.id), Value(l.account_id), Value(l.title), Value(l.replies_policy),
           Value(std::int64_t{l.exclusive ? 1 : 0}), Value(l.created_at), Value(l.updated_at)});
}

void update_list(Connection& c, const List& l) {
  c.query(
      "UPDATE lists SET title = ?, replies_policy = ?, exclusive = ?, updated_at = ? WHERE id = ?",
      {Value(l.title), Value(l.replies_policy), Value(std::int64_t{l.exclusive ? 1 : 0}),
       Value(l.updated_at), Value(l.id)});
}

void delete_list(Connection& c, Id list_id) {
  c.query("DELETE FROM list_accounts WHERE list_id = ?", {Value(list_id)});
  c.query("DELETE FROM lists WHERE id = ?", {Value(list_id)});
}

std::optional<List> find_list(Connection& c, Id list_id) {
  auto lists = lists_in(
      c.query(std::string("SELECT ") + kColumns + " FROM lists WHERE id = ?", {Value(list_id)}));
  if (lists.empty()) return std::nullopt;
  return lists.front();
}

std::vector<List> lists_of(Connection& c, Id owner_id) {
  return lists_in(
      c.query(std::string("SELECT ") + kColumns + " FROM lists WHERE account_id = ? ORDER BY id",
              {Value(owner_id)}));
}

std::vector<List> lists_holding(Connection& c, Id owner_id, Id member_id) {
  return lists_in(c.query(std::string("SELECT ") + kColumns +
                              " FROM lists WHERE account_id = ? AND id IN (SELECT list_id FROM "
                              "list_accounts WHERE account_id = ?) ORDER BY id",
                          {Value(owner_id), Value(member_id)}));
}

bool insert_list_account(Connection& c, Id id, Id list_id, Id account_id, std::int64_t now) {
  return c.query(
              "INSERT INTO list_accounts (id, list_id, account_id, created_at) VALUES (?, ?, ?, ?) "
              "ON CONFLICT DO NOTHING",
              {Value(id), Value(list_id), Value(account_id), Value(now)})
             .affected > 0;
}

std::int64_t delete_list_accounts(Connection& c, Id list_id, const std::vector<Id>& account_ids) {
  if (account_ids.empty()) return 0;
  std::vector<Value> params{Value(list_id)};
  params.insert(params.end(), account_ids.begin(), account_ids.end());
  return c
      .query("DELETE FROM list_accounts WHERE list_id = ? AND account_id IN (" +
                 placeholders(account_ids.size()) + ")",
             params)
      .affected;
}

void remove_from_owner_lists(Connection& c, Id owner_id, Id member_id) {
  c.query(
      "DELETE FROM list_accounts WHERE account_id = ? AND list_id IN (SELECT id FROM lists WHERE "
      "account_id = ?)",
      {Value(member_id), Value(owner_id)});
}

std::unordered_set<Id> list_members_among(Connection& c, Id list_id,
                                          const std::vector<Id>& account_ids) {
  std::unordered_set<Id> out;
  if (account_ids.empty()) return out;
  std::vector<Value> params{Value(list_id)};
  params.insert(params.end(), account_ids.begin(), account_ids.end());
  for (const Row& r : c.query("SELECT account_id FROM list_accounts WHERE list_id = ? AND "
                              "account_id IN (" +
                                  placeholders(account_ids.size()) + ")",
                              params)
                          .rows)
    out.insert(r.i(0));
  return out;
}

std::vector<Entry> page_list_accounts(Connection& c, Id list_id, const PageQuery& page) {
  std::vector<Value> params{Value(list_id)};
  std::string where = "list_id = ?";
  std::string tail;
  if (page.limit > 0) {
    tail = page_sql(page, "id", where, params);
  } else {
    tail = " ORDER BY id DESC";
  }
  std::vector<Entry> out;
  for (const Row& r :
       c.query("SELECT id, account_id FROM list_accounts WHERE " + where + tail, params).rows)
    out.push_back(Entry{r.i(0), r.i(1)});
  if (page.limit > 0) finish_page(page, out);
  return out;
}

std::vector<Id> exclusive_list_member_ids(Connection& c, Id owner_id) {
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT DISTINCT la.account_id FROM list_accounts la JOIN lists l ON "
                              "l.id = la.list_id WHERE l.account_id = ? AND l.exclusive = 1",
                              {Value(owner_id)})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

Statement lists_with_member_statement(Id author_id) {
  return Statement{std::string("SELECT ") + kColumns +
                       " FROM lists WHERE id IN (SELECT list_id FROM list_accounts "
                       "WHERE account_id = ?)",
                   {Value(author_id)}};
}

std::vector<List> lists_with_member(Connection& c, Id author_id) {
  auto statement = lists_with_member_statement(author_id);
  return lists_in(c.query(statement.sql, statement.params));
}

}  // namespace herd::store
