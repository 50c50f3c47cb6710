// The delivery worker: threads that take due delivery jobs from the `jobs` table and POST them,
// signed, to their inboxes. One thread waits for work; a thread that claims a full batch while
// no other waits starts another (up to `threads`), and those end after 10 s without a job.
//  - A 2xx answer acknowledges the job: it is deleted at once, so it is never sent again.
//  - 4xx answers other than 401, 408 and 429 are permanent (the job is dropped), as in Mastodon.
//  - Anything else (network errors, 5xx, 401/408/429) is retried with exponential backoff:
//    base * 2^attempts (base 10 s, HERD_DELIVERY_RETRY_BASE_MS overrides it for tests), at most
//    12 h apart, for 18 attempts (about three and a half days), then dropped.
//  - A job for an account with no known inbox (outbox.hpp) refetches the actor first.
//  - Nothing is dropped silently: a permanent refusal, a job given up, or an account that still
//    has no inbox after the refetch is logged and recorded in `delivery_failures` (the admin API's
//    /api/v1/admin/delivery_failures lists them).
//  - Jobs survive restarts: they are rows; a claimed job is locked for a while, so a worker that
//    died mid-send leaves it to be retried after the lock expires.
// Several processes sharing PostgreSQL share the queue (FOR UPDATE SKIP LOCKED).
#pragma once
#include <memory>

#include "app.hpp"

namespace herd::federation {

class DeliveryWorker {
 public:
  // Sends on up to `threads` threads at once (0: 8); starts one.
  DeliveryWorker(App& app, int threads = 0);
  ~DeliveryWorker();  // stops and joins
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The delay before retry number `attempts` (1-based) with this base.
std::int64_t retry_delay_ms(int attempts, std::int64_t base_ms);
inline constexpr int kMaxDeliveryAttempts = 18;

}  // namespace herd::federation
