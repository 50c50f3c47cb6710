// The background work of `herd serve` (polls, scheduled statuses, media, preview cards, mail...):
// named tasks, each called every `period`, run on as few threads as the work needs.
//  - A task is first called at once, then `period` after its previous call returned; it never
//    runs twice at once. Exceptions are logged with the task's name, never fatal: the next call
//    tries again. (The tasks themselves claim their `jobs` rows in the database: this only says
//    when and on which thread they are called.)
//  - One scheduler thread hands due tasks to worker threads. Quick tasks run one after the other
//    on one worker; a task that waits longer than `spawn_after` for a worker (another task is
//    busy: a slow fetch, a big archive) gets a new worker, up to one per task, so that no task
//    waits long for another. A worker idle for `idle_exit` ends (its thread's SQLite reader
//    connection closes with it): an idle server keeps the scheduler and one worker.
//  - The destructor stops: no task starts any more; it waits for the running ones and joins.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace herd::service {

class JobRunner {
 public:
  struct Options {
    std::chrono::milliseconds spawn_after{100};
    std::chrono::milliseconds idle_exit{10'000};
  };
  JobRunner();
  explicit JobRunner(Options options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Adds a task (its first call is due at once).
  void every(std::string name, std::chrono::milliseconds period, std::function<void()> task);
  // Adds a task called once, `delay` from now.
  void once(std::string name, std::chrono::milliseconds delay, std::function<void()> task);

  // Threads running now, scheduler included (for tests and /metrics-style checks).
  int threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::service
