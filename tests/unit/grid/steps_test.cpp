#include "grid/steps.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace herd::grid {
namespace {

TEST(GridSteps, AFailingStepUndoesEveryEarlierStepInReverse) {
  std::vector<std::string> log;
  std::vector<Step> steps = {
      {"reserve", [&] { log.push_back("reserve"); }, [&] { log.push_back("free"); }},
      {"start", [&] { log.push_back("start"); }, [&] { log.push_back("stop"); }},
      {"health", [&] { throw std::runtime_error("node went down"); }, [&] { log.push_back("x"); }},
      {"route", [&] { log.push_back("route"); }, [&] { log.push_back("unroute"); }},
  };
  try {
    run_steps(steps);
    FAIL() << "expected a failure";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "node went down");
  }
  EXPECT_EQ(log, (std::vector<std::string>{"reserve", "start", "stop", "free"}));
}

TEST(GridSteps, AnUndoThatFailsDoesNotStopTheOthers) {
  std::vector<std::string> log;
  std::vector<std::string> events;
  std::vector<Step> steps = {
      {"reserve", [&] {}, [&] { log.push_back("free"); }},
      {"start", [&] {}, [&] { throw std::runtime_error("unreachable"); }},
      {"route", [&] { throw std::runtime_error("nginx -t failed"); }, {}},
  };
  EXPECT_THROW(run_steps(steps, [&](const std::string& e, const std::string& s,
                                    const std::string&) { events.push_back(e + ":" + s); }),
               std::runtime_error);
  EXPECT_EQ(log, (std::vector<std::string>{"free"}));
  EXPECT_EQ(events.back(), "undo:reserve");
  EXPECT_NE(std::find(events.begin(), events.end(), "undo-failed:start"), events.end());
}

TEST(GridSteps, AllStepsRunWhenNoneFails) {
  int count = 0;
  run_steps({{"a", [&] { ++count; }, {}}, {"b", [&] { ++count; }, {}}});
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace herd::grid
