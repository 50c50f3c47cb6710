#include "service/maintenance.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/media.hpp"
#include "service/profile_images.hpp"
#include "service/statuses.hpp"
#include "store/accounts.hpp"
#include "store/maintenance.hpp"
#include "store/media.hpp"
#include "store/statuses.hpp"

namespace herd::service {

namespace {

// Deletes one status through the service (as its author would); false when it is already gone
// (a reblog removed with its original).
bool remove_one(App& app, Id status_id) {
  auto author = app.db->read_value([&](store::Connection& c) -> std::optional<Id> {
    auto status = store::find_status(c, status_id);
    return status ? std::optional<Id>(status->account_id) : std::nullopt;
  });
  if (!author) return false;
  try {
    delete_status(app, *author, status_id);
    return true;
  } catch (const ApiError&) {
    return false;  // removed meanwhile
  }
}

void report(const ProgressFn& progress, std::size_t done, std::size_t total) {
  if (progress) progress(done, total);
}

}  // namespace

std::size_t remove_remote_statuses(App& app, std::int64_t before, bool dry_run,
                                   const ProgressFn& progress) {
  std::vector<Id> ids;
  app.db->read([&](store::Connection& c) {
    Id after = 0;
    for (;;) {
      auto page = store::removable_remote_statuses(c, before, after, 1000);
      ids.insert(ids.end(), page.begin(), page.end());
      if (page.size() < 1000) break;
      after = page.back();
    }
  });
  report(progress, dry_run ? ids.size() : 0, ids.size());
  if (dry_run) return ids.size();
  std::size_t done = 0;
  for (Id id : ids) {
    remove_one(app, id);
    report(progress, ++done, ids.size());
  }
  return ids.size();
}

MediaRemoval remove_old_media(App& app, std::int64_t before, bool dry_run,
                              const ProgressFn& progress) {
  MediaRemoval out;
  std::vector<Id> unattached, cached;
  app.db->read([&](store::Connection& c) {
    unattached = store::unattached_media(c, before);
    cached = store::cached_remote_media(c, before);
  });
  out.unattached = unattached.size();
  out.cached = cached.size();
  std::size_t total = unattached.size() + cached.size(), done = 0;
  report(progress, 0, total);
  for (bool remote : {false, true}) {
    for (Id id : remote ? cached : unattached) {
      std::vector<store::MediaAttachment> files;
      app.db->write([&](store::Connection& c) {
        auto media = store::find_media(c, id);
        if (!media) return;
        if (remote ? media->file.empty() : media->status_id.has_value()) return;  // changed
        out.bytes += media->file_size;
        if (dry_run) return;
        files.push_back(*media);
        if (remote)
          store::forget_cached_media(c, id);
        else
          store::delete_media(c, id);
      });
      remove_media_files(app, files);  // once the rows are gone
      report(progress, ++done, total);
    }
  }
  return out;
}

DomainPurge purge_domain(App& app, const std::string& domain_in, const ProgressFn& progress) {
  std::string domain = domain_in;
  std::transform(domain.begin(), domain.end(), domain.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (domain.empty()) fail(ErrorKind::validation, "A domain is required");
  if (domain == app.config.local_domain)
    fail(ErrorKind::validation, "That is this instance's own domain");
  DomainPurge out;
  std::vector<std::pair<Id, std::vector<Id>>> accounts;
  app.db->read([&](store::Connection& c) {
    for (Id account : store::domain_accounts(c, domain))
      accounts.emplace_back(account, store::account_status_ids(c, account));
  });
  std::size_t total = accounts.size(), done = 0;
  for (const auto& [account, statuses] : accounts) total += statuses.size();
  report(progress, 0, total);
  for (const auto& [account, statuses] : accounts) {
    for (Id status : statuses) {
      if (remove_one(app, status)) ++out.statuses;
      report(progress, ++done, total);
    }
    for (int round = 0; round < 3; ++round) {  // statuses that arrived meanwhile
      auto left = app.db->read_value(
          [&](store::Connection& c) { return store::account_status_ids(c, account); });
      if (left.empty()) break;
      for (Id status : left)
        if (remove_one(app, status)) ++out.statuses;
    }
    std::optional<store::Account> removed;
    app.db->write([&](store::Connection& c) {
      removed = store::find_account(c, account);
      store::remove_remote_account(c, account);
    });
    if (removed) {  // the local copies of its avatar and header
      remove_profile_image_file(app, removed->avatar_file);
      remove_profile_image_file(app, removed->header_file);
    }
    ++out.accounts;
    report(progress, ++done, total);
  }
  return out;
}

void clear_caches(App& app) {
  app.db->write([&](store::Connection& c) {
    store::put_setting(c, "caches_cleared_at", std::to_string(now_unix_ms()));
  });
}

}  // namespace herd::service
