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

}  // namespace herd::service
