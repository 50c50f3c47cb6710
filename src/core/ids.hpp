// Mastodon-style snowflake IDs: (unix milliseconds << 16) | sequence. Time-sortable, 64-bit in the
// database, rendered as decimal strings in JSON.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd {

using Id = std::int64_t;

// A new ID, unique within this process and increasing; thread-safe. Its sequence bits start at a
// per-process tag (high 8 bits; core/id_tag.hpp) so that processes sharing a database never
// collide; 256 IDs per millisecond, then the next millisecond is borrowed.
Id next_id();
// The ID a record created at `unix_ms` would get with sequence 0 (for time-based cursors/seeding).
Id id_at(std::int64_t unix_ms, std::uint16_t sequence = 0);
// Milliseconds since the epoch encoded in an ID.
std::int64_t id_unix_ms(Id id);
// Parses a decimal ID; nullopt for anything but 1-19 digits that fit in int64.
std::optional<Id> parse_id(std::string_view text);

}  // namespace herd
