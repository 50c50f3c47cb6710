#include "grid/steps.hpp"

#include <exception>

#include "core/log.hpp"

namespace herd::grid {

void run_steps(const std::vector<Step>& steps, const StepObserver& observer) {
  auto notify = [&](const char* event, const std::string& step, const std::string& detail) {
    if (observer) observer(event, step, detail);
  };
  std::size_t done = 0;
  try {
    for (; done < steps.size(); ++done) {
      notify("run", steps[done].name, "");
      steps[done].run();
      notify("done", steps[done].name, "");
    }
  } catch (const std::exception& error) {
    log::warn("deploy step \"{}\" failed: {}; rolling back", steps[done].name, error.what());
    for (std::size_t i = done; i-- > 0;) {
      if (!steps[i].undo) continue;
      try {
        notify("undo", steps[i].name, "");
        steps[i].undo();
      } catch (const std::exception& undo_error) {
        log::warn("undo of \"{}\" failed: {}", steps[i].name, undo_error.what());
        notify("undo-failed", steps[i].name, undo_error.what());
      }
    }
    throw;
  }
}

}  // namespace herd::grid
