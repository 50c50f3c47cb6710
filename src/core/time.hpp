// Time helpers: RFC 3339 with milliseconds in UTC ("2024-01-02T03:04:05.678Z").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd {

std::int64_t now_unix_ms();
std::string rfc3339(std::int64_t unix_ms);           // 2024-01-02T03:04:05.678Z
std::string rfc3339_date(std::int64_t unix_ms);      // 2024-01-02
std::string http_date(std::int64_t unix_ms);         // Tue, 02 Jan 2024 03:04:05 GMT
std::optional<std::int64_t> parse_rfc3339(std::string_view text);  // unix ms
std::optional<std::int64_t> parse_http_date(std::string_view text);  // unix ms

}  // namespace herd
