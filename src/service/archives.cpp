#include "service/archives.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/documents.hpp"
#include "federation/serialize.hpp"
#include "media/storage.hpp"
#include "service/events.hpp"
#include "store/accounts.hpp"
#include "store/exports.hpp"
#include "store/federation.hpp"
#include "store/maintenance.hpp"
#include "store/media.hpp"
#include "store/statuses.hpp"

namespace herd::service {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMinAgeMs = 6LL * 24 * 3600 * 1000;  // Mastodon's BackupPolicy
constexpr std::int64_t kLockMs = 30 * 60'000;
constexpr int kMaxAttempts = 5;
constexpr std::size_t kStatusChunk = 200;

// A zip file written with libarchive; entries are added whole.
class ZipWriter {
 public:
  explicit ZipWriter(const fs::path& path) : archive_(archive_write_new(), archive_write_free) {
    if (archive_write_set_format_zip(archive_.get()) != ARCHIVE_OK ||
        archive_write_open_filename(archive_.get(), path.c_str()) != ARCHIVE_OK)
      throw std::runtime_error(std::string("archive: ") + archive_error_string(archive_.get()));
  }
  void add(const std::string& name, std::string_view bytes) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), now_unix_ms() / 1000, 0);
    if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(archive_.get(), bytes.data(), bytes.size()) < 0)
      throw std::runtime_error(std::string("archive: ") + archive_error_string(archive_.get()));
  }
  void close() {
    if (archive_write_close(archive_.get()) != ARCHIVE_OK)
      throw std::runtime_error(std::string("archive: ") + archive_error_string(archive_.get()));
  }

 private:
  std::unique_ptr<struct archive, int (*)(struct archive*)> archive_;
};

json::object uri_collection(const std::string& id, const std::vector<std::string>& uris) {
  json::array items;
  for (const auto& uri : uris) items.emplace_back(uri);
  return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                      {"id", id},
                      {"type", "OrderedCollection"},
                      {"totalItems", items.size()},
                      {"orderedItems", std::move(items)}};
}

std::vector<std::string> uris_of(const App& app, const std::vector<store::ExportedStatus>& list) {
  std::vector<std::string> out;
  for (const auto& s : list)
    out.push_back(s.uri.empty() ? app.status_uri(s.username, s.id) : s.uri);
  return out;
}

std::string extension_of(const std::string& path) {
  auto dot = path.find_last_of('.');
  return dot == std::string::npos ? "" : path.substr(dot);
}

// Builds the archive of `account_id` at data_dir/<relative>; returns its size.
std::int64_t build_archive(App& app, Id account_id, const std::string& relative) {
  media::Storage& storage = media::storage(app.config);
  fs::path final_path = storage.data_dir() / relative;
  fs::create_directories(final_path.parent_path());
  fs::path temporary = final_path;
  temporary += ".part";
  {
    ZipWriter zip(temporary);
    std::optional<store::Account> account;
    std::vector<Id> ids;
    app.db->read([&](store::Connection& c) {
      account = store::find_account(c, account_id);
      ids = store::account_status_ids(c, account_id);
    });
    if (!account) throw std::runtime_error("the account is gone");

    json::object actor = federation::actor_json(app, *account);
    for (auto [key, stored] :
         {std::pair{"icon", account->avatar_url}, std::pair{"image", account->header_url}}) {
      if (stored.empty() || stored.find("://") != std::string::npos) continue;
      auto bytes = storage.read(stored);
      if (!bytes) continue;
      std::string name =
          std::string(key == std::string("icon") ? "avatar" : "header") + extension_of(stored);
      zip.add(name, *bytes);
      if (auto* image = actor.if_contains(key); image && image->is_object())
        image->as_object()["url"] = name;
    }
    zip.add("actor.json", json::serialize(actor));

    json::array items;
    std::vector<store::MediaAttachment> media;
    for (std::size_t i = 0; i < ids.size(); i += kStatusChunk) {
      std::vector<Id> chunk(
          ids.begin() + static_cast<std::ptrdiff_t>(i),
          ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kStatusChunk)));
      app.db->read([&](store::Connection& c) {
        auto statuses = store::find_statuses(c, chunk);
        for (auto& activity : federation::status_activities(app, c, statuses, false))
          items.push_back(std::move(activity));
        for (auto& [status_id, list] : store::load_status_media(c, chunk))
          for (auto& m : list) media.push_back(std::move(m));
      });
    }
    std::string outbox_id = account->uri + "/outbox";
    json::object outbox{{"@context", "https://www.w3.org/ns/activitystreams"},
                        {"id", outbox_id},
                        {"type", "OrderedCollection"},
                        {"totalItems", items.size()},
                        {"orderedItems", std::move(items)}};
    zip.add("outbox.json", json::serialize(outbox));

    std::vector<store::ExportedStatus> likes, bookmarks;
    app.db->read([&](store::Connection& c) {
      likes = store::export_favourites(c, account_id);
      bookmarks = store::export_bookmarks(c, account_id);
    });
    zip.add("likes.json", json::serialize(uri_collection("likes.json", uris_of(app, likes))));
    zip.add("bookmarks.json",
            json::serialize(uri_collection("bookmarks.json", uris_of(app, bookmarks))));

    for (const auto& m : media) {
      for (const std::string* file : {&m.file, m.thumbnail_file ? &*m.thumbnail_file : nullptr}) {
        if (!file || file->empty()) continue;
        auto bytes = storage.read(*file);
        if (!bytes) continue;
        std::string path = media::url_path(*file);  // /system/media_attachments/files/...
        constexpr std::string_view system = "/system/";
        if (path.rfind(system, 0) == 0) path.erase(0, system.size());
        zip.add(path, *bytes);
      }
    }
    zip.close();
  }
  fs::rename(temporary, final_path);
  return static_cast<std::int64_t>(fs::file_size(final_path));
}

}  // namespace

