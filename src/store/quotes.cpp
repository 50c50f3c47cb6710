#include "store/quotes.hpp"

#include "store/invalidation.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, status_id, uri, account_id, quoted_status_id, quoted_account_id, quoted_uri, state, "
    "request_uri, authorization_uri, created_at, updated_at";

Quote quote_from_row(const Row& r) {
  return Quote{r.i(0), r.oi(1), r.s(2), r.i(3), r.oi(4), r.oi(5),
               r.s(6), r.s(7),  r.s(8), r.s(9), r.i(10), r.i(11)};
}

std::optional<Quote> find_one(Connection& c, const std::string& where, Value param) {
  auto r = c.query(std::string("SELECT ") + kColumns + " FROM quotes WHERE " + where, {param});
  if (r.empty()) return std::nullopt;
  return quote_from_row(r.front());
}

}  // namespace

void insert_quote(Connection& c, const Quote& q) {
  c.query(
      std::string("INSERT INTO quotes (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {Value(q.id), opt(q.status_id), Value(q.uri), Value(q.account_id), opt(q.quoted_status_id),
       opt(q.quoted_account_id), Value(q.quoted_uri), Value(q.state), Value(q.request_uri),
       Value(q.authorization_uri), Value(q.created_at), Value(q.updated_at)});
}

void update_quote(Connection& c, const Quote& q) {
  c.query(
      "UPDATE quotes SET state = ?, authorization_uri = ?, status_id = ?, quoted_status_id = ?, "
      "quoted_account_id = ?, updated_at = ? WHERE id = ?",
      {Value(q.state), Value(q.authorization_uri), opt(q.status_id), opt(q.quoted_status_id),
       opt(q.quoted_account_id), Value(q.updated_at), Value(q.id)});
}

std::optional<Quote> find_quote(Connection& c, Id id) {
  return find_one(c, "id = ?", Value(id));
}
std::optional<Quote> find_quote_of_status(Connection& c, Id status_id) {
  return find_one(c, "status_id = ?", Value(status_id));
}
std::optional<Quote> find_quote_by_uri(Connection& c, const std::string& uri) {
  if (uri.empty()) return std::nullopt;
  return find_one(c, "uri = ?", Value(uri));
}
std::optional<Quote> find_quote_by_authorization(Connection& c, const std::string& uri) {
  if (uri.empty()) return std::nullopt;
  return find_one(c, "authorization_uri = ?", Value(uri));
}
std::optional<Quote> find_quote_by_request(Connection& c, const std::string& request_uri) {
  if (request_uri.empty()) return std::nullopt;
  return find_one(c, "request_uri = ?", Value(request_uri));
}

std::unordered_map<Id, Quote> load_quotes(Connection& c, const std::vector<Id>& status_ids) {
  std::unordered_map<Id, Quote> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params;
  for (Id id : status_ids) params.emplace_back(id);
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns + " FROM quotes WHERE status_id IN (" +
                   placeholders(status_ids.size()) + ")",
               params)
           .rows) {
    Quote q = quote_from_row(r);
    out.emplace(*q.status_id, std::move(q));
  }
  return out;
}

std::vector<Id> page_quoting_status_ids(Connection& c, Id quoted_status_id, const PageQuery& page) {
  std::vector<Value> params{Value(quoted_status_id)};
  std::string where = "quoted_status_id = ? AND state = 'accepted' AND status_id IS NOT NULL";
  std::string tail = page_sql(page, "status_id", where, params);
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT status_id FROM quotes WHERE " + where + tail, params).rows)
    out.push_back(r.i(0));
  finish_page(page, out);
  return out;
}

std::vector<Quote> accepted_quotes_of(Connection& c, Id quoted_status_id) {
  std::vector<Quote> out;
  for (const Row& r : c.query(std::string("SELECT ") + kColumns +
                                  " FROM quotes WHERE quoted_status_id = ? AND state = "
                                  "'accepted' AND status_id IS NOT NULL",
                              {Value(quoted_status_id)})
                          .rows)
    out.push_back(quote_from_row(r));
  return out;
}

std::optional<Quote> delete_quote_of_status(Connection& c, Id status_id) {
  auto quote = find_quote_of_status(c, status_id);
  if (quote) c.query("DELETE FROM quotes WHERE id = ?", {Value(quote->id)});
  return quote;
}

void adjust_quotes_count(Connection& c, Id status_id, std::int64_t delta) {
  Changes::note(tags::status(status_id));  // invalidation.hpp
  c.query(
      "UPDATE statuses SET quotes_count = CASE WHEN quotes_count + ? < 0 THEN 0 ELSE "
      "quotes_count + ? END WHERE id = ?",
      {Value(delta), Value(delta), Value(status_id)});
}

void set_quote_policy(Connection& c, Id status_id, const std::string& policy,
                      const std::string& manual) {
  Changes::note(tags::status(status_id));  // invalidation.hpp
  c.query("UPDATE statuses SET quote_policy = ?, quote_policy_manual = ? WHERE id = ?",
          {Value(policy), Value(manual), Value(status_id)});
}

std::string default_quote_policy(Connection& c, Id account_id) {
  auto r =
      c.query("SELECT default_quote_policy FROM users WHERE account_id = ?", {Value(account_id)});
  return r.empty() ? std::string("public") : r.front().s(0);
}

void set_default_quote_policy(Connection& c, Id account_id, const std::string& policy) {
  c.query("UPDATE users SET default_quote_policy = ? WHERE account_id = ?",
          {Value(policy), Value(account_id)});
}

}  // namespace herd::store
