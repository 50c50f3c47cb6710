#include <charconv>

#include "store/database.hpp"

namespace herd::store {

bool Row::is_null(int column) const {
  return std::holds_alternative<std::monostate>(cells_.at(column));
}

std::optional<std::int64_t> Row::oi(int column) const {
  const Value& cell = cells_.at(column);
  if (auto* v = std::get_if<std::int64_t>(&cell)) return *v;
  if (auto* v = std::get_if<double>(&cell)) return static_cast<std::int64_t>(*v);
  if (auto* v = std::get_if<std::string>(&cell)) {
    if (*v == "t") return 1;  // PostgreSQL boolean text
    if (*v == "f") return 0;
    std::int64_t out = 0;
    std::from_chars(v->data(), v->data() + v->size(), out);
    return out;
  }
  return std::nullopt;
}

std::int64_t Row::i(int column) const { return oi(column).value_or(0); }

double Row::d(int column) const {
  const Value& cell = cells_.at(column);
  if (auto* v = std::get_if<double>(&cell)) return *v;
  if (auto* v = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*v);
  if (auto* v = std::get_if<std::string>(&cell)) return std::strtod(v->c_str(), nullptr);
  return 0;
}

std::optional<std::string> Row::os(int column) const {
  const Value& cell = cells_.at(column);
  if (auto* v = std::get_if<std::string>(&cell)) return *v;
  if (auto* v = std::get_if<std::int64_t>(&cell)) return std::to_string(*v);
  if (auto* v = std::get_if<double>(&cell)) return std::to_string(*v);
  return std::nullopt;
}

std::string Row::s(int column) const { return os(column).value_or(""); }

}  // namespace herd::store
