// The per-process tag in the sequence bits of next_id() (core/ids.hpp). A process that shares
// its database with others claims a tag from the database at startup (store/id_tags.hpp), so
// that no two of them mint IDs from the same range.
#pragma once

#include <cstdint>

namespace herd {

// Sets this process's tag; IDs minted afterwards carry it in the high 8 sequence bits.
void set_id_process_tag(std::uint8_t tag);
// This process's tag: the one set, or a random one drawn at the first ID until then.
std::uint8_t id_process_tag();

}  // namespace herd
