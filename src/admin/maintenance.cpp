#include "admin/maintenance.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admin/moderation.hpp"
#include "admin/progress.hpp"
#include "core/time.hpp"
#include "service/maintenance.hpp"
#include "store/remote_media.hpp"

namespace herd::admin {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

service::ProgressFn bar(const std::string& label) {
  auto progress = std::make_shared<Progress>(label);
  return [progress](std::size_t done, std::size_t total) { progress->update(done, total); };
}

int remove_statuses(App& app, int days, bool dry_run) {
  auto count =
      service::remove_remote_statuses(app, now_unix_ms() - days * kDayMs, dry_run, bar("statuses"));
  std::cout << (dry_run ? "would remove " : "removed ") << count << " remote statuses older than "
            << days << " days that no local account needs\n";
  return 0;
}

int remove_media(App& app, int days, bool dry_run) {
  auto removed =
      service::remove_old_media(app, now_unix_ms() - days * kDayMs, dry_run, bar("media"));
  std::cout << (dry_run ? "would remove " : "removed ") << removed.unattached
            << " unattached uploads and " << removed.cached << " copies of remote media older than "
            << days << " days (" << removed.bytes / (1024 * 1024) << " MiB)\n";
  return 0;
}

int list_remote_media_failures(App& app) {
  app.db->read([&](store::Connection& c) {
    for (const auto& f : store::list_remote_media_failures(c, 200))
      std::cout << rfc3339(f.created_at) << "\t" << f.purpose << "\t" << f.url << "\t" << f.error
                << "\n";
  });
  return 0;
}

int purge_domains(App& app, const std::vector<std::string>& domains) {
  for (const auto& domain : domains) {
    auto purged = service::purge_domain(app, domain, bar(domain));
    std::cout << "purged " << domain << ": " << purged.accounts << " accounts, " << purged.statuses
              << " statuses\n";
  }
  return 0;
}

// `GROUP remove [--days N] [--dry-run]`, running remove(app, days, dry_run).
void add_removal(CLI::App& cli, std::function<int(App&)>& action, const std::string& group,
                 const std::string& group_description, const std::string& description,
                 int default_days, int (*remove)(App&, int, bool)) {
  auto days = std::make_shared<int>(default_days);
  auto dry_run = std::make_shared<bool>(false);
  auto* parent = cli.add_subcommand(group, group_description);
  parent->require_subcommand(1);
  auto* command = parent->add_subcommand("remove", description);
  command->add_option("--days", *days, "only those older than this many days")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--dry-run", *dry_run, "count them, remove nothing");
  command->callback([&action, days, dry_run, remove] {
    action = [days, dry_run, remove](App& app) { return remove(app, *days, *dry_run); };
  });
}

}  // namespace

void add_maintenance_commands(CLI::App& cli, std::function<int(App&)>& action) {
  add_removal(cli, action, "statuses", "statuses",
              "remove remote statuses that no local account wrote, favourited, bookmarked, "
              "boosted, replied to, quoted, voted in, pinned or reported, and that mention no "
              "local account",
              90, remove_statuses);
  add_removal(cli, action, "media", "media attachments",
              "remove uploads never attached to a status and copies of remote media (remote "
              "media stay shown from their own server)",
              7, remove_media);
  cli.get_subcommand("media")
      ->add_subcommand(
          "failures",
          "remote media (avatars, headers, attachments) that could not be fetched and stored, "
          "newest first, with the reason")
      ->callback([&action] { action = list_remote_media_failures; });

  auto* accounts = cli.get_subcommand("accounts");
  auto approved = std::make_shared<std::vector<std::string>>();
  auto approve_all = std::make_shared<bool>(false);
  auto* approve = accounts->add_subcommand("approve", "approve pending sign-ups");
  approve->add_option("USERNAME", *approved, "the accounts (or --all)");
  approve->add_flag("--all", *approve_all, "every pending sign-up");
  approve->callback([&action, approved, approve_all] {
    action = [approved, approve_all](App& app) {
      return approve_accounts(app, *approved, *approve_all);
    };
  });
  auto refreshed = std::make_shared<std::vector<std::string>>();
  auto refresh_domain = std::make_shared<std::string>();
  auto* refresh = accounts->add_subcommand(
      "refresh", "refetch remote accounts' profiles and keys (a running herd serve fetches them)");
  refresh->add_option("ACCOUNT", *refreshed, "user@domain (or --domain)");
  refresh->add_option("--domain", *refresh_domain, "every account of this domain");
  refresh->callback([&action, refreshed, refresh_domain] {
    action = [refreshed, refresh_domain](App& app) {
      return refresh_accounts(app, *refreshed, *refresh_domain);
    };
  });

  auto domain_names = std::make_shared<std::vector<std::string>>();
  auto* domains = cli.add_subcommand("domains", "remote domains");
  domains->require_subcommand(1);
  auto* purge = domains->add_subcommand(
      "purge",
      "remove every account of these remote domains, with their statuses, media, follows and "
      "notifications (block the domain first to keep them from coming back)");
  purge->add_option("DOMAIN", *domain_names, "remote domains (host, or host:port)")->required();
  purge->callback([&action, domain_names] {
    action = [domain_names](App& app) { return purge_domains(app, *domain_names); };
  });

  auto* cache = cli.add_subcommand("cache", "the response caches of the running processes");
  cache->require_subcommand(1);
  cache->add_subcommand("clear", "make every running herd serve drop its cached responses")
      ->callback([&action] {
        action = [](App& app) {
          service::clear_caches(app);
          std::cout << "cleared: every herd serve on this database drops its cached responses\n";
          return 0;
        };
      });
}

}  // namespace herd::admin
