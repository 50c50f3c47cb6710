#include "core/log.hpp"

#include <cstdio>
#include <mutex>

#include "core/time.hpp"

namespace herd::log {

void write(std::string_view level, std::string_view message) {
  static std::mutex mutex;
  std::string line = rfc3339(now_unix_ms()) + " " + std::string(level) + " " + std::string(message) + "\n";
  std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace herd::log
