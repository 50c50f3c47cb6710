// Followed hashtags (Mastodon's TagFollow) and a hashtag's recent use. Inside a caller's
// transaction or read. Tag rows themselves: store/statuses.hpp (find_or_create_tag, find_tag).
#pragma once
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

// Returns false when already followed / not followed.
bool follow_tag(Connection& c, Id id, Id account_id, Id tag_id, std::int64_t now);
bool unfollow_tag(Connection& c, Id account_id, Id tag_id);
// Of these tags, those the account follows.
std::unordered_set<Id> followed_among(Connection& c, Id account_id, const std::vector<Id>& tag_ids);

struct FollowedTag {
  Id row_id = 0;  // the follow's id (the cursor)
  Tag tag;
};
std::vector<FollowedTag> page_followed_tags(Connection& c, Id account_id, const PageQuery& page);

// Local accounts following any of these hashtags (lowercase names).
std::vector<Id> tag_follower_ids(Connection& c, const std::vector<std::string>& names);

// find_or_create_tag() and link_tags() of a new status's hashtags (lowercase names), by name:
// writes whose result nobody reads, queued on PostgreSQL (store/pipeline.hpp) to travel with the
// next statement instead of a round trip per hashtag.
void link_tag_names(Connection& c, Id status_id, const std::vector<std::string>& names,
                    std::int64_t now);

// Uses of a hashtag per day (UTC), newest day first, for the `days` days up to `now`: statuses
// and distinct accounts (days without use included, as zeros).
struct TagDay {
  std::int64_t day = 0;  // unix seconds at 00:00 UTC
  std::int64_t uses = 0, accounts = 0;
};
std::vector<TagDay> tag_history(Connection& c, Id tag_id, std::int64_t now, int days);

std::optional<Tag> find_tag_by_id(Connection& c, Id id);

// The staff's hashtag moderation (Mastodon's Admin::Tag): an unusable hashtag is not attached to
// new posts (no hashtag timeline, trend or followed-tag delivery); an unlistable one is left out
// of hashtag search.
struct TagModeration {
  bool usable = true, listable = true;
};
TagModeration tag_moderation(Connection& c, Id tag_id);
void set_tag_moderation(Connection& c, Id tag_id, const TagModeration& moderation);
// Every hashtag, newest first (id pagination), for the admin's list.
std::vector<Tag> page_tags(Connection& c, const PageQuery& page);

// Which trending items a list shows, by their review (trend_reviews, store/admin_blocks.hpp):
// every one (the admin's review list), those not rejected, or only the approved ones.
enum class TrendReview { any, not_rejected, approved };
// " AND ..." keeping the items `review` shows, for a query where `alias`.trendable comes from
// LEFT JOIN trend_reviews `alias` (NULL when not reviewed).
std::string trend_review_condition(TrendReview review, const std::string& alias);

// Hashtags used by the most distinct accounts in public statuses since `since` (unix ms), most
// first, skipping `offset`.
std::vector<Tag> trending_tags(Connection& c, std::int64_t since, int limit, int offset,
                               TrendReview review = TrendReview::any);
// Public original statuses since `since` with the most reblogs and favourites (at least one),
// most first, skipping `offset`.
std::vector<Id> trending_status_ids(Connection& c, std::int64_t since, int limit, int offset,
                                    TrendReview review = TrendReview::any);

// ---- featured hashtags (Mastodon's FeaturedTag)
// --------------------------------------------------

struct FeaturedTag {
  Id id = 0;
  Id account_id = 0;
  Tag tag;
  std::int64_t statuses_count = 0;             // the account's public/unlisted statuses with it
  std::optional<std::int64_t> last_status_at;  // unix ms of the newest of them
};
// The account's featured hashtags, oldest first, with their counts.
std::vector<FeaturedTag> featured_tags_of(Connection& c, Id account_id);
// Whether the account features the tag on its profile.
bool featuring(Connection& c, Id account_id, Id tag_id);
std::int64_t count_featured_tags(Connection& c, Id account_id);
// Returns false when the tag is featured already.
bool insert_featured_tag(Connection& c, Id id, Id account_id, Id tag_id, std::int64_t now);
// Returns false when the account has no such featured tag.
bool delete_featured_tag(Connection& c, Id account_id, Id featured_tag_id);
// Hashtags the account used lately, most used first (suggestions for featuring).
std::vector<Tag> recent_tags_of(Connection& c, Id account_id, int limit);

}  // namespace herd::store
