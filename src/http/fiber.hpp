// A request's handler run as a fiber on an I/O thread: it runs until it has to wait for a
// database socket (store::wait_readable), then gives the thread back; the I/O thread's event loop
// resumes it once the socket is readable. The fiber swaps the thread's request scopes
// (store::exchange_thread_scopes) in and out with it. A fiber is resumed only on the thread that
// started it (thread-local state lives on: the server keeps one I/O thread when it runs fibers).
// A fiber destroyed before its body returned (the server stopping) does not unwind it: what it
// held (a pooled connection) is left, which only a stopping process may afford.
#pragma once
#include <ucontext.h>

#include <exception>
#include <functional>

#include "store/socket_wait.hpp"

namespace herd::http {

class Fiber {
 public:
  explicit Fiber(std::function<void()> body);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the body until it returns (true; its exception, if any, is rethrown here) or waits for a
  // socket (false: waiting_fd() says which, resume() again once it is readable).
  bool resume();
  int waiting_fd() const { return waiting_fd_; }

 private:
  static void entry();
  static void wait(int fd);
  std::function<void()> body_;
  void* stack_ = nullptr;
  ucontext_t caller_{}, self_{};
  store::ThreadScopes scopes_{};
  int waiting_fd_ = -1;
  bool started_ = false, done_ = false;
  std::exception_ptr error_;
};

}  // namespace herd::http
