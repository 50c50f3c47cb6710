// Copying a whole database, for `herd admin backup` and `restore` (admin/backup.hpp).
#pragma once
#include <string>

namespace herd::store {

// Copies the SQLite database at source_path into dest_path with SQLite's online backup API, in one
// step: a consistent snapshot of the last committed state, taken while other connections and
// processes (a serving herd) go on reading and writing. dest_path is created or its content
// replaced in one transaction. Throws DatabaseError.
void copy_sqlite_database(const std::string& source_path, const std::string& dest_path);

}  // namespace herd::store
