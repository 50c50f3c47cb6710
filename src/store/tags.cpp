#include "store/tags.hpp"

#include <map>

#include "core/ids.hpp"
#include "store/fan_out.hpp"

namespace herd::store {

bool follow_tag(Connection& c, Id id, Id account_id, Id tag_id, std::int64_t now) {
  return c.query(
              "INSERT INTO tag_follows (id, account_id, tag_id, created_at) VALUES (?, ?, ?, ?) ON "
              "CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(tag_id), Value(now)})
             .affected > 0;
}

bool unfollow_tag(Connection& c, Id account_id, Id tag_id) {
  return c.query("DELETE FROM tag_follows WHERE account_id = ? AND tag_id = ?",
                 {Value(account_id), Value(tag_id)})
             .affected > 0;
}

std::unordered_set<Id> followed_among(Connection& c, Id account_id,
                                      const std::vector<Id>& tag_ids) {
  std::unordered_set<Id> out;
  if (tag_ids.empty() || account_id == 0) return out;
  std::vector<Value> params{Value(account_id)};
  params.insert(params.end(), tag_ids.begin(), tag_ids.end());
  for (const Row& r :
       c.query("SELECT tag_id FROM tag_follows WHERE account_id = ? AND tag_id IN (" +
                   placeholders(tag_ids.size()) + ")",
               params)
           .rows)
    out.insert(r.i(0));
  return out;
}

std::vector<FollowedTag> page_followed_tags(Connection& c, Id account_id, const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "f.account_id = ?";
  std::string tail = page_sql(page, "f.id", where, params);
  std::vector<FollowedTag> out;
  for (const Row& r : c.query("SELECT f.id, t.id, t.name, t.created_at FROM tag_follows f JOIN "
                              "tags t ON t.id = f.tag_id WHERE " +
                                  where + tail,
                              params)
                          .rows)
    out.push_back(FollowedTag{r.i(0), Tag{r.i(1), r.s(2), r.i(3)}});
  finish_page(page, out);
  return out;
}

Statement tag_followers_statement(const std::vector<std::string>& names) {
  return Statement{
      "SELECT DISTINCT f.account_id FROM tag_follows f JOIN tags t ON t.id = f.tag_id "
      "WHERE t.usable = 1 AND t.name IN (" +
          placeholders(names.size()) + ")",
      std::vector<Value>(names.begin(), names.end())};
}

std::vector<Id> tag_follower_ids(Connection& c, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  auto statement = tag_followers_statement(names);
  return first_column_ids(c.query(statement.sql, statement.params));
}

void link_tag_names(Connection& c, Id status_id, const std::vector<std::string>& names,
                    std::int64_t now) {
  for (const auto& name : names) {
    query_later(c,
                "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                {Value(next_id()), Value(name), Value(now)});
    // A hashtag the staff made unusable is not attached (as link_tags).
    query_later(
        c,
        "INSERT INTO statuses_tags (tag_id, status_id) SELECT id, ? FROM tags WHERE name = ? "
        "AND usable = 1 ON CONFLICT DO NOTHING",
        {Value(status_id), Value(name)});
  }
}

std::vector<TagDay> tag_history(Connection& c, Id tag_id, std::int64_t now, int days) {
  constexpr std::int64_t kDayMs = 86400000;
  std::int64_t today = now - now % kDayMs;
  std::int64_t since = today - (days - 1) * kDayMs;
  std::map<std::int64_t, TagDay> by_day;
  for (const Row& r : c.query("SELECT s.created_at - (s.created_at % 86400000), COUNT(*), COUNT("
                              "DISTINCT s.account_id) FROM statuses_tags st JOIN statuses s ON "
                              "s.id = st.status_id WHERE st.tag_id = ? AND s.created_at >= ? "
                              "GROUP BY s.created_at - (s.created_at % 86400000)",
                              {Value(tag_id), Value(since)})
                          .rows)
    by_day[r.i(0)] = TagDay{r.i(0) / 1000, r.i(1), r.i(2)};
  std::vector<TagDay> out;
  for (std::int64_t day = today; day >= since; day -= kDayMs) {
    auto it = by_day.find(day);
    out.push_back(it != by_day.end() ? it->second : TagDay{day / 1000, 0, 0});
  }
  return out;
}

std::optional<Tag> find_tag_by_id(Connection& c, Id id) {
  auto rows = c.query("SELECT id, name, created_at FROM tags WHERE id = ?", {Value(id)});
  if (rows.empty()) return std::nullopt;
  return Tag{rows.front().i(0), rows.front().s(1), rows.front().i(2)};
}

std::string trend_review_condition(TrendReview review, const std::string& alias) {
  switch (review) {
    case TrendReview::any:
      return "";
    case TrendReview::not_rejected:
      return " AND (" + alias + ".trendable IS NULL OR " + alias + ".trendable = 1)";
    case TrendReview::approved:
      return " AND " + alias + ".trendable = 1";
  }
  return "";
}

std::vector<Tag> trending_tags(Connection& c, std::int64_t since, int limit, int offset,
                               TrendReview review) {
  std::vector<Tag> out;
  for (const Row& r :
       c.query(
            "SELECT t.id, t.name, t.created_at FROM tags t JOIN (SELECT st.tag_id, COUNT(DISTINCT "
            "s.account_id) AS people, COUNT(*) AS uses FROM statuses_tags st JOIN statuses s ON "
            "s.id = st.status_id WHERE s.created_at >= ? AND s.visibility = 'public' GROUP BY "
            "st.tag_id) u ON u.tag_id = t.id LEFT JOIN trend_reviews tr ON tr.kind = 'tag' AND "
            "tr.target_id = t.id WHERE 1=1" +
                trend_review_condition(review, "tr") +
                " ORDER BY u.people DESC, u.uses DESC, t.id DESC LIMIT ? OFFSET ?",
            {Value(since), Value(std::int64_t{limit}), Value(std::int64_t{offset})})
           .rows)
    out.push_back(Tag{r.i(0), r.s(1), r.i(2)});
  return out;
}

std::vector<Id> trending_status_ids(Connection& c, std::int64_t since, int limit, int offset,
                                    TrendReview review) {
  std::vector<Id> out;
  for (const Row& r :
       c.query(
            "SELECT s.id FROM statuses s LEFT JOIN trend_reviews tr ON tr.kind = 'status' AND "
            "tr.target_id = s.id WHERE s.created_at >= ? AND s.visibility = 'public' AND "
            "s.reblog_of_id IS NULL AND s.reblogs_count + s.favourites_count > 0" +
                trend_review_condition(review, "tr") +
                " ORDER BY s.reblogs_count + s.favourites_count DESC, s.id DESC LIMIT ? OFFSET ?",
            {Value(since), Value(std::int64_t{limit}), Value(std::int64_t{offset})})
           .rows)
    out.push_back(r.i(0));
  return out;
}

std::vector<FeaturedTag> featured_tags_of(Connection& c, Id account_id) {
  std::vector<FeaturedTag> out;
  for (const Row& r :
       c.query(
            "SELECT f.id, t.id, t.name, t.created_at, COUNT(s.id), MAX(s.created_at) FROM "
            "featured_tags f JOIN tags t ON t.id = f.tag_id LEFT JOIN statuses_tags st ON "
            "st.tag_id = t.id LEFT JOIN statuses s ON s.id = st.status_id AND s.account_id = "
            "f.account_id AND s.visibility IN ('public', 'unlisted') WHERE f.account_id = ? GROUP "
            "BY f.id, t.id, t.name, t.created_at ORDER BY f.id",
            {Value(account_id)})
           .rows)
    out.push_back(FeaturedTag{r.i(0), account_id, Tag{r.i(1), r.s(2), r.i(3)}, r.i(4), r.oi(5)});
  return out;
}

std::int64_t count_featured_tags(Connection& c, Id account_id) {
  return c.query("SELECT COUNT(*) FROM featured_tags WHERE account_id = ?", {Value(account_id)})
      .front()
      .i(0);
}

bool insert_featured_tag(Connection& c, Id id, Id account_id, Id tag_id, std::int64_t now) {
  return c.query(
              "INSERT INTO featured_tags (id, account_id, tag_id, created_at) VALUES (?, ?, ?, ?) "
              "ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(tag_id), Value(now)})
             .affected > 0;
}

bool delete_featured_tag(Connection& c, Id account_id, Id featured_tag_id) {
  return c.query("DELETE FROM featured_tags WHERE id = ? AND account_id = ?",
                 {Value(featured_tag_id), Value(account_id)})
             .affected > 0;
}

std::vector<Tag> recent_tags_of(Connection& c, Id account_id, int limit) {
  std::vector<Tag> out;
  for (const Row& r :
       c.query(
            "SELECT t.id, t.name, t.created_at FROM tags t JOIN (SELECT st.tag_id, COUNT(*) AS "
            "uses "
            "FROM statuses_tags st JOIN statuses s ON s.id = st.status_id WHERE s.account_id = ? "
            "GROUP BY st.tag_id) u ON u.tag_id = t.id ORDER BY u.uses DESC, t.id DESC LIMIT ?",
            {Value(account_id), Value(std::int64_t{limit})})
           .rows)
    out.push_back(Tag{r.i(0), r.s(1), r.i(2)});
  return out;
}

bool featuring(Connection& c, Id account_id, Id tag_id) {
  return !c.query("SELECT 1 FROM featured_tags WHERE account_id = ? AND tag_id = ?",
                  {Value(account_id), Value(tag_id)})
              .empty();
}

TagModeration tag_moderation(Connection& c, Id tag_id) {
  auto r = c.query("SELECT usable, listable FROM tags WHERE id = ?", {Value(tag_id)});
  if (r.empty()) return {};
  return TagModeration{r.front().i(0) != 0, r.front().i(1) != 0};
}

void set_tag_moderation(Connection& c, Id tag_id, const TagModeration& moderation) {
  c.query("UPDATE tags SET usable = ?, listable = ? WHERE id = ?",
          {Value(std::int64_t{moderation.usable}), Value(std::int64_t{moderation.listable}),
           Value(tag_id)});
}

std::vector<Tag> page_tags(Connection& c, const PageQuery& page) {
  std::vector<Tag> out;
  std::vector<Value> params;
  std::string where = "1=1";
  std::string tail = page_sql(page, "id", where, params);
  for (const Row& r :
       c.query("SELECT id, name, created_at FROM tags WHERE " + where + tail, params).rows)
    out.push_back(Tag{r.i(0), r.s(1), r.i(2)});
  finish_page(page, out);
  return out;
}

}  // namespace herd::store
