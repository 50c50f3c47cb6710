// A progress bar for long `herd admin` jobs, drawn on stdout only when stdout is a terminal (a
// pipe or a file gets just the command's final report).
#pragma once
#include <cstddef>
#include <string>

namespace herd::admin {

class Progress {
 public:
  explicit Progress(std::string label);
  // Redraws when the shown state changes; ends the line once done == total.
  void update(std::size_t done, std::size_t total);

 private:
  std::string label_;
  bool terminal_;
  int drawn_ = -1;  // the per-mille last drawn
  bool finished_ = false;
};

}  // namespace herd::admin
