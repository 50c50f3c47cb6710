#include "service/relationships.hpp"

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "service/notifications.hpp"
#include "store/accounts.hpp"
#include "store/invalidation.hpp"
#include "store/lists.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

constexpr int kFeedBackfill = 400;  // statuses merged into home on follow, as Mastodon does

store::Account require_account(store::Connection& c, Id id) {
  auto account = store::find_account(c, id);
  if (!account || account->suspended) not_found();
  return *account;
}

// Declares what a relationship between two accounts changes for cached responses
// (store/invalidation.hpp): what each of them sees (follows open private statuses, blocks and mutes
// hide, home feeds and lists follow) and their account entities (counts); the store notes the
// feeds and counts it writes. Nobody else's view of either changes.
void note_relationship(store::Changes& changes, Id account_id, Id target_id) {
  for (Id id : {account_id, target_id}) {
    changes.add(store::tags::viewer(id));
    changes.add(store::tags::account(id));
  }
}

// Removes an existing follow (and its effects); returns whether there was one.
bool drop_follow(store::Connection& c, Id account_id, Id target_id) {
  if (!store::delete_follow(c, account_id, target_id)) return false;
  store::adjust_account_counts(c, account_id, 0, 0, -1);
  store::adjust_account_counts(c, target_id, 0, -1, 0);
  store::remove_author_from_feed(c, account_id, target_id);
  store::remove_from_owner_lists(c, account_id, target_id);  // lists hold followed accounts only
  store::delete_account_pin(c, account_id, target_id);       // endorsements too
  return true;
}

void accept(App& app, store::Connection& c, const store::Follow& request) {
  store::Follow follow = request;
  follow.id = next_id();
  follow.created_at = now_unix_ms();
  if (store::insert_follow(c, follow)) {
    store::adjust_account_counts(c, follow.account_id, 0, 0, 1);
    store::adjust_account_counts(c, follow.target_account_id, 0, 1, 0);
    store::merge_into_home_feed(c, follow.account_id, follow.target_account_id, follow.show_reblogs,
                                kFeedBackfill);
  }
}

}  // namespace

void follow(App& app, Id account_id, Id target_id, const FollowOptions& options) {
  if (account_id == target_id) fail(ErrorKind::forbidden, "You cannot follow yourself");
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    store::Account target = require_account(c, target_id);
    if (store::blocked_either_way(c, account_id, target_id))
      fail(ErrorKind::forbidden, "This action is not allowed");
    store::Account follower = require_account(c, account_id);
    if (!follower.local() && store::blocks_domain(c, target_id, follower.domain))
      fail(ErrorKind::forbidden, "This action is not allowed");
    if (auto existing = store::find_follow(c, account_id, target_id)) {
      store::update_follow_options(c, account_id, target_id,
                                   options.reblogs.value_or(existing->show_reblogs),
                                   options.notify.value_or(existing->notify));
      return;
    }
    store::Follow follow;
    follow.id = next_id();
    follow.account_id = account_id;
    follow.target_account_id = target_id;
    follow.show_reblogs = options.reblogs.value_or(true);
    follow.notify = options.notify.value_or(false);
    follow.created_at = now_unix_ms();
    if (target.locked || !target.local()) {  // a remote account answers with Accept or Reject
      if (store::insert_follow_request(c, follow))
        notify(app, c, target_id, account_id, "follow_request", std::nullopt);
      record(app, c, Event(EventKind::follow_requested).by(account_id).with_target(target_id));
      return;
    }
    accept(app, c, follow);
    notify(app, c, target_id, account_id, "follow", std::nullopt);
  });
}

void unfollow(App& app, Id account_id, Id target_id) {
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    if (store::find_follow(c, account_id, target_id) ||
        store::find_follow_request(c, account_id, target_id))
      record(app, c, Event(EventKind::unfollowed).by(account_id).with_target(target_id));
    drop_follow(c, account_id, target_id);
    store::delete_follow_request(c, account_id, target_id);
  });
}

void authorize_follow_request(App& app, Id target_id, Id requester_id) {
  store::Changes changes;
  note_relationship(changes, target_id, requester_id);
  app.db->write([&](store::Connection& c) {
    auto request = store::find_follow_request(c, requester_id, target_id);
    if (!request) not_found();
    record(app, c, Event(EventKind::follow_accepted).by(target_id).with_target(requester_id));
    store::delete_follow_request(c, requester_id, target_id);
    accept(app, c, *request);
    notify(app, c, target_id, requester_id, "follow", std::nullopt);
  });
}

void reject_follow_request(App& app, Id target_id, Id requester_id) {
  store::Changes changes;
  note_relationship(changes, target_id, requester_id);
  app.db->write([&](store::Connection& c) {
    record(app, c, Event(EventKind::follow_rejected).by(target_id).with_target(requester_id));
    if (!store::delete_follow_request(c, requester_id, target_id)) not_found();
  });
}

