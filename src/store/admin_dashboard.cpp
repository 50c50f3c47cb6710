#include "store/admin_dashboard.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace herd::store {

namespace {

constexpr std::int64_t kDayMs = 86400000;

// A measure: `from` is a FROM ... WHERE ... clause (with a '?' for the argument when it takes
// one), `at` the time column, `value` the aggregate.
struct MeasureSql {
  const char* key;
  const char* argument;  // "", "id" or "domain"
  const char* from;
  const char* at;
  const char* value;
};

const std::vector<MeasureSql>& measures() {
  static const std::vector<MeasureSql> list = {
      {"active_users", "", "FROM account_activity WHERE 1=1", "day", "COUNT(DISTINCT account_id)"},
      {"new_users", "", "FROM users WHERE 1=1", "created_at", "COUNT(*)"},
      {"interactions", "",
       "FROM (SELECT f.created_at AS happened_at FROM favourites f JOIN statuses s ON s.id = "
       "f.status_id "
       "WHERE s.local = 1 UNION ALL SELECT r.created_at AS happened_at FROM statuses r JOIN "
       "statuses s ON "
       "s.id = r.reblog_of_id WHERE s.local = 1 UNION ALL SELECT r.created_at AS happened_at FROM "
       "statuses "
       "r JOIN statuses s ON s.id = r.in_reply_to_id WHERE s.local = 1) x WHERE 1=1",
       "happened_at", "COUNT(*)"},
      {"opened_reports", "", "FROM reports WHERE 1=1", "created_at", "COUNT(*)"},
      {"resolved_reports", "", "FROM reports WHERE action_taken_at IS NOT NULL", "action_taken_at",
       "COUNT(*)"},
      {"tag_accounts", "id",
       "FROM statuses_tags st JOIN statuses s ON s.id = st.status_id WHERE st.tag_id = ?",
       "s.created_at", "COUNT(DISTINCT s.account_id)"},
      {"tag_uses", "id",
       "FROM statuses_tags st JOIN statuses s ON s.id = st.status_id WHERE st.tag_id = ?",
       "s.created_at", "COUNT(DISTINCT s.id)"},
      {"tag_servers", "id",
       "FROM statuses_tags st JOIN statuses s ON s.id = st.status_id JOIN accounts a ON a.id = "
       "s.account_id WHERE st.tag_id = ?",
       "s.created_at", "COUNT(DISTINCT a.domain)"},
      {"instance_accounts", "domain", "FROM accounts WHERE domain = ?", "created_at", "COUNT(*)"},
      {"instance_media_attachments", "domain",
       "FROM media_attachments m JOIN accounts a ON a.id = m.account_id WHERE a.domain = ?",
       "m.created_at", "COALESCE(SUM(m.file_size), 0)"},
      {"instance_reports", "domain",
       "FROM reports r JOIN accounts a ON a.id = r.target_account_id WHERE a.domain = ?",
       "r.created_at", "COUNT(*)"},
      {"instance_statuses", "domain",
       "FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE a.domain = ?", "s.created_at",
       "COUNT(*)"},
      {"instance_follows", "domain",
       "FROM follows f JOIN accounts a ON a.id = f.account_id WHERE a.domain = ?", "f.created_at",
       "COUNT(*)"},
      {"instance_followers", "domain",
       "FROM follows f JOIN accounts a ON a.id = f.target_account_id WHERE a.domain = ?",
       "f.created_at", "COUNT(*)"},
  };
  return list;
}

const MeasureSql* find_measure(const std::string& key) {
  for (const auto& m : measures())
    if (key == m.key) return &m;
  return nullptr;
}

std::vector<Value> with_argument(const char* kind, const std::string& argument,
                                 std::vector<Value> rest) {
  std::vector<Value> params;
  if (std::string_view(kind) == "id")
    params.emplace_back(static_cast<std::int64_t>(std::strtoll(argument.c_str(), nullptr, 10)));
  else if (*kind)
    params.emplace_back(argument);
  for (auto& v : rest) params.push_back(std::move(v));
  return params;
}

}  // namespace

bool measure_known(const std::string& key) {
  return find_measure(key) != nullptr;
}

std::string measure_argument(const std::string& key) {
  const MeasureSql* m = find_measure(key);
  return m ? m->argument : "";
}

std::optional<MeasureFigures> measure(Connection& c, const std::string& key,
                                      const std::string& argument, std::int64_t start,
                                      std::int64_t end) {
  const MeasureSql* m = find_measure(key);
  if (!m) return std::nullopt;
  std::string at = m->at;
  std::string range = std::string(" AND ") + at + " >= ? AND " + at + " < ?";
  auto params = with_argument(m->argument, argument, {Value(start), Value(end)});
  MeasureFigures figures;
  for (const Row& r :
       c.query("SELECT " + at + " - (" + at + " % 86400000), " + m->value + " " + m->from + range +
                   " GROUP BY " + at + " - (" + at + " % 86400000)",
               params)
           .rows)
    figures.by_day[r.i(0)] = r.i(1);
  figures.total =
      c.query(std::string("SELECT ") + m->value + " " + m->from + range, params).front().i(0);
  return figures;
}

