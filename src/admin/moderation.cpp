#include "admin/moderation.hpp"

#include <iostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "federation/refresh.hpp"
#include "service/account_actions.hpp"
#include "service/events.hpp"
#include "service/reports.hpp"
#include "store/accounts.hpp"
#include "store/federation_records.hpp"
#include "store/maintenance.hpp"
#include "store/reports.hpp"

namespace herd::admin {

namespace {

std::string handle(store::Connection& c, Id account_id) {
  auto account = store::find_account(c, account_id);
  return account ? "@" + account->acct() : "#" + std::to_string(account_id);
}

// The owner's account (the first owner or admin), who acts for the shell.
Id owner_account(App& app) {
  auto staff = app.db->read_value([](store::Connection& c) { return store::staff_account_ids(c); });
  for (Id id : staff) {
    auto user = app.db->read_value(
        [&](store::Connection& c) { return store::find_user_by_account(c, id); });
    if (user && (user->role == "owner" || user->role == "admin")) return id;
  }
  fail(ErrorKind::not_found, "no owner or admin account");
}

}  // namespace

int list_delivery_failures(App& app) {
  app.db->read([&](store::Connection& c) {
    for (const auto& f : store::list_delivery_failures(c, 200))
      std::cout << rfc3339(f.created_at) << "\t" << f.activity_type << " " << f.activity_id << "\t"
                << (f.inbox.empty() ? f.account_uri + " (no inbox)" : f.inbox) << "\t" << f.error
                << "\n";
  });
  return 0;
}

int list_reports(App& app, bool resolved) {
  app.db->read([&](store::Connection& c) {
    store::ReportFilter filter;
    filter.resolved = resolved;
    store::PageQuery page;
    page.limit = 200;
    for (const auto& r : store::page_reports(c, filter, page)) {
      std::cout << r.id << "\t" << rfc3339(r.created_at) << "\t" << r.category << "\t"
                << handle(c, r.account_id) << " -> " << handle(c, r.target_account_id) << "\t"
                << r.status_ids.size() << " statuses\t" << r.comment << "\n";
    }
  });
  return 0;
}

int change_report(App& app, Id report_id, bool reopen) {
  auto report = reopen ? service::reopen_report(app, report_id)
                       : service::resolve_report(app, report_id, owner_account(app));
  std::cout << "report " << report.id << (report.resolved() ? " resolved" : " reopened") << "\n";
  return 0;
}

int aliases(App& app, const std::string& username, const std::vector<std::string>& uris) {
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, username, ""); });
  if (!account) fail(ErrorKind::not_found, "no local account @" + username);
  if (!uris.empty()) {
    std::vector<std::string> stored = uris;
    if (stored.size() == 1 && stored[0] == "-") stored.clear();
    app.db->write([&](store::Connection& c) {
      store::set_account_also_known_as(c, account->id, stored);
      service::record(app, c,
                      service::Event(service::EventKind::profile_updated)
                          .by(account->id));  // followers' servers learn them
    });
  }
  for (const auto& uri : app.db->read_value(
           [&](store::Connection& c) { return store::account_also_known_as(c, account->id); }))
    std::cout << uri << "\n";
  return 0;
}

// "user", "@user", "user@domain": the account, or ApiError(not_found).
store::Account account_by_handle(App& app, const std::string& handle) {
  std::string name = handle, domain;
  if (!name.empty() && name[0] == '@') name.erase(0, 1);
  if (size_t at = name.find('@'); at != std::string::npos) {
    domain = name.substr(at + 1);
    name = name.substr(0, at);
    if (domain == app.domain()) domain.clear();
  }
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account_by_username(c, name, domain); });
  if (!account) fail(ErrorKind::not_found, "no account @" + handle);
  return *account;
}

int modify_account(App& app, const std::string& handle, const std::string& action) {
  auto account = std::optional<store::Account>(account_by_handle(app, handle));
  Id owner = owner_account(app);
  if (action == "approve")
    service::approve_account(app, owner, account->id);
  else if (action == "enable" || action == "unsilence" || action == "unsuspend" ||
           action == "unsensitive")
    service::undo_account_action(app, owner, account->id, action);
  else
    service::act_on_account(app, owner, account->id, action, std::nullopt);
  std::cout << "@" << account->acct() << ": " << action << "\n";
  return 0;
}

int approve_accounts(App& app, const std::vector<std::string>& usernames, bool all) {
  if (all == !usernames.empty())
    fail(ErrorKind::validation, "name the accounts to approve, or give --all");
  std::vector<Id> ids;
  if (all)
    ids = app.db->read_value([](store::Connection& c) { return store::pending_accounts(c); });
  else
    for (const auto& name : usernames) ids.push_back(account_by_handle(app, name).id);
  Id owner = owner_account(app);
  for (Id id : ids) service::approve_account(app, owner, id);
  std::cout << "approved " << ids.size() << " accounts\n";
  return 0;
}

int refresh_accounts(App& app, const std::vector<std::string>& handles, const std::string& domain) {
  if (domain.empty() == handles.empty())
    fail(ErrorKind::validation, "name the remote accounts (user@domain), or give --domain");
  std::vector<store::Account> accounts;
  for (const auto& handle : handles) accounts.push_back(account_by_handle(app, handle));
  if (!domain.empty())
    app.db->read([&](store::Connection& c) {
      for (Id id : store::domain_accounts(c, domain))
        if (auto account = store::find_account(c, id)) accounts.push_back(*account);
    });
  std::size_t queued = 0;
  for (const auto& account : accounts) {
    if (account.local()) fail(ErrorKind::validation, "@" + account.username + " is local");
    if (federation::queue_refresh(app, account)) ++queued;
  }
  std::cout << "queued " << queued << " refetches (a running herd serve fetches them)\n";
  return 0;
}

}  // namespace herd::admin
