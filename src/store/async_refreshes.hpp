// Async refreshes (Mastodon 4.4's AsyncRefresh): background work a client may watch, such as the
// fetch of a remote thread's missing replies. One row per key ("context:<status id>:refresh"),
// reused when the work runs again. Inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct AsyncRefresh {
  Id id = 0;
  std::string key;
  std::string status;  // "running" or "finished"
  std::int64_t result_count = 0;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> finished_at;
};

std::optional<AsyncRefresh> find_async_refresh(Connection& c, Id id);
std::optional<AsyncRefresh> find_async_refresh_by_key(Connection& c, const std::string& key);
// Marks the key's refresh running from `now` with no result yet (created with `id` when the key
// has none) and returns it.
AsyncRefresh start_async_refresh(Connection& c, const std::string& key, Id id, std::int64_t now);
void add_async_refresh_results(Connection& c, Id id, std::int64_t count);
void finish_async_refresh(Connection& c, Id id, std::int64_t now);

}  // namespace herd::store
