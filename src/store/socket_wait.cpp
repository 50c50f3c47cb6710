#include "store/socket_wait.hpp"

#include <poll.h>

#include <cerrno>

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

}  // namespace herd::store
