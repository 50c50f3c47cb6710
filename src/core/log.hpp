// Logging to stderr: one line per event, as text or as JSON objects. Thread-safe.
#pragma once
#include <fmt/format.h>

#include <string_view>

namespace herd::log {

void write(std::string_view level, std::string_view message);

// Text (default): "TIME LEVEL message". JSON: {"time", "level", "message"} per line.
void use_json(bool json);

// One answered request, at INFO: "METHOD path status duration_ms route" or, as JSON, an object with
// event "request" and those fields. route: the router's pattern.
void request(std::string_view method, std::string_view path, int status, double duration_ms,
             std::string_view route);

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
