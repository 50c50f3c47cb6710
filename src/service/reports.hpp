// Reports (Mastodon's ReportService and the admin report actions) and account moves (Mastodon's
// MoveWorker). Each action runs in one transaction; staff (moderators, admins, owners) get an
// "admin.report" notification for every new report.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "store/reports.hpp"

namespace herd::service {

inline constexpr std::size_t kReportCommentLimit = 1000;  // characters, for local reports

struct ReportRequest {
  Id target_account_id = 0;
  std::vector<Id> status_ids;           // must be the target's statuses
  std::string comment;                  // at most 1000 characters
  bool forward = false;                 // send a Flag to the target's server (remote targets only)
  std::optional<std::string> category;  // spam | legal | violation | other (default other)
  std::vector<Id> rule_ids;             // the instance's rules; given rules make it a violation
};

// A local account reports another account. not_found for an unknown or suspended target or a
// status that is not the target's; validation (422) for a long comment, an unknown category or
// rules that do not exist. With forward and a remote target, a Flag signed by the instance actor
// is queued for the target's inbox (and the report is marked forwarded).
store::Report file_report(App& app, Id reporter_id, const ReportRequest& request);

// A report received from another server (Flag): reporter is the remote actor, target a local
// account, statuses the target's local statuses. A uri already stored gives nullopt.
std::optional<store::Report> receive_report(App& app, Id reporter_id, Id target_id,
                                            const std::vector<Id>& status_ids,
                                            const std::string& comment, const std::string& uri);

// Admin actions; not_found for an unknown report. Each returns the updated report.
store::Report resolve_report(App& app, Id report_id, Id moderator_id);
store::Report reopen_report(App& app, Id report_id);
store::Report assign_report(App& app, Id report_id, std::optional<Id> moderator_id);

// `origin` (a remote account) moved to `target`, which lists origin in its alsoKnownAs (the caller
// verified it): origin.moved_to is set, and every local follower of origin follows target (through
// service::follow, so a Follow goes out for a remote target) and stops following origin, keeping
// its reblog and notify choices. Returns how many followers moved.
int move_followers(App& app, Id origin_id, Id target_id);

}  // namespace herd::service
