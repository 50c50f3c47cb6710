#include "admin/backup.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "core/log.hpp"
#include "core/time.hpp"
#include "media/storage.hpp"
#include "store/backup.hpp"
#include "store/database.hpp"

extern char** environ;

namespace herd::admin {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kSqliteFile = "herd.sqlite3";
constexpr const char* kPostgresFile = "database.pgdump";
constexpr const char* kDataFolder = "data";

bool is_sqlite(const App& app) {
  return app.config.database_url.rfind("sqlite://", 0) == 0;
}

std::string sqlite_path(const App& app) {
  return app.config.database_url.substr(9);
}

// Runs a program (PATH lookup) with these arguments and waits; throws unless it exits with 0.
void run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  // pg_dump/pg_restore inherit no descriptor but 0, 1 and 2 (not the server's sockets).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot run " + args[0] + ": " + std::strerror(rc) +
                             " (Debian package postgresql-client-15)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(args[0] + " failed (exit status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
}

// The newest applied schema migration, or 0.
std::int64_t schema_version(store::Database& db) {
  return db.read_value([](store::Connection& c) {
    auto result = c.query("SELECT MAX(version) FROM schema_migrations", {});
    return result.empty() ? std::int64_t{0} : result.front().i(0);
  });
}

struct CopyStats {
  std::int64_t files = 0, bytes = 0, vanished = 0;
};

// Copies the regular files under `from` into `to` (folders created as needed), leaving out the
// paths in `skip`. A file that disappears meanwhile (deleted by the serving instance) is counted,
// not an error.
void copy_tree(const fs::path& from, const fs::path& to, const std::vector<fs::path>& skip,
               CopyStats& stats) {
  if (!fs::exists(from)) return;
  fs::create_directories(to);
  for (auto it =
           fs::recursive_directory_iterator(from, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    fs::path path = it->path();
    bool skipped = false;
    for (const auto& s : skip)
      if (fs::equivalent(path, s) || path == s) skipped = true;
    if (skipped) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    fs::path target = to / fs::relative(path, from);
    std::error_code ec;
    if (it->is_directory(ec)) {
      fs::create_directories(target);
    } else if (it->is_regular_file(ec)) {
      std::uintmax_t size = fs::file_size(path, ec);
      if (!ec) fs::copy_file(path, target, fs::copy_options::overwrite_existing, ec);
      if (ec == std::errc::no_such_file_or_directory) {
        ++stats.vanished;
      } else if (ec) {
        throw std::runtime_error("cannot copy " + path.string() + ": " + ec.message());
      } else {
        ++stats.files;
        stats.bytes += static_cast<std::int64_t>(size);
      }
    }
  }
}

// With S3_ENABLED the media are objects in a bucket, not files in the data folder: a backup does
// not copy them (the bucket is backed up with the storage's own tools), and says so.
std::string s3_media_note(const media::S3Settings& s3) {
  return "media are on S3 (bucket " + s3.bucket + " at " + s3.endpoint +
         ") and are not in this backup: back up the bucket with the storage's own tools (for "
         "example aws s3 sync or rclone); the database keeps pointing at its objects";
}

std::string megabytes(std::int64_t bytes) {
  return std::to_string(bytes / 1048576) + "." + std::to_string(bytes % 1048576 * 10 / 1048576) +
         " MB";
}

}  // namespace

int backup(App& app, const std::string& dest_arg) {
  auto begin = std::chrono::steady_clock::now();
  fs::path dest = fs::absolute(fs::path(dest_arg).lexically_normal());
  if (dest.filename().empty()) dest = dest.parent_path();
  if (fs::exists(dest)) throw std::runtime_error(dest.string() + " exists already");
  fs::path work = dest;
  work += ".partial-" + std::to_string(getpid());
  fs::create_directories(work);
  try {
    auto db = store::open_database(app.config.database_url, 1);
    std::int64_t version = schema_version(*db);
    fs::path data_dir = fs::absolute(app.config.data_dir);
    std::vector<fs::path> skip = {work};
    if (is_sqlite(app)) {
      std::string path = sqlite_path(app);
      store::copy_sqlite_database(path, (work / kSqliteFile).string());
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) skip.push_back(path + suffix);
    } else {
      run({"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file",
           (work / kPostgresFile).string(), "--dbname", app.config.database_url});
    }
    // After the snapshot: every file the snapshot names exists (or was deleted since).
    CopyStats stats;
    copy_tree(data_dir, work / kDataFolder, skip, stats);
    auto s3 = media::s3_settings_from_environment();
    json::object media_files{{"storage", s3 ? "s3" : "local"}, {"included", !s3}};
    if (s3) {
      media_files["bucket"] = s3->bucket;
      media_files["endpoint"] = s3->endpoint;
      log::warn("backup: {}", s3_media_note(*s3));
    }
    json::object manifest{{"format", "herd-backup"},
                          {"version", 1},
                          {"database", is_sqlite(app) ? "sqlite" : "postgres"},
                          {"schema_version", version},
                          {"herd_version", HERD_VERSION},
                          {"created_at", rfc3339(now_unix_ms())},
                          {"files", stats.files},
                          {"file_bytes", stats.bytes},
                          {"media", media_files}};
    std::ofstream(work / "manifest.json") << json::serialize(manifest) << "\n";
    fs::rename(work, dest);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    std::cout << "backed up the " << (is_sqlite(app) ? "SQLite" : "PostgreSQL")
              << " database (schema " << version << ") and " << stats.files << " files ("
              << megabytes(stats.bytes) << ") to " << dest.string() << " in " << seconds << " s";
    if (stats.vanished) std::cout << "; " << stats.vanished << " files deleted meanwhile skipped";
    std::cout << "\n";
    if (s3) std::cout << "not included: " << s3_media_note(*s3) << "\n";
    return 0;
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(work, ignored);
    throw;
  }
}