store::Archive request_archive(App& app, Id account_id) {
  std::int64_t now = now_unix_ms();
  store::Archive archive;
  archive.id = next_id();
  archive.account_id = account_id;
  archive.state = "pending";
  archive.created_at = now;
  app.db->write([&](store::Connection& c) {
    auto recent = store::archives_of(c, account_id, 1);
    if (!recent.empty() && recent.front().created_at > now - kMinAgeMs &&
        recent.front().state != "failed")
      fail(ErrorKind::validation, "You can request an archive once every 6 days");
    store::insert_archive(c, archive);
    store::insert_job(c, next_id(), kArchiveQueue,
                      json::serialize(json::object{{"archive_id", archive.id}}), now, now);
  });
  log::info("archive {} requested by account {}", archive.id, account_id);
  return archive;
}

std::optional<ArchiveFile> archive_file(App& app, Id account_id, Id archive_id) {
  auto archive =
      app.db->read_value([&](store::Connection& c) { return store::find_archive(c, archive_id); });
  if (!archive || archive->account_id != account_id || archive->state != "ready")
    return std::nullopt;
  fs::path path = media::storage(app.config).data_dir() / archive->file_name;
  if (!fs::exists(path)) return std::nullopt;
  return ArchiveFile{path.string(), "archive-" + rfc3339_date(archive->created_at) + "-" +
                                        std::to_string(archive->id) + ".zip"};
}

int run_archive_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kArchiveQueue, now); });
  if (!due) return 0;
  auto jobs = app.db->write_value(
      [&](store::Connection& c) { return store::claim_jobs(c, kArchiveQueue, now, kLockMs, 1); });
  for (const auto& job : jobs) {
    Id archive_id = 0;
    std::optional<store::Archive> archive;
    try {
      archive_id = json::parse(job.payload).as_object().at("archive_id").to_number<Id>();
      archive = app.db->read_value(
          [&](store::Connection& c) { return store::find_archive(c, archive_id); });
      if (!archive) {
        app.db->write([&](store::Connection& c) { store::delete_job(c, job.id); });
        continue;
      }
      // A name nobody can guess: the download also checks the owner.
      archive->file_name =
          "archives/" + std::to_string(archive->id) + "-" + random_token(12) + ".zip";
      archive->size = build_archive(app, archive->account_id, archive->file_name);
      archive->state = "ready";
      archive->finished_at = now_unix_ms();
      app.db->write([&](store::Connection& c) {
        store::update_archive(c, *archive);
        store::delete_job(c, job.id);
        if (auto user = store::find_user_by_account(c, archive->account_id))
          record(app, c,
                 Event(EventKind::archive_ready, user->id)
                     .with_detail(app.base_url() + "/settings/archives/" +
                                  std::to_string(archive->id) + "/download"));
      });
      log::info("archive {} ready ({} bytes)", archive->id, archive->size);
    } catch (const std::exception& error) {
      log::error("archive job {} (archive {}): {}", job.id, archive_id, error.what());
      bool last = job.attempts + 1 >= kMaxAttempts;
      app.db->write([&](store::Connection& c) {
        if (last && archive) {
          archive->state = "failed";
          archive->error = error.what();
          archive->finished_at = now_unix_ms();
          store::update_archive(c, *archive);
          store::delete_job(c, job.id);
        } else {
          store::retry_job(c, job.id, now + (job.attempts + 1) * 60'000LL, job.attempts + 1,
                           error.what());
        }
      });
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
