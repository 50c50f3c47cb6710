// `herd admin backup DEST` and `herd admin restore SOURCE [--force]`.
//
// A backup is a folder:
//   manifest.json     {"format": "herd-backup", "version": 1, "database": "sqlite"|"postgres",
//                      "schema_version", "herd_version", "created_at", "files", "file_bytes"}
//   herd.sqlite3      SQLite: a consistent snapshot taken with SQLite's online backup API while
//                     the instance serves (store/backup.hpp)
//   database.pgdump   PostgreSQL: `pg_dump --format=custom` (one snapshot, while it serves)
//   data/             the data folder's files (media, avatars, headers) but the SQLite database,
//                     copied after the database snapshot, so that every file it names is there
//                     (a file deleted while the backup runs is skipped, and counted)
// It is written as DEST.partial-<pid> and renamed to DEST when complete: a folder named DEST is
// always a whole backup. DEST must not exist yet.
//
// Restore replaces the configured database and the data folder's files with the backup's (the
// database kinds must match); herd serve must be stopped. A database that already holds an
// instance is replaced only with force. Schema migrations newer than the backup run at the next
// start.
#pragma once
#include <string>

#include "app.hpp"

namespace herd::admin {

// Both return the process exit code and print what they did; errors are thrown.
int backup(App& app, const std::string& dest);
int restore(App& app, const std::string& source, bool force);

}  // namespace herd::admin
