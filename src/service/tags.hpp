// Hashtags a local account follows (Mastodon's TagFollow): their public statuses reach its home
// feed as the followed accounts' do (service/statuses.cpp fan-out).
#pragma once
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// The hashtag (created when unknown; 404 for a name that is not a hashtag); following twice is
// following once.
store::Tag follow_tag(App& app, Id account_id, std::string_view name);
store::Tag unfollow_tag(App& app, Id account_id, std::string_view name);

// Features a hashtag on the account's profile (created when unknown): 422 "Validation failed: Name
// is invalid" for a name that is not a hashtag, "...has already been taken" when featured, and at
// most 10 (limits::max_featured_tags). Returns the featured tag's id.
Id feature_tag(App& app, Id account_id, std::string_view name);
// 404 for another account's or an unknown featured tag.
void unfeature_tag(App& app, Id account_id, Id featured_tag_id);

}  // namespace herd::service
