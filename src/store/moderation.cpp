#include "store/moderation.hpp"

#include "store/invalidation.hpp"

namespace herd::store {

namespace {

Value flag(bool value) {
  return Value(std::int64_t{value ? 1 : 0});
}

std::string lower(std::string text) {
  for (char& ch : text)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return text;
}

}  // namespace

void set_account_silenced(Connection& c, Id account_id, bool silenced) {
  Changes::note_account_row(account_id);  // the actor cache (invalidation.hpp)
  c.query("UPDATE accounts SET silenced = ? WHERE id = ?", {flag(silenced), Value(account_id)});
}

void set_account_sensitized(Connection& c, Id account_id, bool sensitized) {
  Changes::note_account_row(account_id);
  c.query("UPDATE accounts SET sensitized = ? WHERE id = ?", {flag(sensitized), Value(account_id)});
}

bool is_sensitized(Connection& c, Id account_id) {
  auto r = c.query("SELECT sensitized FROM accounts WHERE id = ?", {Value(account_id)});
  return !r.empty() && r.front().b(0);
}

void set_user_disabled(Connection& c, Id account_id, bool disabled) {
  c.query("UPDATE users SET disabled = ? WHERE account_id = ?",
          {flag(disabled), Value(account_id)});
}

void set_user_approved(Connection& c, Id account_id, bool approved) {
  c.query("UPDATE users SET approved = ? WHERE account_id = ?",
          {flag(approved), Value(account_id)});
}

void delete_pending_account(Connection& c, Id account_id) {
  Changes::note_account_row(account_id);
  std::vector<Value> params{Value(account_id)};
  c.query(
      "DELETE FROM oauth_access_tokens WHERE user_id IN (SELECT id FROM users WHERE account_id = "
      "?)",
      params);
  c.query("DELETE FROM users WHERE account_id = ? AND approved = 0", params);
  c.query("DELETE FROM accounts WHERE id = ? AND domain = ''", params);
}

std::vector<Id> page_admin_accounts(Connection& c, const AdminAccountFilter& f,
                                    const PageQuery& page) {
  std::vector<Value> params;
  std::string where = "1=1";
  if (f.origin == "local") where += " AND a.domain = ''";
  if (f.origin == "remote") where += " AND a.domain <> ''";
  if (f.status == "active")
    where += " AND a.suspended = 0 AND (u.id IS NULL OR (u.disabled = 0 AND u.approved = 1))";
  if (f.status == "pending") where += " AND u.approved = 0";
  if (f.status == "disabled") where += " AND u.disabled = 1";
  if (f.status == "silenced") where += " AND a.silenced = 1";
  if (f.status == "suspended") where += " AND a.suspended = 1";
  if (f.staff) where += " AND u.role IN ('moderator', 'admin', 'owner')";
  auto like = [&](const char* column, const std::string& text) {
    if (text.empty()) return;
    where += std::string(" AND lower(") + column + ") LIKE ?";
    params.emplace_back("%" + lower(text) + "%");
  };
  like("a.username", f.username);
  like("a.display_name", f.display_name);
  like("u.email", f.email);
  like("a.domain", f.by_domain);
  std::string tail = page_sql(page, "a.id", where, params);
  std::vector<Id> out;
  for (const Row& r :
       c.query("SELECT a.id FROM accounts a LEFT JOIN users u ON u.account_id = a.id WHERE " +
                   where + tail,
               params)
           .rows)
    out.push_back(r.i(0));
  finish_page(page, out);
  return out;
}

}  // namespace herd::store
