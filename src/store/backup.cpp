#include "store/backup.hpp"

#include <sqlite3.h>

#include "store/database.hpp"

namespace herd::store {

namespace {

struct Handle {
  sqlite3* db = nullptr;
  ~Handle() { sqlite3_close(db); }
};

void open(Handle& handle, const std::string& path, int flags) {
  if (sqlite3_open_v2(path.c_str(), &handle.db, flags, nullptr) != SQLITE_OK)
    throw DatabaseError("cannot open SQLite database " + path + ": " +
                        (handle.db ? sqlite3_errmsg(handle.db) : "out of memory"));
  sqlite3_busy_timeout(handle.db, 10000);
}

}  // namespace

void copy_sqlite_database(const std::string& source_path, const std::string& dest_path) {
  Handle source, dest;
  open(source, source_path, SQLITE_OPEN_READONLY);
  open(dest, dest_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(dest.db, "main", source.db, "main");
  if (!backup) throw DatabaseError("SQLite backup: " + std::string(sqlite3_errmsg(dest.db)));
  int rc;
  // One step copies every page under one read transaction: a snapshot, whatever writers do. A
  // busy or locked destination is retried a while (another process may be reading it).
  for (int tries = 0; tries < 100; ++tries) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(100);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE)
    throw DatabaseError("SQLite backup of " + source_path + " into " + dest_path + ": " +
                        sqlite3_errstr(rc));
}

}  // namespace herd::store
