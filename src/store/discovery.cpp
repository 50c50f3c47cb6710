#include "store/discovery.hpp"

namespace herd::store {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kWeekMs = 7 * kDayMs;

// Counts rows per period: SQL with one `?` pair (from, until) per period is avoided by grouping
// on (time - origin) / period in SQL; returns period index -> count.
std::unordered_map<std::int64_t, std::int64_t> count_by_period(Connection& c,
                                                               const std::string& sql,
                                                               std::int64_t origin,
                                                               std::int64_t period,
                                                               std::int64_t until) {
  std::unordered_map<std::int64_t, std::int64_t> out;
  for (const Row& r :
       c.query(sql, {Value(origin), Value(period), Value(origin), Value(until)}).rows)
    out[r.i(0)] = r.i(1);
  return out;
}

}  // namespace

std::vector<Id> directory_account_ids(Connection& c, Id viewer, bool local_only, bool newest,
                                      int limit, int offset) {
  std::string sql =
      "SELECT a.id FROM accounts a WHERE a.discoverable = 1 AND a.suspended = 0 AND a.silenced = 0 "
      "AND a.moved_to_account_id IS NULL AND a.actor_type <> 'Application'";
  std::vector<Value> params;
  if (local_only) sql += " AND a.domain = ''";
  if (viewer != 0) {
    sql +=
        " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ? AND b.target_account_id = "
        "a.id) OR (b.account_id = a.id AND b.target_account_id = ?)) AND NOT EXISTS (SELECT 1 FROM "
        "mutes m WHERE m.account_id = ? AND m.target_account_id = a.id)";
    for (int i = 0; i < 3; ++i) params.emplace_back(viewer);
    if (!local_only) {
      sql +=
          " AND NOT EXISTS (SELECT 1 FROM account_domain_blocks d WHERE d.account_id = ? AND "
          "d.domain = a.domain)";
      params.emplace_back(viewer);
    }
  }
  sql += newest ? " ORDER BY a.id DESC"
                : " ORDER BY (a.last_status_at IS NULL), a.last_status_at DESC, a.id DESC";
  sql += " LIMIT ? OFFSET ?";
  params.emplace_back(std::int64_t{limit});
  params.emplace_back(std::int64_t{offset});
  std::vector<Id> out;
  for (const Row& r : c.query(sql, params).rows) out.push_back(r.i(0));
  return out;
}

std::unordered_map<Id, std::vector<DayUse>> card_history(Connection& c,
                                                         const std::vector<Id>& cards,
                                                         std::int64_t now, int days) {
  std::unordered_map<Id, std::vector<DayUse>> out;
  if (cards.empty()) return out;
  std::int64_t today = now - now % kDayMs;
  std::int64_t origin = today - (days - 1) * kDayMs;
  for (Id card : cards) {
    auto& history = out[card];
    for (int d = 0; d < days; ++d) history.push_back(DayUse{(today - d * kDayMs) / 1000, 0, 0});
  }
  std::vector<Value> params{Value(origin), Value(kDayMs), Value(origin)};
  for (Id card : cards) params.emplace_back(card);
  for (const Row& r :
       c.query("SELECT spc.preview_card_id, (s.created_at - ?) / ? AS day, COUNT(DISTINCT "
               "s.account_id), COUNT(*) FROM status_preview_cards spc JOIN statuses s ON s.id = "
               "spc.status_id WHERE s.created_at >= ? AND s.visibility = 'public' AND "
               "s.reblog_of_id IS NULL AND spc.preview_card_id IN (" +
                   placeholders(cards.size()) + ") GROUP BY spc.preview_card_id, day",
               params)
           .rows) {
    std::int64_t index = days - 1 - r.i(1);  // day 0 is the oldest; the list is newest first
    if (index < 0 || index >= days) continue;
    auto& entry = out[r.i(0)][static_cast<size_t>(index)];
    entry.accounts = r.i(2);
    entry.uses = r.i(3);
  }
  return out;
}

std::vector<std::string> known_domains(Connection& c) {
  std::vector<std::string> out;
  for (const Row& r :
       c.query("SELECT DISTINCT domain FROM accounts WHERE domain <> '' ORDER BY domain", {}).rows)
    out.push_back(r.s(0));
  return out;
}

std::vector<WeekActivity> weekly_activity(Connection& c, std::int64_t now, int weeks) {
  // 1970-01-01 was a Thursday: Mondays are 4 days after a multiple of a week.
  constexpr std::int64_t kMondayOffset = 4 * kDayMs;
  std::int64_t this_week = now - (now - kMondayOffset) % kWeekMs;
  std::int64_t origin = this_week - (weeks - 1) * kWeekMs;
  std::int64_t until = this_week + kWeekMs;
  auto statuses = count_by_period(
      c,
      "SELECT (created_at - ?) / ? AS week, COUNT(*) FROM statuses WHERE local = 1 AND created_at "
      ">= ? AND created_at < ? GROUP BY week",
      origin, kWeekMs, until);
  auto registrations = count_by_period(
      c,
      "SELECT (created_at - ?) / ? AS week, COUNT(*) FROM accounts WHERE domain = '' AND "
      "created_at >= ? AND created_at < ? GROUP BY week",
      origin, kWeekMs, until);
  auto logins = count_by_period(
      c,
      "SELECT (created_at - ?) / ? AS week, COUNT(DISTINCT user_id) FROM (SELECT user_id, "
      "created_at FROM web_sessions WHERE user_id IS NOT NULL UNION ALL SELECT user_id, created_at "
      "FROM oauth_access_tokens WHERE user_id IS NOT NULL) signins WHERE created_at >= ? AND "
      "created_at < ? GROUP BY week",
      origin, kWeekMs, until);
  std::vector<WeekActivity> out;
  for (int w = weeks - 1; w >= 0; --w) {
    WeekActivity week;
    week.week = (origin + w * kWeekMs) / 1000;
    week.statuses = statuses.count(w) ? statuses[w] : 0;
    week.logins = logins.count(w) ? logins[w] : 0;
    week.registrations = registrations.count(w) ? registrations[w] : 0;
    out.push_back(week);
  }
  return out;
}

}  // namespace herd::store
