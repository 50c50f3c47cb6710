// Requests in fibers on PostgreSQL (HERD_PG_FIBERS): while one fiber waits for the database, its
// I/O thread goes on with other requests, which must never block that thread on something the
// waiting fiber holds (a pool connection, a lock). A deadlock here would hang the test, so each
// scenario runs on a thread of its own and the test process fails after 20 s without an answer.
// PostgreSQL only (HERD_TEST_POSTGRES_URL; scripts/test sets it).
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "../fiber_testing.hpp"
#include "../fresh_database.hpp"
#include "app.hpp"
#include "http/fiber.hpp"
#include "service/admin_blocks.hpp"
#include "store/database.hpp"
#include "store/socket_wait.hpp"

using namespace herd;
using herd::http::Fiber;

using herd::testing::Pipe;

namespace {

std::string fresh_postgres_url() {
  return herd::testing::fresh_database_url("postgres", "herd_fiber");
}

// Runs `scenario` on a thread of its own; a scenario still running after 20 s is a deadlock: the
// process reports it and exits (the stuck thread can be neither joined nor cancelled).
void finishes_or_exit(const std::function<void()>& scenario) {
  std::atomic<bool> done{false};
  std::thread runner([&] {
    scenario();
    done = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!done) {
    std::fprintf(stderr, "FAILED: the thread running the fibers is blocked (deadlock)\n");
    std::_Exit(1);
  }
  runner.join();
}

void wait_readable_polling(int fd) {
  pollfd one{fd, POLLIN, 0};
  ::poll(&one, 1, 5000);
}

}  // namespace

TEST(FiberDatabase, AFiberWaitsForAPoolConnectionWithoutBlockingItsThread) {
  SKIP_UNDER_ASAN();
  std::string url = fresh_postgres_url();
  if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
  auto db = store::open_database(url, 1);  // one connection: the second fiber must wait for it
  finishes_or_exit([&] {
    Pipe pipe;
    Fiber holder([&] { db->read([&](store::Connection&) { store::wait_readable(pipe.fds[0]); }); });
    std::string answer;
    Fiber waiter([&] {
      db->read(
          [&](store::Connection& c) { answer = c.query("SELECT 'answered'", {}).front().s(0); });
    });
    EXPECT_FALSE(holder.resume());  // holds the pool's only connection, waiting for the pipe
    EXPECT_FALSE(waiter.resume());  // suspended until the connection comes back: not blocked
    EXPECT_NE(waiter.waiting_fd(), pipe.fds[0]);
    ASSERT_EQ(write(pipe.fds[1], "x", 1), 1);
    EXPECT_TRUE(holder.resume());  // returns the connection, which wakes the waiter
    while (!waiter.resume()) wait_readable_polling(waiter.waiting_fd());
    EXPECT_EQ(answer, "answered");
  });
}

TEST(FiberDatabase, IpBlocksAreReadWithoutHoldingTheLockTheFastPathTakes) {
  SKIP_UNDER_ASAN();
  std::string url = fresh_postgres_url();
  if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
  App app;
  app.db = store::open_database(url, 4);
  store::migrate(*app.db);
  finishes_or_exit([&] {
    // A request in a fiber reads the IP blocks (at each of its waits for the database, the thread
    // answers another request's fast path, which asks without waiting: never blocked).
    std::optional<std::string> in_fiber;
    Fiber reader([&] { in_fiber = service::ip_block_severity(app, "192.0.2.1", true); });
    int fast_answers = 0;
    while (!reader.resume()) {
      service::ip_block_severity(app, "192.0.2.2", false);
      ++fast_answers;
      wait_readable_polling(reader.waiting_fd());
    }
    EXPECT_GT(fast_answers, 0);
    EXPECT_EQ(in_fiber, std::optional<std::string>(""));  // no block
    EXPECT_EQ(service::ip_block_severity(app, "192.0.2.2", false),
              std::optional<std::string>(""));  // read once, known to the fast path now
  });
}
