// Column lists written once (a SELECT's columns, read back by position).
#pragma once
#include <string_view>

namespace herd::store {

// The number of columns in a comma-separated list such as "id, username, domain": what a SELECT
// adds after them starts at that position. Counted from the list so that adding a column cannot
// leave a hand-written count behind.
constexpr int column_count(std::string_view columns) {
  int n = columns.empty() ? 0 : 1;
  for (char ch : columns) n += ch == ',';
  return n;
}

}  // namespace herd::store
