#include "store/operations.hpp"

namespace herd::store {

std::vector<JobQueueStats> job_queue_stats(Connection& c) {
  auto result = c.query(
      "SELECT queue, COUNT(*), SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), MIN(created_at) "
      "FROM jobs GROUP BY queue ORDER BY queue",
      {});
  std::vector<JobQueueStats> out;
  for (const Row& row : result.rows) out.push_back({row.s(0), row.i(1), row.i(2), row.i(3)});
  return out;
}

}  // namespace herd::store
