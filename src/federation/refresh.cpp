#include "federation/refresh.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/resolver.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"
#include "store/invalidation.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

constexpr std::string_view kRefreshQueue = "actor_refresh";
constexpr std::int64_t kLockMs = 60'000;
constexpr std::int64_t kPruneEveryMs = 60LL * 60 * 1000;
std::atomic<std::int64_t> pruned_at{0};

std::int64_t stale_after_ms() {
  if (const char* value = std::getenv("HERD_ACTOR_STALE_MS")) {
    char* end = nullptr;
    long long parsed = std::strtoll(value, &end, 10);
    if (end && *end == '\0' && parsed > 0) return parsed;
  }
  return 24LL * 60 * 60 * 1000;
}

}  // namespace

bool queue_refresh(App& app, const store::Account& account) {
  if (account.local() || account.suspended || account.uri.empty()) return false;
  std::int64_t now = now_unix_ms();
  std::string payload = json::serialize(json::object{{"uri", account.uri}});
  store::Changes changes;  // a job: no cached response reads it (store/invalidation.hpp)
  changes.add(store::tags::nothing());
  return app.db->write_value([&](store::Connection& c) {
    if (store::has_job(c, kRefreshQueue, payload)) return false;
    store::insert_job(c, next_id(), kRefreshQueue, payload, now, now);
    return true;
  });
}

void queue_refresh_if_stale(App& app, const store::Account& account) {
  if (now_unix_ms() - account.updated_at < stale_after_ms()) return;
  queue_refresh(app, account);
}

// A write of tombstones, jobs' bookkeeping or an account's refresh time: nothing a cached response
// reads (store/invalidation.hpp). The refreshed actors drop what shows them (store_actor).
template <typename F>
auto bookkeeping(App& app, F&& fn) {
  store::Changes changes;
  changes.add(store::tags::nothing());
  return app.db->write_value([&](store::Connection& c) {
    fn(c);
    return true;
  });
}

int run_actor_refresh_jobs(App& app, std::int64_t now) {
  std::int64_t last = pruned_at.load();
  if (now - last >= kPruneEveryMs && pruned_at.compare_exchange_strong(last, now))
    bookkeeping(app, [&](store::Connection& c) { store::prune_tombstones(c, now); });
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kRefreshQueue, now); });
  if (!due) return 0;
  std::vector<store::Job> jobs;
  bookkeeping(app, [&](store::Connection& c) {
    jobs = store::claim_jobs(c, kRefreshQueue, now, kLockMs, 4);
  });
  for (const auto& job : jobs) {
    std::string uri;
    try {
      uri = std::string(json::parse(job.payload).as_object().at("uri").as_string());
      if (!resolve_actor(app, uri, true)) {
        log::info("actor refresh {}: not available, the stored copy is kept", uri);
        bookkeeping(app, [&](store::Connection& c) { store::touch_remote_account(c, uri, now); });
      }
    } catch (const std::exception& error) {
      log::warn("actor refresh job {}: {}", job.id, error.what());
    }
    bookkeeping(app, [&](store::Connection& c) { store::delete_job(c, job.id); });
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::federation
