#include "admin/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace herd::admin {

Progress::Progress(std::string label) : label_(std::move(label)), terminal_(::isatty(1) == 1) {}

void Progress::update(std::size_t done, std::size_t total) {
  if (!terminal_ || finished_) return;
  int per_mille = total ? static_cast<int>(1000 * done / total) : 1000;
  if (per_mille == drawn_ && done < total) return;
  drawn_ = per_mille;
  constexpr int kWidth = 40;
  int filled = per_mille * kWidth / 1000;
  std::printf("\r%-10s [%s%s] %zu/%zu", label_.c_str(), std::string(filled, '#').c_str(),
              std::string(kWidth - filled, '.').c_str(), done, total);
  if (done >= total) {
    std::printf("\n");
    finished_ = true;
  }
  std::fflush(stdout);
}

}  // namespace herd::admin
