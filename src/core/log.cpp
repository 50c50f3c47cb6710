#include "core/log.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <mutex>

#include "core/time.hpp"

namespace herd::log {

namespace {

std::atomic<bool> json_lines{false};

void emit(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void use_json(bool json) {
  json_lines = json;
}

void write(std::string_view level, std::string_view message) {
  if (json_lines) {
    boost::json::object o{{"time", rfc3339(now_unix_ms())}, {"level", level}, {"message", message}};
    emit(boost::json::serialize(o) + "\n");
    return;
  }
  emit(rfc3339(now_unix_ms()) + " " + std::string(level) + " " + std::string(message) + "\n");
}

void request(std::string_view method, std::string_view path, int status, double duration_ms,
             std::string_view route) {
  if (json_lines) {
    boost::json::object o{{"time", rfc3339(now_unix_ms())},
                          {"level", "INFO"},
                          {"event", "request"},
                          {"method", method},
                          {"path", path},
                          {"status", status},
                          {"route", route}};
    std::string line = boost::json::serialize(o);
    line.pop_back();  // '}': the duration is written as a plain decimal, not in E notation
    emit(line + fmt::format(",\"duration_ms\":{:.3f}}}\n", duration_ms));
    return;
  }
  std::string safe_path(path);  // a decoded path may hold control characters: one line stays one
  for (char& ch : safe_path)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
  write("INFO", fmt::format("{} {} {} {:.1f}ms {}", method, safe_path, status, duration_ms, route));
}

}  // namespace herd::log
