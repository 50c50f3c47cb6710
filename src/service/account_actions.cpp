#include "service/account_actions.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "store/account_deletions.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/moderation.hpp"
#include "store/reports.hpp"

namespace herd::service {

namespace {

int rank(const std::string& role) {
  return role == "owner" ? 3 : role == "admin" ? 2 : role == "moderator" ? 1 : 0;
}

struct Target {
  store::Account account;
  std::optional<store::User> user;
};

// The account, checked against the moderator's rank.
Target target_for(store::Connection& c, Id moderator_id, Id account_id) {
  auto account = store::find_account(c, account_id);
  if (!account) not_found();
  Target target{*account, std::nullopt};
  if (account->local()) target.user = store::find_user_by_account(c, account_id);
  auto moderator = store::find_user_by_account(c, moderator_id);
  int own = moderator ? rank(moderator->role) : 0;
  if (account_id == moderator_id || (target.user && rank(target.user->role) >= own))
    fail(ErrorKind::forbidden, "This action is not allowed");
  return target;
}

void announce(App& app, store::Connection& c, const Target& target) {
  if (target.account.local())
    record(app, c, Event(EventKind::profile_updated).by(target.account.id));
}

}  // namespace

void act_on_account(App& app, Id moderator_id, Id account_id, const std::string& type,
                    std::optional<Id> report_id, bool send_email_notification) {
  if (type != "none" && type != "sensitive" && type != "disable" && type != "silence" &&
      type != "suspend")
    fail(ErrorKind::validation, "Validation failed: Type is not included in the list");
  app.db->write([&](store::Connection& c) {
    Target target = target_for(c, moderator_id, account_id);
    if (type == "sensitive") store::set_account_sensitized(c, account_id, true);
    if (type == "silence") store::set_account_silenced(c, account_id, true);
    if (type == "disable") {
      if (!target.user) fail(ErrorKind::forbidden, "This action is not allowed");
      store::set_user_disabled(c, account_id, true);
    }
    if (type == "suspend") {
      store::set_account_suspended(c, account_id, true);
      target.account.suspended = true;
      announce(app, c, target);
    }
    if (report_id && !store::set_report_resolved(c, *report_id, moderator_id, now_unix_ms()))
      not_found();
    if (target.user && send_email_notification)  // told by mail (service/events.hpp)
      record(app, c, Event(EventKind::account_warned, target.user->id).with_detail(type));
  });
  log::info("moderation: account {} ({}) {} by account {}", account_id, type,
            report_id ? "with report " + std::to_string(*report_id) : "", moderator_id);
}

void undo_account_action(App& app, Id moderator_id, Id account_id, const std::string& undo) {
  app.db->write([&](store::Connection& c) {
    Target target = target_for(c, moderator_id, account_id);
    if (undo == "enable") {
      if (!target.user) fail(ErrorKind::forbidden, "This action is not allowed");
      store::set_user_disabled(c, account_id, false);
    } else if (undo == "unsilence") {
      store::set_account_silenced(c, account_id, false);
    } else if (undo == "unsensitive") {
      store::set_account_sensitized(c, account_id, false);
    } else if (undo == "unsuspend") {
      if (store::find_account_deletion(c, account_id))  // its owner deleted it: for good
        fail(ErrorKind::forbidden, "This account was deleted by its owner");
      store::set_account_suspended(c, account_id, false);
      announce(app, c, target);
    }
  });
}

void approve_account(App& app, Id moderator_id, Id account_id) {
  app.db->write([&](store::Connection& c) {
    Target target = target_for(c, moderator_id, account_id);
    if (!target.user || target.user->approved)
      fail(ErrorKind::forbidden, "This action is not allowed");
    store::set_user_approved(c, account_id, true);
  });
}

void reject_account(App& app, Id moderator_id, Id account_id) {
  app.db->write([&](store::Connection& c) {
    Target target = target_for(c, moderator_id, account_id);
    if (!target.user || target.user->approved)
      fail(ErrorKind::forbidden, "This action is not allowed");
    store::delete_pending_account(c, account_id);
  });
}

}  // namespace herd::service
