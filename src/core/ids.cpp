#include "core/ids.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <random>

#include "core/id_tag.hpp"

namespace herd {

namespace {
std::atomic<Id> last_id{0};
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
// This process's tag: the high 8 of the 16 sequence bits, so that processes writing to one
// database in the same millisecond draw from different ranges. Claimed from the database at
// startup (store/id_tags.hpp); random until then (or in a process without a database).
std::atomic<int> tag_value{-1};
Id process_tag() {
  int tag = tag_value.load(std::memory_order_relaxed);
  if (tag < 0) {
    int random = static_cast<int>(std::random_device{}() & 0xff);
    tag_value.compare_exchange_strong(tag, random, std::memory_order_relaxed);
    tag = tag_value.load(std::memory_order_relaxed);
  }
  return static_cast<Id>(tag) << 8;
}
}  // namespace

void set_id_process_tag(std::uint8_t tag) {
  tag_value.store(tag, std::memory_order_relaxed);
}

std::uint8_t id_process_tag() {
  return static_cast<std::uint8_t>(process_tag() >> 8);
}

Id id_at(std::int64_t unix_ms, std::uint16_t sequence) {
  return (static_cast<Id>(unix_ms) << 16) | sequence;
}

std::int64_t id_unix_ms(Id id) {
  return id >> 16;
}

Id next_id() {
  Id tag = process_tag();
  Id previous = last_id.load(std::memory_order_relaxed);
  for (;;) {
    Id candidate = id_at(now_ms()) | tag;
    Id next;
    if (candidate > previous)
      next = candidate;
    else if ((previous & 0xff) < 0xff)
      next = previous + 1;  // same millisecond: the next of this process's 256
    else
      next = id_at(id_unix_ms(previous) + 1) | tag;  // 256 used: borrow the next millisecond
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
