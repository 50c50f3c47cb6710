// Editing the instance's rules (listing and adding are in store/accounts.hpp). Inside a caller's
// transaction.
#pragma once
#include <optional>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

std::optional<Rule> find_rule(Connection& c, Id id);
// Rewrites text and hint; false when there is no such rule.
bool update_rule(Connection& c, const Rule& rule);
// False when there was no such rule. Reports keep the id they cited.
bool delete_rule(Connection& c, Id id);

}  // namespace herd::store
