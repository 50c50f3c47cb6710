#include "core/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstring>

namespace herd {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
std::tm to_tm(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}
}  // namespace

std::string rfc3339(std::int64_t unix_ms) {
  std::tm tm = to_tm(unix_ms);
  int millis = static_cast<int>(((unix_ms % 1000) + 1000) % 1000);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

std::string rfc3339_date(std::int64_t unix_ms) { return rfc3339(unix_ms).substr(0, 10); }

std::string http_date(std::int64_t unix_ms) {
  std::tm tm = to_tm(unix_ms);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  std::int64_t millis = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int sign = *rest == '-' ? -1 : 1;
    int hours = 0, minutes = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
    offset_seconds = sign * (hours * 3600 + minutes * 60);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest != '\0') return std::nullopt;
  return (static_cast<std::int64_t>(timegm(&tm)) - offset_seconds) * 1000 + millis;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!rest || *rest != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

}  // namespace herd
