#include "federation/inbox_batch.hpp"

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "federation/activitystreams.hpp"
#include "federation/resolver.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxBatch = 64;

// Activity types whose effects all live in the database (see inbox_batch.hpp).
bool batchable(std::string_view type) {
  for (std::string_view t : {"Create", "Update", "Delete", "Announce", "Like", "Undo", "Follow",
                             "Accept", "Reject", "Block"})
    if (type == t) return true;
  return false;
}

// Savepoints around each activity of a batch (prepared statements: SQLite caches them).
void savepoint(store::Connection& c) {
  c.query("SAVEPOINT herd_inbox");
}
void release(store::Connection& c) {
  c.query("RELEASE SAVEPOINT herd_inbox");
}
void roll_back(store::Connection& c) {
  c.query("ROLLBACK TO SAVEPOINT herd_inbox");
  c.query("RELEASE SAVEPOINT herd_inbox");
}

struct Job {
  const json::object* activity = nullptr;
  const store::Account* actor = nullptr;
  IngestResult result;
  bool done = false;
  bool alone = false;  // to be applied by its request thread, outside a batch
};

class BatchingDatabase;

// The batch being applied on this thread: its database layer and connection, and whether a write
// of the current activity failed (its effects are then undone and it is applied alone).
thread_local BatchingDatabase* batch_owner = nullptr;
thread_local store::Connection* batch_connection = nullptr;
thread_local bool write_failed = false;

class BatchingDatabase final : public store::Database {
 public:
  explicit BatchingDatabase(std::unique_ptr<store::Database> inner) : inner_(std::move(inner)) {}

  ~BatchingDatabase() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  void read(const std::function<void(store::Connection&)>& fn) override {
    if (batch_owner == this) return fn(*batch_connection);
    inner_->read(fn);
  }

  void write(const std::function<void(store::Connection&)>& fn) override {
    if (batch_owner == this) {
      // No savepoint of its own (they cost as much as the statements): when a write throws, and
      // its caller goes on (a refusal counted as "ignored"), the whole activity is undone and
      // applied alone, where that write gets its own transaction.
      try {
        return fn(*batch_connection);
      } catch (...) {
        write_failed = true;
        throw;
      }
    }
    inner_->write(fn);
  }

  void write_unversioned(const std::function<void(store::Connection&)>& fn) override {
    inner_->write_unversioned(fn);  // never called by an activity inside a batch
  }

  store::Dialect dialect() const override { return inner_->dialect(); }
  std::uint64_t generation() override { return inner_->generation(); }
  store::PoolStats pool_stats() override { return inner_->pool_stats(); }

  // Applies the job in the next batch and waits for it; false when the job is left to the caller.
  bool run(App& app, Job& job) {
    std::unique_lock lock(mutex_);
    if (stopping_) return false;
    if (!worker_.joinable()) worker_ = std::thread([this, &app] { loop(app); });
    queue_.push_back(&job);
    work_cv_.notify_one();
    done_cv_.wait(lock, [&] { return job.done; });
    return !job.alone;
  }

 private:
  void loop(App& app) {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      std::vector<Job*> batch;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      apply(app, batch);
      lock.lock();
      for (Job* job : batch) job->done = true;
      done_cv_.notify_all();
    }
  }

  void apply(App& app, const std::vector<Job*>& batch) {
    try {
      inner_->write([&](store::Connection& c) {
        batch_owner = this;
        batch_connection = &c;
        struct Reset {
          ~Reset() {
            batch_owner = nullptr;
            batch_connection = nullptr;
          }
        } reset;
        NoFetches no_fetches;
        for (Job* job : batch) {
          job->alone = false;
          write_failed = false;
          savepoint(c);
          try {
            job->result = receive_activity(app, *job->activity, *job->actor);
          } catch (...) {  // FetchNeeded, or an error: applied alone, outside the batch (where an
                           // error answers its request as it did before batching)
            job->alone = true;
          }
          if (job->alone || write_failed) {
            job->alone = true;
            roll_back(c);
          } else {
            release(c);
          }
        }
      });
    } catch (const std::exception& error) {
      log::warn("inbox batch of {} not committed ({}): applied one by one", batch.size(),
                error.what());
      for (Job* job : batch) job->alone = true;
    } catch (...) {
      log::warn("inbox batch of {} not committed: applied one by one", batch.size());
      for (Job* job : batch) job->alone = true;
    }
  }

  std::unique_ptr<store::Database> inner_;
  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Job*> queue_;
  std::thread worker_;
  bool stopping_ = false;
};

}  // namespace

std::unique_ptr<store::Database> attach_inbox_batching(std::unique_ptr<store::Database> database) {
  const char* setting = std::getenv("HERD_INBOX_BATCH");
  if (setting && std::string_view(setting) == "0") return database;
  // PostgreSQL runs the writers' transactions side by side, and a commit costs little there;
  // one batch thread would run every statement's round trip in series (measured slower).
  if (database->dialect() == store::Dialect::postgres) return database;
  return std::make_unique<BatchingDatabase>(std::move(database));
}

IngestResult receive_activity_batched(App& app, const json::object& activity,
                                      const store::Account& actor) {
  auto* batching = dynamic_cast<BatchingDatabase*>(app.db.get());
  if (batching && batch_owner == nullptr && batchable(as::type_of(activity))) {
    Job job;
    job.activity = &activity;
    job.actor = &actor;
    if (batching->run(app, job)) return job.result;
  }
  return receive_activity(app, activity, actor);
}

}  // namespace herd::federation
