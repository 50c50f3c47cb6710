#include "store/rules.hpp"

namespace herd::store {

std::optional<Rule> find_rule(Connection& c, Id id) {
  auto result =
      c.query("SELECT id, position, text, hint FROM instance_rules WHERE id = ?", {Value(id)});
  if (result.rows.empty()) return std::nullopt;
  const Row& r = result.rows.front();
  return Rule{r.i(0), static_cast<int>(r.i(1)), r.s(2), r.s(3)};
}

bool update_rule(Connection& c, const Rule& rule) {
  return c.query("UPDATE instance_rules SET text = ?, hint = ? WHERE id = ?",
                 {Value(rule.text), Value(rule.hint), Value(rule.id)})
             .affected > 0;
}

bool delete_rule(Connection& c, Id id) {
  return c.query("DELETE FROM instance_rules WHERE id = ?", {Value(id)}).affected > 0;
}

}  // namespace herd::store
