// ID tags handed out by the database: each process that opens it (herd serve, herd admin) takes
// the next of 256 tags round-robin, so that up to 256 processes on one database mint IDs from
// distinct ranges (core/id_tag.hpp) instead of random ones that collide for 1 pair in 256.
#pragma once

#include <cstdint>

#include "store/database.hpp"

namespace herd::store {

// Takes the next tag from the database (migrated), sets it for this process and returns it.
std::uint8_t claim_id_tag(Database& database);

}  // namespace herd::store
