// A deploy is a sequence of steps, each with an undo. run_steps() runs them in order; when one
// throws, the undo of every step already done runs in reverse order (an undo that throws is
// logged and the others still run) and the original error is rethrown. Nothing is left
// half-done unless an undo itself cannot complete (e.g. its node is unreachable).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace herd::grid {

struct Step {
  std::string name;
  std::function<void()> run;
  std::function<void()> undo;  // may be empty
};

// Called for each event: ("run"|"done"|"undo"|"undo-failed", step name, detail).
using StepObserver = std::function<void(const std::string& event, const std::string& step,
                                        const std::string& detail)>;

void run_steps(const std::vector<Step>& steps, const StepObserver& observer = {});

}  // namespace herd::grid
