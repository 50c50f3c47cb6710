// Lists (Mastodon's ListsController and ListAccountsController): an account's named selections of
// accounts it follows, and the rule for what a list's timeline shows. Only the owner sees or
// changes a list; anyone else gets ApiError not_found.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/lists.hpp"
#include "store/models.hpp"

namespace herd::service {

struct ListInput {
  std::optional<std::string> title;
  std::optional<std::string> replies_policy;  // followed | list | none
  std::optional<bool> exclusive;
};

// 422 for a blank title (on create, or set blank on update) or an unknown replies_policy.
store::List create_list(App& app, Id owner_id, const ListInput& input);
store::List update_list(App& app, Id owner_id, Id list_id, const ListInput& input);
void delete_list(App& app, Id owner_id, Id list_id);
// The owner's list; not_found otherwise.
store::List own_list(store::Connection& c, Id owner_id, Id list_id);

// Adds accounts the owner follows (422 "Validation failed: Account has not been followed" for
// others, 422 "Validation failed: Account has already been taken" for members, 404 for unknown
// accounts); all or nothing.
void add_list_accounts(App& app, Id owner_id, Id list_id, const std::vector<Id>& account_ids);
void remove_list_accounts(App& app, Id owner_id, Id list_id, const std::vector<Id>& account_ids);

// Of a page of list statuses, those the list shows its owner: replies to others only as its
// replies_policy says (followed: to accounts the owner follows; list: to members; none: no
// replies to others), then the usual visibility rule.
std::vector<store::Status> list_statuses(store::Connection& c, Id owner_id, const store::List& list,
                                         const std::vector<store::Status>& page);

}  // namespace herd::service
