#include "service/job_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace herd::service {
namespace {

using namespace std::chrono_literals;

// Polls `done` until it holds or 10 s pass (no timing is asserted: only that it happens).
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(JobRunnerTest, CallsEveryTaskAgainAndAgainOnOneWorkerWhenTheyAreQuick) {
  JobRunner runner(JobRunner::Options{.spawn_after = 2000ms, .idle_exit = 10'000ms});
  std::atomic<int> a{0}, b{0}, c{0};
  runner.every("a", 5ms, [&] { ++a; });
  runner.every("b", 5ms, [&] { ++b; });
  runner.every("c", 5ms, [&] { ++c; });
  ASSERT_TRUE(eventually([&] { return a >= 5 && b >= 5 && c >= 5; }));
  EXPECT_EQ(runner.threads(), 2);  // the scheduler and one worker
}

TEST(JobRunnerTest, ATaskThatThrowsIsCalledAgainAndOthersGoOn) {
  JobRunner runner;
  std::atomic<int> failing{0}, other{0};
  runner.every("failing", 5ms, [&] {
    ++failing;
    throw std::runtime_error("broken on purpose");
  });
  runner.every("other", 5ms, [&] { ++other; });
  EXPECT_TRUE(eventually([&] { return failing >= 3 && other >= 3; }));
}

TEST(JobRunnerTest, ASlowTaskGetsOthersAWorkerOfTheirOwnAndNeverRunsTwiceAtOnce) {
  JobRunner runner(JobRunner::Options{.spawn_after = 20ms, .idle_exit = 10'000ms});
  std::atomic<bool> release{false};
  std::atomic<int> slow_running{0}, slow_overlap{0}, slow_calls{0}, quick{0};
  runner.every("slow", 1ms, [&] {
    if (++slow_running > 1) ++slow_overlap;
    ++slow_calls;
    while (!release) std::this_thread::sleep_for(1ms);
    --slow_running;
  });
  runner.every("quick", 1ms, [&] { ++quick; });
  // "quick" goes on while "slow" blocks its worker.
  ASSERT_TRUE(eventually([&] { return slow_calls == 1 && quick >= 20; }));
  EXPECT_EQ(slow_calls, 1);
  release = true;
  ASSERT_TRUE(eventually([&] { return slow_calls >= 5; }));
  EXPECT_EQ(slow_overlap, 0);
}

TEST(JobRunnerTest, WorkersBeyondTheFirstEndWhenIdle) {
  JobRunner runner(JobRunner::Options{.spawn_after = 5ms, .idle_exit = 200ms});
  std::atomic<bool> release{false};
  std::atomic<int> quick{0};
  runner.every("blocker", 10ms, [&] {
    while (!release) std::this_thread::sleep_for(1ms);
  });
  runner.every("quick", 10ms, [&] { ++quick; });
  ASSERT_TRUE(eventually([&] { return quick >= 3; }));
  EXPECT_EQ(runner.threads(), 3);  // the scheduler, the blocked worker and another
  release = true;
  // Both tasks are quick now: one worker takes them in turn, the other ends.
  EXPECT_TRUE(eventually([&] { return runner.threads() == 2; }));
  int before = quick;
  EXPECT_TRUE(eventually([&] { return quick > before + 3; }));
}

TEST(JobRunnerTest, AOnceTaskRunsOnceWhileOthersGoOn) {
  JobRunner runner;
  std::atomic<int> once{0}, other{0};
  runner.once("once", 20ms, [&] { ++once; });
  runner.every("other", 5ms, [&] { ++other; });
  ASSERT_TRUE(eventually([&] { return once == 1 && other >= 10; }));
  int seen = other;
  ASSERT_TRUE(eventually([&] { return other >= seen + 10; }));
  EXPECT_EQ(once, 1);
}

TEST(JobRunnerTest, StopsWhileATaskRuns) {
  std::atomic<int> calls{0};
  {
    JobRunner runner;
    runner.every("sleepy", 1ms, [&] {
      ++calls;
      std::this_thread::sleep_for(30ms);
    });
    ASSERT_TRUE(eventually([&] { return calls >= 1; }));
  }  // the destructor waits for the call and joins
  int after = calls;
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls, after);
}

}  // namespace
}  // namespace herd::service
