#include "store/preview_cards.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "p.id, p.url, p.title, p.description, p.type, p.provider_name, p.author_name, p.image_url, "
    "p.language, p.width, p.height, p.created_at";

PreviewCard card_from(const Row& r, int i = 0) {
  PreviewCard card;
  card.id = r.i(i++);
  card.url = r.s(i++);
  card.title = r.s(i++);
  card.description = r.s(i++);
  card.type = r.s(i++);
  card.provider_name = r.s(i++);
  card.author_name = r.s(i++);
  card.image_url = r.os(i++);
  card.language = r.os(i++);
  card.width = r.i(i++);
  card.height = r.i(i++);
  card.created_at = r.i(i++);
  return card;
}

}  // namespace

std::optional<PreviewCard> find_card_by_url(Connection& c, const std::string& url) {
  auto r = c.query(std::string("SELECT ") + kColumns + " FROM preview_cards p WHERE p.url = ?",
                   {Value(url)});
  if (r.empty()) return std::nullopt;
  return card_from(r.front());
}

Id insert_card(Connection& c, const PreviewCard& card) {
  c.query(
      "INSERT INTO preview_cards (id, url, title, description, type, provider_name, author_name, "
      "image_url, language, width, height, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON "
      "CONFLICT (url) DO NOTHING",
      {Value(card.id), Value(card.url), Value(card.title), Value(card.description),
       Value(card.type), Value(card.provider_name), Value(card.author_name), opt(card.image_url),
       opt(card.language), Value(card.width), Value(card.height), Value(card.created_at)});
  return c.query("SELECT id FROM preview_cards WHERE url = ?", {Value(card.url)}).front().i(0);
}

void link_status_card(Connection& c, Id status_id, Id card_id) {
  c.query(
      "INSERT INTO status_preview_cards (status_id, preview_card_id) VALUES (?, ?) ON CONFLICT "
      "(status_id) DO UPDATE SET preview_card_id = excluded.preview_card_id",
      {Value(status_id), Value(card_id)});
}

std::unordered_map<Id, PreviewCard> load_status_cards(Connection& c,
                                                      const std::vector<Id>& status_ids) {
  std::unordered_map<Id, PreviewCard> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params(status_ids.begin(), status_ids.end());
  for (const Row& r : c.query(std::string("SELECT s.status_id, ") + kColumns +
                                  " FROM status_preview_cards s JOIN preview_cards p ON p.id = "
                                  "s.preview_card_id WHERE s.status_id IN (" +
                                  placeholders(status_ids.size()) + ")",
                              params)
                          .rows)
    out.emplace(r.i(0), card_from(r, 1));
  return out;
}

namespace {
// Cards shared in public original statuses since the first parameter by accounts neither
// suspended nor silenced: (card_id, people, uses).
constexpr const char* kCardUses =
    "SELECT spc.preview_card_id AS card_id, COUNT(DISTINCT s.account_id) AS people, COUNT(*) AS "
    "uses FROM status_preview_cards spc JOIN statuses s ON s.id = spc.status_id JOIN accounts a "
    "ON a.id = s.account_id WHERE s.created_at >= ? AND s.visibility = 'public' AND "
    "s.reblog_of_id IS NULL AND a.suspended = 0 AND a.silenced = 0";
}  // namespace

std::vector<PreviewCard> trending_cards(Connection& c, std::int64_t since, int limit, int offset,
                                        TrendReview review) {
  std::vector<PreviewCard> out;
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns + " FROM preview_cards p JOIN (" + kCardUses +
                   " GROUP BY spc.preview_card_id) u ON u.card_id = p.id LEFT JOIN "
                   "trend_reviews tr ON tr.kind = 'link' AND tr.target_id = p.id "
                   "WHERE 1=1" +
                   trend_review_condition(review, "tr") +
                   " ORDER BY u.people DESC, u.uses DESC, p.id DESC LIMIT ? OFFSET ?",
               {Value(since), Value(std::int64_t{limit}), Value(std::int64_t{offset})})
           .rows)
    out.push_back(card_from(r));
  return out;
}

bool card_trending(Connection& c, Id card_id, std::int64_t since, TrendReview review) {
  return !c.query(
               std::string("SELECT u.card_id FROM (") + kCardUses +
                   " AND spc.preview_card_id = ? GROUP BY spc.preview_card_id) u LEFT JOIN "
                   "trend_reviews tr ON tr.kind = 'link' AND tr.target_id = u.card_id WHERE 1=1" +
                   trend_review_condition(review, "tr"),
               {Value(since), Value(card_id)})
              .empty();
}

std::vector<PreviewCard> find_cards(Connection& c, const std::vector<Id>& ids) {
  std::vector<PreviewCard> out;
  if (ids.empty()) return out;
  std::vector<Value> params;
  for (Id id : ids) params.emplace_back(id);
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns + " FROM preview_cards p WHERE p.id IN (" +
                   placeholders(ids.size()) + ")",
               params)
           .rows)
    out.push_back(card_from(r));
  return out;
}

}  // namespace herd::store