int restore(App& app, const std::string& source_arg, bool force) {
  auto begin = std::chrono::steady_clock::now();
  fs::path source = fs::absolute(source_arg);
  std::ifstream manifest_file(source / "manifest.json");
  if (!manifest_file)
    throw std::runtime_error(source.string() + " is not a herd backup (no manifest.json)");
  std::string text((std::istreambuf_iterator<char>(manifest_file)),
                   std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  json::value manifest = json::parse(text, ec);
  if (ec || !manifest.is_object() || manifest.as_object().if_contains("format") == nullptr ||
      manifest.at("format") != "herd-backup")
    throw std::runtime_error(source.string() + "/manifest.json is not a herd backup manifest");
  std::string kind(manifest.at("database").as_string());
  if (kind != (is_sqlite(app) ? "sqlite" : "postgres"))
    throw std::runtime_error("this backup holds a " + kind +
                             " database; set DATABASE_URL to a database of that kind");

  // Refuse to overwrite an instance unless asked to.
  bool occupied = false;
  if (!is_sqlite(app) || fs::exists(sqlite_path(app))) {
    auto db = store::open_database(app.config.database_url, 1);
    try {
      occupied = schema_version(*db) > 0;
    } catch (const store::DatabaseError&) {
      occupied = false;  // no schema_migrations table: nothing there yet
    }
  }
  if (occupied && !force)
    throw std::runtime_error(
        "the configured database already holds an instance; stop herd serve and add --force to "
        "replace it");

  if (is_sqlite(app)) {
    fs::path path = sqlite_path(app);
    fs::create_directories(path.parent_path());
    store::copy_sqlite_database((source / kSqliteFile).string(), path.string());
  } else {
    run({"pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--dbname", app.config.database_url,
         (source / kPostgresFile).string()});
  }
  fs::path data_dir = fs::absolute(app.config.data_dir);
  fs::create_directories(data_dir);
  // The backup's top-level folders (media...) replace the instance's.
  if (fs::exists(source / kDataFolder))
    for (const auto& entry : fs::directory_iterator(source / kDataFolder))
      if (entry.is_directory()) fs::remove_all(data_dir / entry.path().filename());
  CopyStats stats;
  copy_tree(source / kDataFolder, data_dir, {}, stats);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::cout << "restored the " << kind << " database and " << stats.files << " files ("
            << megabytes(stats.bytes) << ") from " << source.string() << " in " << seconds
            << " s\n";
  const json::object& root = manifest.as_object();
  if (const json::value* media_files = root.if_contains("media");
      media_files && media_files->is_object() && media_files->as_object().if_contains("storage") &&
      media_files->at("storage") == "s3")
    std::cout << "not restored: the media were on S3 (bucket "
              << json::value_to<std::string>(media_files->at("bucket"))
              << ") and are not in the backup; they are served from that bucket as before if it "
                 "still holds them\n";
  return 0;
}

}  // namespace herd::admin
