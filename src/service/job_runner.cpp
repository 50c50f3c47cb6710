#include "service/job_runner.hpp"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.hpp"

namespace herd::service {

namespace {
using Clock = std::chrono::steady_clock;
}

struct JobRunner::Impl {
  struct Task {
    std::string name;
    std::chrono::milliseconds period;
    std::function<void()> call;
    Clock::time_point due;
    Clock::time_point queued_at;
    bool busy = false;  // queued or running
    bool repeat = true;
  };
  struct Worker {
    std::thread thread;
    std::condition_variable cv;
    Task* task = nullptr;  // handed over by the scheduler
    bool exited = false;
  };

  Options options;
  mutable std::mutex mutex;
  std::condition_variable wake;  // the scheduler's
  std::list<Task> tasks;         // stable addresses
  std::deque<Task*> queue;       // due, waiting for a worker
  std::list<Worker> workers;     // stable addresses; exited ones are joined by the scheduler
  std::vector<Worker*> idle;     // the most recently idle last: it gets the next task
  int live = 0;                  // workers not exited
  bool stopping = false;
  std::thread scheduler;

  void schedule() {
    pthread_setname_np(pthread_self(), "herd-jobs");
    std::unique_lock lock(mutex);
    while (!stopping) {
      Clock::time_point now = Clock::now();
      for (Task& task : tasks)
        if (!task.busy && task.due <= now) {
          task.busy = true;
          task.queued_at = now;
          queue.push_back(&task);
        }
      dispatch(now);
      reap();
      Clock::time_point next = Clock::time_point::max();
      for (const Task& task : tasks)
        if (!task.busy) next = std::min(next, task.due);
      if (!queue.empty()) next = std::min(next, queue.front()->queued_at + options.spawn_after);
      if (next == Clock::time_point::max())
        wake.wait(lock);
      else
        wake.wait_until(lock, next);
    }
  }

  // Hands the queue to a worker: the most recently idle one when none is busy (a busy worker
  // takes the next queued task itself when it is done). When the first queued task has waited
  // `spawn_after`, another idle worker, or a new one, takes it.
  void dispatch(Clock::time_point now) {
    while (!queue.empty()) {
      int busy = live - static_cast<int>(idle.size());
      bool waited = now - queue.front()->queued_at >= options.spawn_after;
      if (busy > 0 && !waited) return;
      if (!idle.empty()) {
        Worker* worker = idle.back();
        idle.pop_back();
        worker->task = queue.front();
        queue.pop_front();
        worker->cv.notify_one();
        continue;
      }
      if (live >= static_cast<int>(tasks.size())) return;
      Worker& worker = workers.emplace_back();
      worker.task = queue.front();
      queue.pop_front();
      ++live;
      worker.thread = std::thread([this, &worker] { work(worker); });
    }
  }

  void reap() {
    for (auto it = workers.begin(); it != workers.end();) {
      if (!it->exited) {
        ++it;
        continue;
      }
      it->thread.join();  // it is past its loop: only its thread-local destructors are left
      it = workers.erase(it);
    }
  }

  void work(Worker& self) {
    pthread_setname_np(pthread_self(), "herd-job");
    std::unique_lock lock(mutex);
    for (;;) {
      if (!self.task && !stopping && !queue.empty()) {
        self.task = queue.front();
        queue.pop_front();
      }
      if (!self.task && !stopping) {
        idle.push_back(&self);
        self.cv.wait_for(lock, options.idle_exit, [&] { return self.task || stopping; });
        if (!self.task) std::erase(idle, &self);
      }
      if (!self.task || stopping) break;
      Task* task = self.task;
      lock.unlock();
      try {
        task->call();
      } catch (const std::exception& error) {
        log::error("{}: {}", task->name, error.what());
      } catch (...) {
        log::error("{}: unknown error", task->name);
      }
      lock.lock();
      task->busy = false;
      task->due = task->repeat ? Clock::now() + task->period : Clock::time_point::max();
      self.task = nullptr;
      wake.notify_one();  // the scheduler recomputes when to wake
    }
    self.exited = true;
    --live;
    wake.notify_one();
  }
};

JobRunner::JobRunner() : JobRunner(Options{}) {}

JobRunner::JobRunner(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->scheduler = std::thread([this] { impl_->schedule(); });
}

JobRunner::~JobRunner() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    for (auto& worker : impl_->workers) worker.cv.notify_all();
  }
  impl_->wake.notify_all();
  impl_->scheduler.join();
  // No worker starts or is erased any more: the list is stable.
  for (auto& worker : impl_->workers)
    if (worker.thread.joinable()) worker.thread.join();
}

void JobRunner::every(std::string name, std::chrono::milliseconds period,
                      std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mutex);
    Impl::Task& added = impl_->tasks.emplace_back();
    added.name = std::move(name);
    added.period = period;
    added.call = std::move(task);
    added.due = Clock::now();
  }
  impl_->wake.notify_one();
}

void JobRunner::once(std::string name, std::chrono::milliseconds delay,
                     std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mutex);
    Impl::Task& added = impl_->tasks.emplace_back();
    added.name = std::move(name);
    added.call = std::move(task);
    added.due = Clock::now() + delay;
    added.repeat = false;
  }
  impl_->wake.notify_one();
}

int JobRunner::threads() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->live + 1;
}

}  // namespace herd::service
