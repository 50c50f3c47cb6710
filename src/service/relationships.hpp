// Actions between two accounts: follow (or request, for locked accounts), unfollow, accept or
// reject a follow request, block, unblock, mute, unmute, remove a follower. Each runs in one
// transaction, keeps the follower/following counters exact and the home feed consistent, and
// creates the follow / follow_request notification.
#pragma once
#include <optional>
#include <string>

#include "app.hpp"

namespace herd::service {

struct FollowOptions {
  std::optional<bool> reblogs;  // show the target's reblogs in home (default true)
  std::optional<bool> notify;   // notify of each new post (default false)
};

// Throws not_found for an unknown target, forbidden for self or when a block stands between them.
void follow(App& app, Id account_id, Id target_id, const FollowOptions& options);
void unfollow(App& app, Id account_id, Id target_id);
// The target (a locked account) accepts or rejects `requester`'s pending request; not_found when
// there is none.
void authorize_follow_request(App& app, Id target_id, Id requester_id);
void reject_follow_request(App& app, Id target_id, Id requester_id);
void block(App& app, Id account_id, Id target_id);
void unblock(App& app, Id account_id, Id target_id);
void mute(App& app, Id account_id, Id target_id, bool notifications,
          std::optional<std::int64_t> duration_seconds);
void unmute(App& app, Id account_id, Id target_id);
// Makes `follower_id` stop following `account_id`.
void remove_from_followers(App& app, Id account_id, Id follower_id);

// Features a followed account on the profile (422 when not following; twice is once); unfollowing
// ends it.
void endorse(App& app, Id account_id, Id target_id);
void unendorse(App& app, Id account_id, Id target_id);
// Keeps `target` out of the account's follow suggestions.
void dismiss_suggestion(App& app, Id account_id, Id target_id);
// The account's private note on target (at most 2000 characters: 422; "" removes it).
void set_note(App& app, Id account_id, Id target_id, const std::string& comment);
// Hides everything from a domain (timelines, notifications), removes the account's followers
// there (Reject(Follow) to their servers) and keeps accounts there from following it. 422 for a
// blank or invalid domain or the instance's own. Unblocking lets new follows in again.
void block_domain(App& app, Id account_id, const std::string& domain);
void unblock_domain(App& app, Id account_id, const std::string& domain);

}  // namespace herd::service
