#include "store/announcements.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, text, starts_at, ends_at, all_day, published_at, updated_at, published";

std::vector<Announcement> rows_from(const Result& result) {
  std::vector<Announcement> out;
  for (const Row& r : result.rows)
    out.push_back(Announcement{r.i(0), r.s(1), r.oi(2), r.oi(3), r.b(4), r.i(5), r.i(6), r.b(7)});
  return out;
}

std::vector<Value> with_ids(Value first, const std::vector<Id>& ids) {
  std::vector<Value> params{std::move(first)};
  params.insert(params.end(), ids.begin(), ids.end());
  return params;
}

}  // namespace

void insert_announcement(Connection& c, const Announcement& a) {
  c.query(std::string("INSERT INTO announcements (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?)",
          {Value(a.id), Value(a.text), opt(a.starts_at), opt(a.ends_at),
           Value(std::int64_t{a.all_day ? 1 : 0}), Value(a.published_at), Value(a.updated_at),
           Value(std::int64_t{a.published ? 1 : 0})});
}

bool update_announcement(Connection& c, const Announcement& a) {
  return c.query(
              "UPDATE announcements SET text = ?, starts_at = ?, ends_at = ?, all_day = ?, "
              "published_at = ?, updated_at = ?, published = ? WHERE id = ?",
              {Value(a.text), opt(a.starts_at), opt(a.ends_at),
               Value(std::int64_t{a.all_day ? 1 : 0}), Value(a.published_at), Value(a.updated_at),
               Value(std::int64_t{a.published ? 1 : 0}), Value(a.id)})
             .affected > 0;
}

bool delete_announcement(Connection& c, Id id) {
  c.query("DELETE FROM announcement_dismissals WHERE announcement_id = ?", {Value(id)});
  c.query("DELETE FROM announcement_reactions WHERE announcement_id = ?", {Value(id)});
  return c.query("DELETE FROM announcements WHERE id = ?", {Value(id)}).affected > 0;
}

std::optional<Announcement> find_announcement(Connection& c, Id id) {
  auto rows = rows_from(
      c.query(std::string("SELECT ") + kColumns + " FROM announcements WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Announcement> active_announcements(Connection& c, std::int64_t now) {
  return rows_from(
      c.query(std::string("SELECT ") + kColumns +
                  " FROM announcements WHERE published = 1 AND published_at <= ? AND (starts_at IS "
                  "NULL OR starts_at <= ?) AND (ends_at IS NULL OR ends_at > ?) "
                  "ORDER BY published_at DESC, id DESC",
              {Value(now), Value(now), Value(now)}));
}

std::vector<Announcement> all_announcements(Connection& c) {
  return rows_from(c.query(std::string("SELECT ") + kColumns +
                           " FROM announcements ORDER BY published_at DESC, id DESC"));
}

void dismiss_announcement(Connection& c, Id announcement_id, Id account_id) {
  c.query(
      "INSERT INTO announcement_dismissals (announcement_id, account_id) VALUES (?, ?) ON "
      "CONFLICT DO NOTHING",
      {Value(announcement_id), Value(account_id)});
}

std::unordered_set<Id> dismissed_among(Connection& c, Id account_id, const std::vector<Id>& ids) {
  std::unordered_set<Id> out;
  if (ids.empty() || account_id == 0) return out;
  for (const Row& r : c.query("SELECT announcement_id FROM announcement_dismissals WHERE "
                              "account_id = ? AND announcement_id IN (" +
                                  placeholders(ids.size()) + ")",
                              with_ids(Value(account_id), ids))
                          .rows)
    out.insert(r.i(0));
  return out;
}

bool add_reaction(Connection& c, Id announcement_id, Id account_id, const std::string& name) {
  return c.query(
              "INSERT INTO announcement_reactions (announcement_id, account_id, name) VALUES (?, "
              "?, "
              "?) ON CONFLICT DO NOTHING",
              {Value(announcement_id), Value(account_id), Value(name)})
             .affected > 0;
}

bool remove_reaction(Connection& c, Id announcement_id, Id account_id, const std::string& name) {
  return c.query(
              "DELETE FROM announcement_reactions WHERE announcement_id = ? AND account_id = ? AND "
              "name = ?",
              {Value(announcement_id), Value(account_id), Value(name)})
             .affected > 0;
}

std::unordered_map<Id, std::vector<ReactionCount>> load_reactions(Connection& c, Id viewer,
                                                                  const std::vector<Id>& ids) {
  std::unordered_map<Id, std::vector<ReactionCount>> out;
  if (ids.empty()) return out;
  for (const Row& r :
       c.query("SELECT announcement_id, name, COUNT(*), SUM(CASE WHEN account_id = ? THEN 1 ELSE "
               "0 END) FROM announcement_reactions WHERE announcement_id IN (" +
                   placeholders(ids.size()) + ") GROUP BY announcement_id, name ORDER BY name",
               with_ids(Value(viewer), ids))
           .rows)
    out[r.i(0)].push_back(ReactionCount{r.s(1), r.i(2), r.i(3) > 0});
  return out;
}

}  // namespace herd::store