void block(App& app, Id account_id, Id target_id) {
  if (account_id == target_id) fail(ErrorKind::forbidden, "You cannot block yourself");
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    // Both follows end, and (as Mastodon does) the other server hears it besides the Block, for
    // servers that ignore Block: Undo(Follow) for the blocker's follow, Reject(Follow) for the
    // blocked account's. An inbound Block (a remote blocker) ends them the same way, sending
    // nothing.
    if (store::find_follow(c, account_id, target_id) ||
        store::find_follow_request(c, account_id, target_id))
      record(app, c, Event(EventKind::unfollowed).by(account_id).with_target(target_id));
    if (store::find_follow(c, target_id, account_id) ||
        store::find_follow_request(c, target_id, account_id))
      record(app, c, Event(EventKind::follow_rejected).by(account_id).with_target(target_id));
    drop_follow(c, account_id, target_id);
    drop_follow(c, target_id, account_id);
    store::delete_follow_request(c, account_id, target_id);
    store::delete_follow_request(c, target_id, account_id);
    store::insert_block(c, next_id(), account_id, target_id, now_unix_ms());
    record(app, c, Event(EventKind::blocked).by(account_id).with_target(target_id));
  });
}

void unblock(App& app, Id account_id, Id target_id) {
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    if (store::delete_block(c, account_id, target_id))
      record(app, c, Event(EventKind::unblocked).by(account_id).with_target(target_id));
  });
}

void mute(App& app, Id account_id, Id target_id, bool notifications,
          std::optional<std::int64_t> duration_seconds) {
  if (account_id == target_id) fail(ErrorKind::forbidden, "You cannot mute yourself");
  std::int64_t now = now_unix_ms();
  std::optional<std::int64_t> expires;
  if (duration_seconds && *duration_seconds > 0) expires = now + *duration_seconds * 1000;
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    store::insert_mute(c, next_id(), account_id, target_id, notifications, expires, now);
  });
}

void unmute(App& app, Id account_id, Id target_id) {
  store::Changes changes;
  note_relationship(changes, account_id, target_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    store::delete_mute(c, account_id, target_id);
  });
}

void remove_from_followers(App& app, Id account_id, Id follower_id) {
  store::Changes changes;
  note_relationship(changes, account_id, follower_id);
  app.db->write([&](store::Connection& c) {
    require_account(c, follower_id);
    if (store::find_follow(c, follower_id, account_id))
      record(app, c, Event(EventKind::follow_rejected).by(account_id).with_target(follower_id));
    drop_follow(c, follower_id, account_id);
  });
}

void endorse(App& app, Id account_id, Id target_id) {
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    if (!store::find_follow(c, account_id, target_id))
      fail(ErrorKind::validation,
           "Validation failed: You must be already following the person you want to endorse");
    store::insert_account_pin(c, next_id(), account_id, target_id, now_unix_ms());
  });
}

void unendorse(App& app, Id account_id, Id target_id) {
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    store::delete_account_pin(c, account_id, target_id);
  });
}

void dismiss_suggestion(App& app, Id account_id, Id target_id) {
  app.db->write([&](store::Connection& c) { store::dismiss_suggestion(c, account_id, target_id); });
}

void set_note(App& app, Id account_id, Id target_id, const std::string& comment) {
  if (text::count_characters(comment) > 2000)
    fail(ErrorKind::validation,
         "Validation failed: Comment is too long (maximum is 2000 characters)");
  app.db->write([&](store::Connection& c) {
    require_account(c, target_id);
    store::set_account_note(c, account_id, target_id, comment, now_unix_ms());
  });
}

static std::string normalize_domain(App& app, std::string domain) {
  auto first = domain.find_first_not_of(" \t");
  auto last = domain.find_last_not_of(" \t");
  domain = first == std::string::npos ? "" : domain.substr(first, last - first + 1);
  for (char& ch : domain)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  if (domain.empty() || domain.find_first_of(" /@") != std::string::npos)
    fail(ErrorKind::validation, "Validation failed: Domain is invalid");
  if (domain == app.domain())
    fail(ErrorKind::validation, "Validation failed: Domain cannot be your own");
  return domain;
}

void block_domain(App& app, Id account_id, const std::string& domain_text) {
  std::string domain = normalize_domain(app, domain_text);
  app.db->write([&](store::Connection& c) {
    if (!store::insert_account_domain_block(c, next_id(), account_id, domain, now_unix_ms()))
      return;
    // Followers there are removed (their servers hear a Reject), as Mastodon does.
    for (Id follower : store::follower_ids_on_domain(c, account_id, domain)) {
      record(app, c, Event(EventKind::follow_rejected).by(account_id).with_target(follower));
      drop_follow(c, follower, account_id);
    }
  });
}

void unblock_domain(App& app, Id account_id, const std::string& domain_text) {
  std::string domain = normalize_domain(app, domain_text);
  app.db->write(
      [&](store::Connection& c) { store::delete_account_domain_block(c, account_id, domain); });
}

}  // namespace herd::service
