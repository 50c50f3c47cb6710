// What operators' tools read from the database: the job queues' state (for /metrics).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace herd::store {

struct JobQueueStats {
  std::string queue;                   // the job kind ("delivery", "web_push", ...)
  std::int64_t count = 0;              // jobs waiting (due or not)
  std::int64_t failing = 0;            // of them, those that failed at least once
  std::int64_t oldest_created_at = 0;  // unix ms of the oldest
};
// One row per queue that has jobs, by queue name; one query.
std::vector<JobQueueStats> job_queue_stats(Connection& c);

}  // namespace herd::store
