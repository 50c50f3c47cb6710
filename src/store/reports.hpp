// Reports (moderation) and account moves as stored. A report is filed by an account (a local
// user, or the remote actor that sent a Flag) about one account and some of its statuses; it is
// unresolved until action_taken_at is set. All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

struct Report {
  Id id = 0;
  Id account_id = 0;         // who reported
  Id target_account_id = 0;  // who is reported
  std::vector<Id> status_ids;
  std::vector<Id> rule_ids;
  std::string comment;
  std::string category = "other";  // spam | legal | violation | other
  bool forwarded = false;
  std::optional<std::string> uri;  // the Flag's id (received) or the one we sent
  std::optional<std::int64_t> action_taken_at;
  std::optional<Id> action_taken_by_account_id, assigned_account_id;
  std::int64_t created_at = 0, updated_at = 0;

  bool resolved() const { return action_taken_at.has_value(); }
};

// Stores a report; false (and nothing stored) when one with the same uri exists.
bool insert_report(Connection& c, const Report& report);
std::optional<Report> find_report(Connection& c, Id id);
std::vector<Report> find_reports(Connection& c, const std::vector<Id>& ids);

struct ReportFilter {
  bool resolved = false;  // resolved ones, else unresolved ones
  std::optional<Id> account_id, target_account_id;
};
// A page of reports, newest first; cursors are the report ids.
std::vector<Report> page_reports(Connection& c, const ReportFilter& filter, const PageQuery& page);

// Resolve (by `moderator`) or reopen (resolved_by nullopt). Returns false for an unknown id.
bool set_report_resolved(Connection& c, Id id, std::optional<Id> resolved_by, std::int64_t now);
// Assign to a moderator or unassign (nullopt). Returns false for an unknown id.
bool set_report_assignee(Connection& c, Id id, std::optional<Id> moderator, std::int64_t now);

// Local accounts whose users may handle reports (moderator, admin, owner), not disabled.
std::vector<Id> staff_account_ids(Connection& c);

// The report an admin.report notification is about.
void set_notification_report(Connection& c, Id notification_id, Id report_id);
// notification id -> report id, for those of these notifications that have one.
std::vector<std::pair<Id, Id>> notification_reports(Connection& c,
                                                    const std::vector<Id>& notification_ids);

// ---- account moves ------------------------------------------------------------------------------

// The account's alsoKnownAs (actor URIs of its other accounts), and its replacement.
std::vector<std::string> account_also_known_as(Connection& c, Id account_id);
void set_account_also_known_as(Connection& c, Id account_id, const std::vector<std::string>& uris);
// Records that the account moved to another one (nullopt: it no longer has moved).
void set_account_moved_to(Connection& c, Id account_id, std::optional<Id> moved_to);
// Local accounts following account_id, with their follow options.
struct LocalFollower {
  Id account_id = 0;
  bool show_reblogs = true, notify = false;
};
std::vector<LocalFollower> local_followers(Connection& c, Id account_id);

}  // namespace herd::store
