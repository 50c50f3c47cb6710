#include "http/fiber.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "../fiber_testing.hpp"
#include "store/invalidation.hpp"
#include "store/socket_wait.hpp"

using herd::http::Fiber;
namespace store = herd::store;

using herd::testing::Pipe;

namespace {}  // namespace

TEST(Fiber, WaitsForItsSocketAndGivesTheThreadBack) {
  SKIP_UNDER_ASAN();
  Pipe pipe;
  std::string steps;
  Fiber fiber([&] {
    steps += "a";
    store::wait_readable(pipe.fds[0]);  // suspends: resume() returns false
    char c = 0;
    EXPECT_EQ(read(pipe.fds[0], &c, 1), 1);
    steps += c;
  });
  EXPECT_FALSE(fiber.resume());
  EXPECT_EQ(fiber.waiting_fd(), pipe.fds[0]);
  EXPECT_EQ(steps, "a");
  steps += "-";  // the thread goes on meanwhile
  ASSERT_EQ(write(pipe.fds[1], "b", 1), 1);
  EXPECT_TRUE(fiber.resume());
  EXPECT_EQ(steps, "a-b");
  EXPECT_TRUE(fiber.resume());  // done stays done
}

TEST(Fiber, OutsideAFiberWaitingPolls) {
  SKIP_UNDER_ASAN();
  Pipe pipe;
  ASSERT_EQ(write(pipe.fds[1], "x", 1), 1);
  store::wait_readable(pipe.fds[0]);  // readable already: returns at once
  SUCCEED();
}

TEST(Fiber, KeepsItsRequestScopesApartFromTheThreads) {
  SKIP_UNDER_ASAN();
  Pipe first_pipe, second_pipe;
  std::vector<store::CacheTag> first_tags, second_tags, outside_tags;
  auto body = [](int fd, store::CacheTag tag, std::vector<store::CacheTag>& into) {
    return [fd, tag, &into] {
      store::Dependencies loaded;
      store::Dependencies::note(tag);
      store::wait_readable(fd);
      store::Dependencies::note(tag + 1);
      into = loaded.tags();
    };
  };
  Fiber first(body(first_pipe.fds[0], 10, first_tags));
  Fiber second(body(second_pipe.fds[0], 20, second_tags));
  store::Dependencies outside;
  EXPECT_FALSE(first.resume());
  EXPECT_FALSE(second.resume());  // interleaved on one thread
  store::Dependencies::note(5);
  ASSERT_EQ(write(first_pipe.fds[1], "x", 1), 1);
  ASSERT_EQ(write(second_pipe.fds[1], "x", 1), 1);
  EXPECT_TRUE(second.resume());
  EXPECT_TRUE(first.resume());
  EXPECT_EQ(first_tags, (std::vector<store::CacheTag>{10, 11}));
  EXPECT_EQ(second_tags, (std::vector<store::CacheTag>{20, 21}));
  EXPECT_EQ(outside.tags(), (std::vector<store::CacheTag>{5}));
}

TEST(Fiber, RethrowsTheBodysException) {
  SKIP_UNDER_ASAN();
  Fiber fiber([] { throw std::runtime_error("no"); });
  EXPECT_THROW(fiber.resume(), std::runtime_error);
}
