#include "service/account_deletion.hpp"

#include <boost/json.hpp>
#include <filesystem>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/storage.hpp"
#include "service/events.hpp"
#include "service/media.hpp"
#include "service/profile_images.hpp"
#include "service/statuses.hpp"
#include "store/account_deletions.hpp"
#include "store/accounts.hpp"
#include "store/archives.hpp"
#include "store/federation.hpp"
#include "store/media.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 10 * 60'000;  // longer than a batch can take
constexpr int kStatusBatch = 200;

}  // namespace

void delete_own_account(App& app, Id user_id, std::string_view password) {
  auto user =
      app.db->read_value([&](store::Connection& c) { return store::find_user(c, user_id); });
  if (!user) not_found();
  if (!verify_password(password, user->password_hash))
    fail(ErrorKind::validation, "Validation failed: Current password is invalid");
  if (user->role == "owner") fail(ErrorKind::forbidden, "The owner's account cannot be deleted");
  std::int64_t now = now_unix_ms();
  std::int64_t purge_at = now + app.config.account_deletion_grace_seconds * 1000;
  app.db->write([&](store::Connection& c) {
    auto account = store::find_account(c, user->account_id);
    if (!account || account->suspended || store::find_account_deletion(c, account->id))
      fail(ErrorKind::forbidden, "This action is not allowed");
    store::set_account_suspended(c, account->id, true);
    store::lock_out_user(c, user->id, account->id, now);
    store::insert_account_deletion(c, account->id, now, purge_at);
    record(app, c, Event(EventKind::account_deleted).with_account(*account));
    store::insert_job(c, next_id(), kAccountDeletionQueue,
                      json::serialize(json::object{{"account_id", account->id}}), purge_at, now);
  });
  log::info("account {} deleted by its owner; its data goes at {}", user->account_id,
            rfc3339(purge_at));
}

bool account_deleted(App& app, Id account_id) {
  return app.db->read_value([&](store::Connection& c) {
    return store::find_account_deletion(c, account_id).has_value();
  });
}

int run_account_deletion_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kAccountDeletionQueue, now); });
  if (!due) return 0;
  auto jobs = app.db->write_value([&](store::Connection& c) {
    return store::claim_jobs(c, kAccountDeletionQueue, now, kLockMs, 1);
  });
  for (const auto& job : jobs) {
    Id account_id = 0;
    try {
      account_id = json::parse(job.payload).as_object().at("account_id").to_number<Id>();
      std::vector<store::MediaAttachment> media;
      std::vector<std::string> images, archives;
      bool finished = false;
      app.db->write([&](store::Connection& c) {
        if (remove_account_statuses(app, c, account_id, kStatusBatch, media) > 0) {
          store::retry_job(c, job.id, now, job.attempts, "");  // more statuses: again next tick
          return;
        }
        if (auto account = store::find_account(c, account_id))
          images = {account->avatar_url, account->header_url};
        for (const auto& archive : store::archives_of(c, account_id, 1000))
          if (!archive.file_name.empty()) archives.push_back(archive.file_name);
        for (auto& m : store::purge_account_rows(c, account_id)) media.push_back(std::move(m));
        store::set_account_purged(c, account_id, now_unix_ms());
        store::delete_job(c, job.id);
        finished = true;
      });
      remove_media_files(app, media);  // once the rows are gone
      for (const auto& image : images) remove_profile_image_file(app, image);
      std::error_code ignored;
      for (const auto& archive : archives)
        std::filesystem::remove(media::storage(app.config).data_dir() / archive, ignored);
      if (finished) log::info("account {}: data removed (deleted by its owner)", account_id);
    } catch (const std::exception& error) {
      log::error("account deletion job {} (account {}): {}", job.id, account_id, error.what());
      app.db->write([&](store::Connection& c) {
        store::retry_job(c, job.id, now + (job.attempts + 1) * 60'000LL, job.attempts + 1,
                         error.what());
      });
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
