// SQL for the maintenance verbs of `herd admin` (as Mastodon's tootctl): which remote statuses no
// local account needs any more, which uploads were never attached, and removing a remote account
// with what only concerns it.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "store/database.hpp"

namespace herd::store {

// Up to `limit` remote statuses (ids above `after`, ascending) created before `before` (unix ms)
// that no local account needs: not written, favourited, bookmarked, reblogged, replied to, quoted,
// voted in, pinned or reported by a local account, mentioning no local account, and not a reply
// in, reblog of or quote of a local status.
std::vector<Id> removable_remote_statuses(Connection& c, std::int64_t before, Id after,
                                          std::size_t limit);

// Uploads by local accounts never attached to a status, created before `before`.
std::vector<Id> unattached_media(Connection& c, std::int64_t before);

// Remote attachments created before `before` whose file was copied to this server.
std::vector<Id> cached_remote_media(Connection& c, std::int64_t before);
// Forgets the copied file of a remote attachment (it is shown from its remote_url again).
void forget_cached_media(Connection& c, Id media_id);

// Local accounts whose sign-up waits for approval, oldest first.
std::vector<Id> pending_accounts(Connection& c);

// The ids of the accounts of a remote domain (lowercase; "" is never one).
std::vector<Id> domain_accounts(Connection& c, std::string_view domain);
// The statuses of an account, ascending.
std::vector<Id> account_status_ids(Connection& c, Id account_id);

// Removes a remote account that has no status left: its follows, requests, blocks, mutes,
// favourites, bookmarks, mentions, notifications, votes, list memberships, notes, endorsements,
// keys and the account itself; followers/following counts of the local accounts it was linked
// with and favourite counts of the statuses it favourited are recounted.
void remove_remote_account(Connection& c, Id account_id);

}  // namespace herd::store
