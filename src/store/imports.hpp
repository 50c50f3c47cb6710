// CSV imports (Mastodon 4.2's BulkImport): one row per uploaded file with its parsed rows (JSON),
// its progress and the rows that failed. Inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct Import {
  Id id = 0;
  Id account_id = 0;
  std::string type;   // following | blocking | muting | domain_blocking | bookmarks | lists
  std::string mode;   // merge | overwrite
  std::string state;  // scheduled | in_progress | finished
  std::string file_name;
  std::string data;  // JSON array of rows, each an array of strings
  std::int64_t total_items = 0, processed_items = 0, imported_items = 0;
  std::string failures;  // JSON array of {"row": n, "value": "...", "error": "..."}
  std::int64_t created_at = 0;
  std::optional<std::int64_t> finished_at;
};

void insert_import(Connection& c, const Import& import);
std::optional<Import> find_import(Connection& c, Id id);
// The account's imports, newest first (without their data).
std::vector<Import> imports_of(Connection& c, Id account_id, int limit);
// Writes state, processed/imported counts, failures and finished_at.
void update_import_progress(Connection& c, const Import& import);

}  // namespace herd::store