std::optional<std::vector<DimensionItem>> dimension(Connection& c, const std::string& key,
                                                    const std::string& argument, std::int64_t start,
                                                    std::int64_t end, int limit) {
  std::string sql;
  const char* kind = "";
  bool ranged = true;
  if (key == "languages") {
    sql =
        "SELECT COALESCE(language, ''), COUNT(*) FROM statuses WHERE local = 1 AND "
        "reblog_of_id IS NULL AND created_at >= ? AND created_at < ? GROUP BY COALESCE(language, "
        "'')";
  } else if (key == "servers") {
    sql =
        "SELECT a.domain, COUNT(*) FROM statuses s JOIN accounts a ON a.id = s.account_id "
        "WHERE a.domain <> '' AND s.created_at >= ? AND s.created_at < ? GROUP BY a.domain";
  } else if (key == "tag_servers") {
    kind = "id";
    sql =
        "SELECT a.domain, COUNT(*) FROM statuses_tags st JOIN statuses s ON s.id = "
        "st.status_id JOIN accounts a ON a.id = s.account_id WHERE st.tag_id = ? AND "
        "s.created_at >= ? AND s.created_at < ? GROUP BY a.domain";
  } else if (key == "tag_languages") {
    kind = "id";
    sql =
        "SELECT COALESCE(s.language, ''), COUNT(*) FROM statuses_tags st JOIN statuses s ON "
        "s.id = st.status_id WHERE st.tag_id = ? AND s.created_at >= ? AND s.created_at < ? "
        "GROUP BY COALESCE(s.language, '')";
  } else if (key == "instance_accounts") {
    kind = "domain";
    ranged = false;  // the domain's most followed accounts, whenever they were created
    sql =
        "SELECT a.username, COUNT(f.id) FROM accounts a LEFT JOIN follows f ON "
        "f.target_account_id = a.id WHERE a.domain = ? GROUP BY a.id, a.username";
  } else if (key == "instance_languages") {
    kind = "domain";
    sql =
        "SELECT COALESCE(s.language, ''), COUNT(*) FROM statuses s JOIN accounts a ON a.id = "
        "s.account_id WHERE a.domain = ? AND s.created_at >= ? AND s.created_at < ? GROUP BY "
        "COALESCE(s.language, '')";
  } else {
    return std::nullopt;
  }
  std::vector<DimensionItem> items;
  std::vector<Value> range;
  if (ranged) range = {Value(start), Value(end)};
  for (const Row& r : c.query(sql, with_argument(kind, argument, range)).rows)
    items.push_back(DimensionItem{r.s(0), r.i(1)});
  std::sort(items.begin(), items.end(), [](const DimensionItem& a, const DimensionItem& b) {
    return a.value != b.value ? a.value > b.value : a.key < b.key;
  });
  if (items.size() > static_cast<std::size_t>(std::max(limit, 1)))
    items.resize(static_cast<std::size_t>(std::max(limit, 1)));
  return items;
}

std::int64_t database_size(Connection& c) {
  if (c.dialect() == Dialect::sqlite) {
    std::int64_t pages = c.query("PRAGMA page_count").front().i(0);
    std::int64_t size = c.query("PRAGMA page_size").front().i(0);
    return pages * size;
  }
  return c.query("SELECT pg_database_size(current_database())").front().i(0);
}

std::int64_t local_media_bytes(Connection& c) {
  return c
      .query(
          "SELECT COALESCE(SUM(m.file_size), 0) FROM media_attachments m JOIN accounts a ON "
          "a.id = m.account_id WHERE a.domain = ''")
      .front()
      .i(0);
}

std::string database_version(Connection& c) {
  if (c.dialect() == Dialect::sqlite)
    return "SQLite " + c.query("SELECT sqlite_version()").front().s(0);
  std::string version = c.query("SELECT current_setting('server_version')").front().s(0);
  return "PostgreSQL " + version.substr(0, version.find(' '));
}

std::vector<Id> users_created(Connection& c, std::int64_t start, std::int64_t end) {
  std::vector<Id> out;
  for (const Row& r :
       c.query("SELECT account_id FROM users WHERE created_at >= ? AND created_at < ?",
               {Value(start), Value(end)})
           .rows)
    out.push_back(r.i(0));
  return out;
}

std::int64_t active_among(Connection& c, const std::vector<Id>& account_ids, std::int64_t start,
                          std::int64_t end) {
  if (account_ids.empty()) return 0;
  std::vector<Value> params{Value(start), Value(end)};
  for (Id id : account_ids) params.emplace_back(id);
  return c
      .query(
          "SELECT COUNT(DISTINCT account_id) FROM account_activity WHERE day >= ? AND day < ? "
          "AND account_id IN (" +
              placeholders(account_ids.size()) + ")",
          params)
      .front()
      .i(0);
}

}  // namespace herd::store
