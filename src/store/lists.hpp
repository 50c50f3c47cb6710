// Lists (Mastodon's List and ListAccount): an account's named selections of accounts it follows,
// read as a timeline. All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"
#include "store/relationships.hpp"

namespace herd::store {

struct List {
  Id id = 0;
  Id account_id = 0;  // the owner
  std::string title;
  std::string replies_policy = "list";  // followed | list | none
  bool exclusive = false;
  std::int64_t created_at = 0, updated_at = 0;
};

void insert_list(Connection& c, const List& list);
// Writes title, replies_policy, exclusive and updated_at.
void update_list(Connection& c, const List& list);
// Deletes the list and its members.
void delete_list(Connection& c, Id list_id);
std::optional<List> find_list(Connection& c, Id list_id);
// The owner's lists, oldest first.
std::vector<List> lists_of(Connection& c, Id owner_id);
// The owner's lists that hold `member`, oldest first.
std::vector<List> lists_holding(Connection& c, Id owner_id, Id member_id);

// Adds a member; false when it is already there.
bool insert_list_account(Connection& c, Id id, Id list_id, Id account_id, std::int64_t now);
// Removes members; returns how many were removed.
std::int64_t delete_list_accounts(Connection& c, Id list_id, const std::vector<Id>& account_ids);
// Removes `member` from every list of `owner` (an unfollow).
void remove_from_owner_lists(Connection& c, Id owner_id, Id member_id);
// Of `account_ids`, those already in the list.
std::unordered_set<Id> list_members_among(Connection& c, Id list_id,
                                          const std::vector<Id>& account_ids);
// A page of members: row id = the membership's id (limit 0: all of them).
std::vector<Entry> page_list_accounts(Connection& c, Id list_id, const PageQuery& page);
// Members of the owner's exclusive lists (kept out of its home timeline).
std::vector<Id> exclusive_list_member_ids(Connection& c, Id owner_id);
// The lists holding `author` with their owners (for streaming `list` events).
std::vector<List> lists_with_member(Connection& c, Id author_id);

}  // namespace herd::store
