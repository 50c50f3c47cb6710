#include "service/reports.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "service/notifications.hpp"
#include "service/relationships.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::service {

namespace {

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char ch : text)
    if ((ch & 0xC0) != 0x80) ++count;
  return count;
}

std::vector<Id> unique_ids(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// An "admin.report" notification for every staff member but the reporter.
void notify_staff(App& app, store::Connection& c, const store::Report& report) {
  for (Id staff : store::staff_account_ids(c)) {
    if (auto id = notify(app, c, staff, report.account_id, "admin.report", std::nullopt))
      store::set_notification_report(c, *id, report.id);
  }
}

// What a report from another server may attach (Mastodon's rule; its reporter is often an
// anonymous instance actor): the target's public and unlisted statuses, private ones when the
// reporter's server has followers of the target, and any that mention an account there. Statuses
// that do not qualify (or are gone) are dropped, not refused.
std::vector<Id> statuses_for_remote_reporter(store::Connection& c, Id reporter_id, Id target_id,
                                             const std::vector<Id>& ids) {
  std::vector<Id> out;
  auto reporter = store::find_account(c, reporter_id);
  if (!reporter) return out;
  auto statuses = store::find_statuses(c, unique_ids(ids));
  std::vector<Id> candidates;
  for (const auto& s : statuses) candidates.push_back(s.id);
  auto mentions = store::load_mentions(c, candidates);
  std::optional<bool> followers_there;
  for (const auto& status : statuses) {
    if (status.account_id != target_id) continue;
    bool ok = status.visibility == store::Visibility::public_ ||
              status.visibility == store::Visibility::unlisted;
    if (!ok && status.visibility == store::Visibility::private_) {
      if (!followers_there)
        followers_there = store::has_follower_on_domain(c, target_id, reporter->domain);
      ok = *followers_there;
    }
    if (!ok) {
      auto mentioned = store::find_accounts(c, mentions[status.id]);
      ok = std::any_of(mentioned.begin(), mentioned.end(), [&](const store::Account& a) {
        return !reporter->domain.empty() && a.domain == reporter->domain;
      });
    }
    if (ok) out.push_back(status.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

store::Report require_report(store::Connection& c, Id id) {
  auto report = store::find_report(c, id);
  if (!report) not_found();
  return *report;
}

}  // namespace

store::Report file_report(App& app, Id reporter_id, const ReportRequest& request) {
  if (code_points(request.comment) > kReportCommentLimit)
    fail(ErrorKind::validation,
         "Validation failed: Comment is too long (maximum is 1,000 characters)");
  std::string category = request.category.value_or("");
  if (!request.rule_ids.empty()) category = "violation";
  if (category.empty()) category = "other";
  if (category != "spam" && category != "legal" && category != "violation" && category != "other")
    fail(ErrorKind::validation, "Validation failed: Category is not included in the list");

  store::Report report;
  app.db->write([&](store::Connection& c) {
    auto target = store::find_account(c, request.target_account_id);
    if (!target || target->suspended) not_found();
    // The target's statuses the reporter can see (Mastodon's AccountStatusesFilter), else 404.
    std::vector<Id> status_ids = unique_ids(request.status_ids);
    auto statuses = visible_only(c, reporter_id, store::find_statuses(c, status_ids));
    if (statuses.size() != status_ids.size()) not_found();
    for (const auto& status : statuses)
      if (status.account_id != target->id) not_found();
    std::vector<Id> rule_ids = unique_ids(request.rule_ids);
    if (category == "violation") {
      auto rules = store::list_rules(c);
      for (Id rule : rule_ids)
        if (std::none_of(rules.begin(), rules.end(),
                         [&](const store::Rule& r) { return r.id == rule; }))
          fail(ErrorKind::validation, "Validation failed: Rule ids does not reference rules");
    } else {
      rule_ids.clear();
    }

    report.id = next_id();
    report.account_id = reporter_id;
    report.target_account_id = target->id;
    report.status_ids = status_ids;
    report.rule_ids = rule_ids;
    report.comment = request.comment;
    report.category = category;
    report.forwarded = request.forward && !target->local() && !target->inbox_url.empty();
    report.uri = app.base_url() + "/reports/" + std::to_string(report.id);
    report.created_at = report.updated_at = now_unix_ms();
    store::insert_report(c, report);
    notify_staff(app, c, report);
    if (report.forwarded)
      record(app, c, Event(EventKind::report_forwarded).with_report(report).with_account(*target));
  });
  return report;
}

std::optional<store::Report> receive_report(App& app, Id reporter_id, Id target_id,
                                            const std::vector<Id>& status_ids,
                                            const std::string& comment, const std::string& uri) {
  std::optional<store::Report> stored;
  app.db->write([&](store::Connection& c) {
    store::Report report;
    report.id = next_id();
    report.account_id = reporter_id;
    report.target_account_id = target_id;
    report.status_ids = statuses_for_remote_reporter(c, reporter_id, target_id, status_ids);
    report.comment = comment;
    report.category = "other";
    if (!uri.empty()) report.uri = uri;
    report.created_at = report.updated_at = now_unix_ms();
    if (!store::insert_report(c, report)) return;
    notify_staff(app, c, report);
    stored = report;
  });
  return stored;
}

store::Report resolve_report(App& app, Id report_id, Id moderator_id) {
  return app.db->write_value([&](store::Connection& c) {
    if (!store::set_report_resolved(c, report_id, moderator_id, now_unix_ms())) not_found();
    return require_report(c, report_id);
  });
}

store::Report reopen_report(App& app, Id report_id) {
  return app.db->write_value([&](store::Connection& c) {
    if (!store::set_report_resolved(c, report_id, std::nullopt, now_unix_ms())) not_found();
    return require_report(c, report_id);
  });
}

store::Report assign_report(App& app, Id report_id, std::optional<Id> moderator_id) {
  return app.db->write_value([&](store::Connection& c) {
    if (!store::set_report_assignee(c, report_id, moderator_id, now_unix_ms())) not_found();
    return require_report(c, report_id);
  });
}

int move_followers(App& app, Id origin_id, Id target_id) {
  auto followers = app.db->write_value([&](store::Connection& c) {
    store::set_account_moved_to(c, origin_id, target_id);
    return store::local_followers(c, origin_id);
  });
  int moved = 0;
  for (const auto& follower : followers) {
    if (follower.account_id == target_id) continue;
    // Follow the new account first (as Mastodon's UnfollowFollowWorker), then leave the old one.
    try {
      follow(app, follower.account_id, target_id,
             FollowOptions{follower.show_reblogs, follower.notify});
    } catch (const ApiError& error) {
      log::info("move: {} cannot follow {}: {}", follower.account_id, target_id, error.what());
      continue;  // blocked: keep following the old account
    }
    try {
      unfollow(app, follower.account_id, origin_id);
    } catch (const ApiError& error) {
      log::info("move: {} unfollowing {}: {}", follower.account_id, origin_id, error.what());
    }
    ++moved;
  }
  return moved;
}

}  // namespace herd::service
