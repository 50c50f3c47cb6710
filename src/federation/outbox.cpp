#include "federation/outbox.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "federation/context.hpp"
#include "federation/documents.hpp"
#include "federation/moderation.hpp"
#include "federation/serialize.hpp"
#include "store/account_deletions.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

// Where to deliver to the account: its shared inbox, else its inbox, else (none known) a
// kNoInbox entry that makes the delivery worker refetch the actor.
std::string inbox_of(const store::Account& account) {
  if (!account.shared_inbox_url.empty()) return account.shared_inbox_url;
  if (!account.inbox_url.empty()) return account.inbox_url;
  return std::string(store::kNoInbox) + account.uri;
}

// The account's own inbox (Follow, Accept, Block go there), else as inbox_of.
std::string personal_inbox_of(const store::Account& account) {
  return account.inbox_url.empty() ? inbox_of(account) : account.inbox_url;
}

// The local actor and the remote target of a two-account action, or nothing to do.
struct Pair {
  store::Account actor, target;
};
std::optional<Pair> local_to_remote(store::Connection& c, Id actor_id, Id target_id) {
  auto actor = store::find_account(c, actor_id);
  if (!actor || !actor->local()) return std::nullopt;
  auto target = store::find_account(c, target_id);
  if (!target || target->local()) return std::nullopt;
  return Pair{*actor, *target};
}

}  // namespace

void enqueue_delivery(App& app, store::Connection& c, Id signer, const json::object& activity,
                      const std::vector<std::string>& inboxes) {
  if (inboxes.empty()) return;
  enqueue_delivery(app, c, signer, json::serialize(activity), inboxes);
}

void enqueue_delivery(App& app, store::Connection& c, Id signer, const std::string& body,
                      const std::vector<std::string>& inboxes) {
  if (inboxes.empty()) return;
  std::int64_t now = now_unix_ms();
  std::vector<std::string> unique = inboxes;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (const std::string& inbox : unique) {
    if (inbox.empty()) continue;
    json::object payload{{"inbox", inbox}, {"signer", signer}, {"body", body}};
    if (inbox.rfind(store::kNoInbox, 0) == 0) {  // the worker refetches the actor
      payload["inbox"] = "";
      payload["actor"] = inbox.substr(store::kNoInbox.size());
    }
    store::insert_job(c, next_id(), kDeliveryQueue, json::serialize(payload), now, now);
  }
  of(app).notify_delivery();
}

namespace {

// The status's author, when it is a local account (a reblog received from another server is
// still marked local inside reblog()'s transaction: the author tells). `known`: the author's row
// when the caller holds it (not read again).
bool local_author(store::Connection& c, const store::Status& status,
                  const store::Account* known = nullptr) {
  if (!status.local) return false;
  if (known && known->id == status.account_id) return known->local();
  auto author = store::find_account(c, status.account_id);
  return author && author->local();
}

}  // namespace

void on_status_posted(App& app, store::Connection& c, const store::Status& status,
                      const store::Account* author, const std::vector<std::string>* known) {
  if (!local_author(c, status, author)) return;
  std::vector<std::string> inboxes = known ? *known : status_inboxes(c, status);
  if (inboxes.empty()) return;
  auto activity = status_activity(app, c, status);
  if (activity) enqueue_delivery(app, c, status.account_id, *activity, inboxes);
}

void on_status_edited(App& app, store::Connection& c, const store::Status& status) {
  if (!local_author(c, status) || status.reblog_of_id) return;
  std::vector<std::string> inboxes = status_inboxes(c, status, Reach::edited);
  if (inboxes.empty()) return;
  auto note = status_object(app, c, status);
  if (note)
    enqueue_delivery(app, c, status.account_id,
                     update_note_activity(app, *note, status.edited_at.value_or(now_unix_ms())),
                     inboxes);
}

void on_status_deleted(App& app, store::Connection& c, const store::Status& status) {
  if (!local_author(c, status)) return;
  std::vector<std::string> inboxes = status_inboxes(c, status, Reach::deleted);
  if (inboxes.empty()) return;
  auto activity = delete_document(app, c, status);
  if (activity) enqueue_delivery(app, c, status.account_id, *activity, inboxes);
}

void on_favourite(App& app, store::Connection& c, Id account_id, const store::Status& status,
                  bool undo) {
  if (status.local) return;  // the author is here: nothing to send
  auto pair = local_to_remote(c, account_id, status.account_id);
  if (!pair) return;
  json::object like = like_activity(pair->actor, status.uri);
  enqueue_delivery(app, c, account_id, undo ? undo_activity(pair->actor.uri, like) : like,
                   {inbox_of(pair->target)});
}

void on_follow(App& app, store::Connection& c, Id follower_id, Id target_id, bool undo) {
  auto pair = local_to_remote(c, follower_id, target_id);
  if (!pair) return;
  std::string id = store::follow_uri(c, follower_id, target_id);
  if (!undo) {
    id = pair->actor.uri + "#follows/" + std::to_string(next_id());
    store::set_follow_uri(c, follower_id, target_id, id);
  } else if (id.empty()) {
    id = pair->actor.uri + "#follows/" + std::to_string(target_id);
  }
  json::object follow = follow_activity(id, pair->actor.uri, pair->target.uri);
  enqueue_delivery(app, c, follower_id, undo ? undo_activity(pair->actor.uri, follow) : follow,
                   {personal_inbox_of(pair->target)});
}

void on_follow_answered(App& app, store::Connection& c, Id target_id, Id follower_id,
                        bool accepted) {
  auto pair = local_to_remote(c, target_id, follower_id);
  if (!pair) return;
  std::string id = store::follow_uri(c, follower_id, target_id);
  if (id.empty()) id = pair->target.uri + "#follows/" + std::to_string(target_id);
  json::object follow = follow_activity(id, pair->target.uri, pair->actor.uri);
  json::object answer =
      accepted ? accept_activity(pair->actor, follow) : reject_activity(pair->actor, follow);
  enqueue_delivery(app, c, target_id, answer, {personal_inbox_of(pair->target)});
}

void on_block(App& app, store::Connection& c, Id account_id, Id target_id, bool undo) {
  auto pair = local_to_remote(c, account_id, target_id);
  if (!pair) return;
  json::object block = block_activity(pair->actor.uri + "#blocks/" + std::to_string(target_id),
                                      pair->actor, pair->target.uri);
  enqueue_delivery(app, c, account_id, undo ? undo_activity(pair->actor.uri, block) : block,
                   {personal_inbox_of(pair->target)});
}

void on_profile_updated(App& app, store::Connection& c, Id account_id) {
  auto account = store::find_account(c, account_id);
  if (!account || !account->local()) return;
  std::vector<std::string> inboxes = store::follower_inboxes(c, account_id);
  if (inboxes.empty()) return;
  json::object activity = update_actor_activity(app, *account);
  publish_migration(c, *account, activity["object"].as_object());
  enqueue_delivery(app, c, account_id, activity, inboxes);
}

void on_account_deleted(App& app, store::Connection& c, const store::Account& account) {
  if (!account.local()) return;
  std::vector<std::string> inboxes = store::follower_inboxes(c, account.id);
  for (auto& inbox : store::all_known_inboxes(c)) inboxes.push_back(std::move(inbox));
  json::object activity{{"@context", "https://www.w3.org/ns/activitystreams"},
                        {"id", account.uri + "#delete"},
                        {"type", "Delete"},
                        {"actor", account.uri},
                        {"to", json::array{kPublicCollection}},
                        {"object", account.uri}};
  enqueue_delivery(app, c, account.id, activity, inboxes);
}

}  // namespace herd::federation
