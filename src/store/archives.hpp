// Archive exports ("Request your archive", Mastodon's Backup): one row per request with its state
// and the file it produced under the data folder. Inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct Archive {
  Id id = 0;
  Id account_id = 0;
  std::string state;      // pending | ready | failed
  std::string file_name;  // relative to the data folder, when ready
  std::int64_t size = 0;
  std::string error;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> finished_at;
};

void insert_archive(Connection& c, const Archive& archive);
std::optional<Archive> find_archive(Connection& c, Id id);
// The account's archives, newest first.
std::vector<Archive> archives_of(Connection& c, Id account_id, int limit);
// Writes state, file_name, size, error and finished_at.
void update_archive(Connection& c, const Archive& archive);

}  // namespace herd::store
