#include "store/socket_wait.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace herd::store {

namespace {
thread_local ReadableWaiter current_waiter = nullptr;
}

ReadableWaiter set_readable_waiter(ReadableWaiter waiter) {
  ReadableWaiter previous = current_waiter;
  current_waiter = waiter;
  return previous;
}

bool waiting_suspends() {
  return current_waiter != nullptr;
}

void wait_readable(int fd) {
  if (current_waiter) {
    current_waiter(fd);
    return;
  }
  pollfd one{fd, POLLIN, 0};
  while (::poll(&one, 1, -1) < 0 && errno == EINTR) {
  }
}

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("no eventfd to wait on");
}

Wakeup::~Wakeup() {
  ::close(fd_);
}

void Wakeup::wait() {
  wait_readable(fd_);
  std::uint64_t count = 0;
  [[maybe_unused]] auto ignored = ::read(fd_, &count, sizeof count);
}

void Wakeup::signal(int fd) {
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(fd, &one, sizeof one);
}

}  // namespace herd::store
