// Logging to stderr: one line per event, "LEVEL message". Thread-safe.
#pragma once
#include <fmt/format.h>

#include <string_view>

namespace herd::log {

void write(std::string_view level, std::string_view message);

template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  write("INFO", fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  write("WARN", fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  write("ERROR", fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace herd::log
