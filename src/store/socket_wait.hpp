// How a thread waits for a database socket (PostgreSQL's) to become readable. By default it
// blocks in poll(); a thread can install its own waiter for a while: a server I/O thread that runs
// a request in a fiber (http/fiber.hpp) suspends the fiber there and goes on with its event loop.
#pragma once

namespace herd::store {

// Returns once fd is readable (or in error). Throws nothing; the caller reads to find out.
using ReadableWaiter = void (*)(int fd);

// This thread's waiter (nullptr: poll()); returns the one there was.
ReadableWaiter set_readable_waiter(ReadableWaiter waiter);
void wait_readable(int fd);
// True while a waiter is installed (code running in a fiber): blocking this thread otherwise (on a
// lock another request of the same thread holds, a single flight it leads) would stall them both.
bool waiting_suspends();

// What a fiber waits on for another thread's (or fiber's) signal instead of a condition variable,
// which would block its I/O thread: an eventfd, waited for through wait_readable (the fiber is
// suspended, its thread goes on), signalled by signal(fd()) from anywhere. Its fd is listed where
// the signalling side finds it (the PostgreSQL pool's waiters, a response's single flight).
class Wakeup {
 public:
  Wakeup();  // throws std::runtime_error when no eventfd can be made
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;
  int fd() const { return fd_; }
  // Returns once signalled (at least once since the last wait), and takes the signal.
  void wait();
  static void signal(int fd);

 private:
  int fd_;
};

// The scopes open on this thread (store/invalidation.hpp: Changes, Dependencies) as one value: a
// thread that interleaves several requests' code (fibers) swaps them with each request.
struct ThreadScopes {
  void* changes = nullptr;
  int declaring = 0;
  void* dependencies = nullptr;
};
// Installs `scopes` on this thread and returns those there were.
ThreadScopes exchange_thread_scopes(ThreadScopes scopes);

}  // namespace herd::store
