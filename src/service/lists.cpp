#include "service/lists.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "service/statuses.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"

namespace herd::service {

namespace {

constexpr std::size_t kMaxTitleCharacters = 255;

std::string checked_policy(const std::string& policy) {
  if (policy != "followed" && policy != "list" && policy != "none")
    fail(ErrorKind::validation, "Validation failed: Replies policy is not included in the list");
  return policy;
}

std::string checked_title(const std::string& title) {
  if (blank(title)) fail(ErrorKind::validation, "Validation failed: Title can't be blank");
  if (text::count_characters(title) > kMaxTitleCharacters)
    fail(ErrorKind::validation, "Validation failed: Title is too long (maximum is 255 characters)");
  return title;
}

}  // namespace

store::List own_list(store::Connection& c, Id owner_id, Id list_id) {
  auto list = store::find_list(c, list_id);
  if (!list || list->account_id != owner_id) not_found();
  return *list;
}

store::List create_list(App& app, Id owner_id, const ListInput& input) {
  store::List list;
  list.id = next_id();
  list.account_id = owner_id;
  list.title = checked_title(input.title.value_or(""));
  list.replies_policy = checked_policy(input.replies_policy.value_or("list"));
  list.exclusive = input.exclusive.value_or(false);
  list.created_at = list.updated_at = now_unix_ms();
  app.db->write([&](store::Connection& c) { store::insert_list(c, list); });
  return list;
}

store::List update_list(App& app, Id owner_id, Id list_id, const ListInput& input) {
  return app.db->write_value([&](store::Connection& c) {
    store::List list = own_list(c, owner_id, list_id);
    if (input.title) list.title = checked_title(*input.title);
    if (input.replies_policy) list.replies_policy = checked_policy(*input.replies_policy);
    if (input.exclusive) list.exclusive = *input.exclusive;
    list.updated_at = now_unix_ms();
    store::update_list(c, list);
    return list;
  });
}

void delete_list(App& app, Id owner_id, Id list_id) {
  app.db->write([&](store::Connection& c) {
    own_list(c, owner_id, list_id);
    store::delete_list(c, list_id);
  });
}

void add_list_accounts(App& app, Id owner_id, Id list_id, const std::vector<Id>& account_ids) {
  app.db->write([&](store::Connection& c) {
    own_list(c, owner_id, list_id);
    auto accounts = store::find_accounts(c, account_ids);
    std::unordered_set<Id> known;
    for (const auto& a : accounts) known.insert(a.id);
    for (Id id : account_ids)
      if (!known.count(id)) not_found();
    auto relationships = store::load_relationships(c, owner_id, account_ids);
    for (Id id : account_ids)
      if (!relationships[id].following)
        fail(ErrorKind::validation, "Validation failed: Account has not been followed");
    if (!store::list_members_among(c, list_id, account_ids).empty())
      fail(ErrorKind::validation, "Validation failed: Account has already been taken");
    std::int64_t now = now_unix_ms();
    for (Id id : account_ids) store::insert_list_account(c, next_id(), list_id, id, now);
  });
}

void remove_list_accounts(App& app, Id owner_id, Id list_id, const std::vector<Id>& account_ids) {
  app.db->write([&](store::Connection& c) {
    own_list(c, owner_id, list_id);
    store::delete_list_accounts(c, list_id, account_ids);
  });
}

std::vector<store::Status> list_statuses(store::Connection& c, Id owner_id, const store::List& list,
                                         const std::vector<store::Status>& page) {
  std::vector<Id> reply_targets;
  for (const auto& s : page)
    if (s.in_reply_to_account_id && *s.in_reply_to_account_id != s.account_id)
      reply_targets.push_back(*s.in_reply_to_account_id);
  std::unordered_set<Id> allowed;  // reply targets whose replies the list shows
  if (!reply_targets.empty() && list.replies_policy == "list") {
    allowed = store::list_members_among(c, list.id, reply_targets);
  } else if (!reply_targets.empty() && list.replies_policy == "followed") {
    auto relationships = store::load_relationships(c, owner_id, reply_targets);
    for (Id id : reply_targets)
      if (relationships[id].following) allowed.insert(id);
    allowed.insert(owner_id);
  }
  std::vector<store::Status> kept;
  for (const auto& s : page) {
    bool reply_to_other = s.in_reply_to_account_id && *s.in_reply_to_account_id != s.account_id;
    if (!reply_to_other || allowed.count(*s.in_reply_to_account_id)) kept.push_back(s);
  }
  return visible_only(c, owner_id, kept);
}

}  // namespace herd::service
