#include "store/id_tags.hpp"

#include "core/id_tag.hpp"

namespace herd::store {

std::uint8_t claim_id_tag(Database& database) {
  std::int64_t counter = 0;
  database.write_unversioned([&](Connection& c) {
    counter =
        c.query("UPDATE id_tags SET last_tag = last_tag + 1 WHERE id = 1 RETURNING last_tag", {})
            .rows.at(0)
            .i(0);
  });
  auto tag = static_cast<std::uint8_t>(counter & 0xff);
  set_id_process_tag(tag);
  return tag;
}

}  // namespace herd::store
