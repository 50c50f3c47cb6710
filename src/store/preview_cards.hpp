// Link preview cards (Mastodon's PreviewCard), one per URL, and which status shows which card.
// Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/tags.hpp"

namespace herd::store {

struct PreviewCard {
  Id id = 0;
  std::string url, title, description, type = "link", provider_name, author_name;
  std::optional<std::string> image_url, language;
  std::int64_t width = 0, height = 0;
  std::int64_t created_at = 0;
};

std::optional<PreviewCard> find_card_by_url(Connection& c, const std::string& url);
// Stores the card unless its URL has one already; returns the stored card's id.
Id insert_card(Connection& c, const PreviewCard& card);
void link_status_card(Connection& c, Id status_id, Id card_id);
// status id -> its card.
std::unordered_map<Id, PreviewCard> load_status_cards(Connection& c,
                                                      const std::vector<Id>& status_ids);

// Trending links: cards of public statuses written since `since` (by accounts neither suspended
// nor silenced), the ones shared by the most distinct accounts first, then by the most statuses;
// `review` as for trending tags (store/tags.hpp).
std::vector<PreviewCard> trending_cards(Connection& c, std::int64_t since, int limit, int offset,
                                        TrendReview review = TrendReview::any);
// Whether the card is among the trending links by the same rules (shared in a public status since
// `since`, review as `review` asks).
bool card_trending(Connection& c, Id card_id, std::int64_t since,
                   TrendReview review = TrendReview::any);
std::vector<PreviewCard> find_cards(Connection& c, const std::vector<Id>& ids);

}  // namespace herd::store
