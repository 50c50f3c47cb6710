#include "service/ticker.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/log.hpp"

namespace herd::service {

struct Ticker::Impl {
  std::string name;
  std::chrono::milliseconds period;
  std::function<void()> tick;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      lock.unlock();
      try {
        tick();
      } catch (const std::exception& error) {
        log::error("{}: {}", name, error.what());
      }
      lock.lock();
      cv.wait_for(lock, period, [this] { return stopping; });
    }
  }
};

Ticker::Ticker(std::string name, std::chrono::milliseconds period, std::function<void()> tick)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = std::move(name);
  impl_->period = period;
  impl_->tick = std::move(tick);
  impl_->thread = std::thread([this] { impl_->run(); });
}

Ticker::~Ticker() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
}

}  // namespace herd::service
