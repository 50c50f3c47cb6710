#include "federation/delivery.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/context.hpp"
#include "federation/outbox.hpp"
#include "federation/resolver.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 2 * 60 * 1000;
constexpr int kBatch = 4;

std::int64_t retry_base_ms() {
  if (const char* value = std::getenv("HERD_DELIVERY_RETRY_BASE_MS")) {
    char* end = nullptr;
    long long parsed = std::strtoll(value, &end, 10);
    if (end && *end == '\0' && parsed > 0) return parsed;
  }
  return 10'000;
}

bool permanent_failure(int status) {
  return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
}

}  // namespace

std::int64_t retry_delay_ms(int attempts, std::int64_t base_ms) {
  constexpr std::int64_t kMax = 12LL * 60 * 60 * 1000;
  int shift = std::clamp(attempts - 1, 0, 30);
  std::int64_t delay = base_ms << std::min(shift, 20);
  return std::min(delay, kMax);
}

struct DeliveryWorker::Impl {
  App& app;
  int max_threads = 8;
  std::int64_t base_ms = retry_base_ms();
  // The first thread runs until the server stops; a thread that claims a full batch while no
  // other is waiting starts another (up to max_threads); those end after kHelperIdle without a
  // job (their SQLite reader connection closes with them).
  static constexpr std::chrono::milliseconds kHelperIdle{10'000};
  std::mutex mutex;
  std::list<std::thread> threads;                       // guarded by mutex
  std::vector<std::list<std::thread>::iterator> ended;  // to join; guarded by mutex
  int running = 0, waiting = 0;                         // guarded by mutex

  explicit Impl(App& a) : app(a) {}

  SigningKey key_for(Id signer, std::unordered_map<Id, SigningKey>& cache) {
    if (signer == 0) return of(app).instance_key();
    if (auto it = cache.find(signer); it != cache.end()) return it->second;
    auto account =
        app.db->read_value([&](store::Connection& c) { return store::find_account(c, signer); });
    if (!account || !account->local() || account->private_key_pem.empty())
      throw std::runtime_error("no signing key for account " + std::to_string(signer));
    SigningKey key = Federation::key_of(*account);
    cache.emplace(signer, key);
    return key;
  }

  struct Outcome {
    store::Job job;
    bool done = false;  // acknowledged or permanently refused
    std::string error;
    std::optional<store::DeliveryFailure> failure;  // to record (done, not delivered)
  };

  // A delivery that will not be made, for the admin (delivery_failures) and the log.
  static store::DeliveryFailure failure_of(const json::object& payload, std::string inbox,
                                           std::string error) {
    store::DeliveryFailure failure;
    failure.id = next_id();
    failure.inbox = std::move(inbox);
    failure.error = std::move(error);
    failure.created_at = now_unix_ms();
    if (const json::value* actor = payload.if_contains("actor"); actor && actor->is_string())
      failure.account_uri = std::string(actor->get_string());
    boost::system::error_code ec;
    const json::value* text = payload.if_contains("body");
    json::value body = text && text->is_string() ? json::parse(text->get_string(), ec) : nullptr;
    if (!ec && body.is_object()) {
      failure.activity_type = as::type_of(body.as_object());
      failure.activity_id = as::id_of(body.as_object());
    }
    log::warn("delivery of {} {} to {} failed: {}", failure.activity_type, failure.activity_id,
              failure.inbox.empty() ? failure.account_uri : failure.inbox, failure.error);
    return failure;
  }

  // The inbox of a job enqueued for an account without one: the actor is fetched again (at most
  // once every few seconds per actor: a burst of posts to such a follower fetches it once).
  std::string refetched_inbox(const std::string& actor_uri) {
    bool refetch = of(app).may_refresh_key("actor " + actor_uri);
    auto account = resolve_actor(app, actor_uri, refetch);
    if (!account) return "";
    return account->shared_inbox_url.empty() ? account->inbox_url : account->shared_inbox_url;
  }

  Outcome send(const store::Job& job, std::unordered_map<Id, SigningKey>& keys) {
    Outcome outcome{job, false, "", std::nullopt};
    json::object payload;
    std::string inbox;
    std::string domain = "unknown";  // the inbox's host[:port], for /metrics
    try {
      payload = json::parse(job.payload).as_object();
      inbox = std::string(payload.at("inbox").as_string());
      Id signer = payload.at("signer").to_number<Id>();
      std::string body(payload.at("body").as_string());
      if (inbox.empty() && payload.contains("actor")) {
        inbox = refetched_inbox(std::string(payload.at("actor").as_string()));
        if (inbox.empty()) {
          outcome.done = true;
          outcome.failure = failure_of(payload, "", "the account has no inbox (refetched)");
          return outcome;
        }
      }
      if (auto url = boost::urls::parse_uri(inbox))
        domain = std::string(url->encoded_host_and_port());
      FetchResponse response = of(app).client().post(inbox, body, key_for(signer, keys));
      metrics::count_delivery(domain, response.ok());
      if (response.ok()) {
        outcome.done = true;
      } else if (permanent_failure(response.status)) {
        outcome.done = true;
        outcome.failure =
            failure_of(payload, inbox, "refused: HTTP " + std::to_string(response.status));
      } else {
        outcome.error = "HTTP " + std::to_string(response.status);
      }
    } catch (const FetchError& error) {
      metrics::count_delivery(domain, false);
      outcome.error = error.what();
      if (error.kind() == FetchError::Kind::bad_url || error.kind() == FetchError::Kind::refused) {
        outcome.done = true;  // retrying cannot help
        outcome.failure = failure_of(payload, inbox, error.what());
      }
    } catch (const std::exception& error) {
      outcome.done = true;  // a malformed job would fail forever
      log::error("delivery job {} dropped: {}", job.id, error.what());
    }
    if (!outcome.done && outcome.job.attempts + 1 >= kMaxDeliveryAttempts)
      outcome.failure = failure_of(payload, inbox,
                                   "given up after " + std::to_string(outcome.job.attempts + 1) +
                                       " attempts: " + outcome.error);
    return outcome;
  }

  // Starts a thread (the caller holds `mutex`).
  void start_thread(bool first) {
    ++running;
    auto it = threads.emplace(threads.end());
    *it = std::thread([this, first, it] {
      run(first);
      std::lock_guard lock(mutex);
      --running;
      ended.push_back(it);
    });
  }

  // Joins the threads that ended (the caller holds `mutex`).
  void join_ended() {
    for (auto it : ended) {
      it->join();
      threads.erase(it);
    }
    ended.clear();
  }

  void run(bool first) {
    Federation& federation = of(app);
    std::unordered_map<Id, SigningKey> keys;
    auto last_job = std::chrono::steady_clock::now();
    while (!federation.stopping()) {
      std::vector<store::Job> jobs;
      try {
        // Look before claiming: an empty poll must not write. The queue's own bookkeeping
        // (claims, retries, failures) changes nothing a cached response shows: unversioned.
        bool due = app.db->read_value([&](store::Connection& c) {
          return store::has_due_jobs(c, kDeliveryQueue, now_unix_ms());
        });
        if (due)
          app.db->write_unversioned([&](store::Connection& c) {
            jobs = store::claim_jobs(c, kDeliveryQueue, now_unix_ms(), kLockMs, kBatch);
          });
      } catch (const std::exception& error) {
        log::error("delivery queue: {}", error.what());
      }
      if (jobs.empty()) {
        if (!first && std::chrono::steady_clock::now() - last_job >= kHelperIdle) return;
        {
          std::lock_guard lock(mutex);
          ++waiting;
        }
        federation.wait_for_delivery(std::chrono::milliseconds(500));
        std::lock_guard lock(mutex);
        --waiting;
        continue;
      }
      last_job = std::chrono::steady_clock::now();
      if (jobs.size() == static_cast<size_t>(kBatch)) {  // more may be due: another thread
        std::lock_guard lock(mutex);
        join_ended();
        if (waiting == 0 && running < max_threads && !federation.stopping()) start_thread(false);
      }
      std::vector<Outcome> outcomes;
      for (const auto& job : jobs) outcomes.push_back(send(job, keys));
      try {
        app.db->write_unversioned([&](store::Connection& c) {
          std::int64_t now = now_unix_ms();
          for (const Outcome& outcome : outcomes) {
            int attempts = outcome.job.attempts + 1;
            if (outcome.failure) store::insert_delivery_failure(c, *outcome.failure);
            if (outcome.done) {
              store::delete_job(c, outcome.job.id);
            } else if (attempts >= kMaxDeliveryAttempts) {
              store::delete_job(c, outcome.job.id);
            } else {
              store::retry_job(c, outcome.job.id, now + retry_delay_ms(attempts, base_ms), attempts,
                               outcome.error);
            }
          }
        });
      } catch (const std::exception& error) {
        log::error("delivery queue: {}", error.what());
      }
    }
  }
};

DeliveryWorker::DeliveryWorker(App& app, int threads) : impl_(std::make_unique<Impl>(app)) {
  if (threads > 0) impl_->max_threads = threads;
  std::lock_guard lock(impl_->mutex);
  impl_->start_thread(true);
}

DeliveryWorker::~DeliveryWorker() {
  of(impl_->app).stop();
  // No thread starts once stopping is seen; each one left ends and queues itself in `ended`.
  for (;;) {
    std::unique_lock lock(impl_->mutex);
    impl_->join_ended();
    if (impl_->threads.empty()) break;
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace herd::federation
