#include "store/exports.hpp"

namespace herd::store {

namespace {

std::vector<ExportedAccount> accounts(Connection& c, const std::string& sql, Id account_id) {
  std::vector<ExportedAccount> out;
  for (const Row& row : c.query(sql, {Value(account_id)}).rows) {
    ExportedAccount a;
    a.id = row.i(0);
    a.username = row.s(1);
    a.domain = row.s(2);
    if (row.size() > 3) a.flag1 = row.b(3);
    if (row.size() > 4) a.flag2 = row.b(4);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::vector<ExportedAccount> export_following(Connection& c, Id account_id) {
  return accounts(c,
                  "SELECT a.id, a.username, a.domain, f.show_reblogs, f.notify FROM follows f JOIN "
                  "accounts a ON a.id = f.target_account_id WHERE f.account_id = ? ORDER BY f.id "
                  "DESC",
                  account_id);
}

std::vector<ExportedAccount> export_blocks(Connection& c, Id account_id) {
  return accounts(c,
                  "SELECT a.id, a.username, a.domain FROM blocks b JOIN accounts a ON a.id = "
                  "b.target_account_id WHERE b.account_id = ? ORDER BY b.id DESC",
                  account_id);
}

std::vector<ExportedAccount> export_mutes(Connection& c, Id account_id) {
  return accounts(
      c,
      "SELECT a.id, a.username, a.domain, m.hide_notifications FROM mutes m JOIN accounts a "
      "ON a.id = m.target_account_id WHERE m.account_id = ? ORDER BY m.id DESC",
      account_id);
}

std::vector<ExportedAccount> export_list_members(Connection& c, Id account_id) {
  std::vector<ExportedAccount> out;
  auto result = c.query(
      "SELECT l.title, a.username, a.domain, a.id, l.id FROM lists l JOIN list_accounts la ON "
      "la.list_id = "
      "l.id JOIN accounts a ON a.id = la.account_id WHERE l.account_id = ? ORDER BY l.id, la.id",
      {Value(account_id)});
  for (const Row& row : result.rows) {
    ExportedAccount a;
    a.list_title = row.s(0);
    a.username = row.s(1);
    a.domain = row.s(2);
    a.id = row.i(3);
    a.list_id = row.i(4);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> export_domain_blocks(Connection& c, Id account_id) {
  std::vector<std::string> out;
  for (const Row& row : c.query("SELECT domain FROM account_domain_blocks WHERE account_id = ? "
                                "ORDER BY id",
                                {Value(account_id)})
                            .rows)
    out.push_back(row.s(0));
  return out;
}

namespace {

std::vector<ExportedStatus> statuses_in(Connection& c, const char* table, Id account_id) {
  std::vector<ExportedStatus> out;
  auto result = c.query(std::string("SELECT s.id, s.uri, a.username, s.local FROM ") + table +
                            " b JOIN statuses s ON s.id = b.status_id JOIN accounts a ON a.id = "
                            "s.account_id WHERE b.account_id = ? ORDER BY b.id DESC",
                        {Value(account_id)});
  for (const Row& row : result.rows) out.push_back({row.i(0), row.b(3) ? "" : row.s(1), row.s(2)});
  return out;
}

}  // namespace

std::vector<ExportedStatus> export_bookmarks(Connection& c, Id account_id) {
  return statuses_in(c, "bookmarks", account_id);
}

std::vector<ExportedStatus> export_favourites(Connection& c, Id account_id) {
  return statuses_in(c, "favourites", account_id);
}

}  // namespace herd::store
