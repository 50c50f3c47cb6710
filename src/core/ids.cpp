#include "core/ids.hpp"

#include <atomic>
#include <charconv>
#include <chrono>

namespace herd {

namespace {
std::atomic<Id> last_id{0};
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Id id_at(std::int64_t unix_ms, std::uint16_t sequence) {
  return (static_cast<Id>(unix_ms) << 16) | sequence;
}

std::int64_t id_unix_ms(Id id) { return id >> 16; }

Id next_id() {
  Id candidate = id_at(now_ms());
  Id previous = last_id.load(std::memory_order_relaxed);
  for (;;) {
    Id next = candidate > previous ? candidate : previous + 1;
    if (last_id.compare_exchange_weak(previous, next, std::memory_order_relaxed)) return next;
  }
}

std::optional<Id> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  Id value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace herd
