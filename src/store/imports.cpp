#include "store/imports.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, type, mode, state, file_name, data, total_items, processed_items, "
    "imported_items, failures, created_at, finished_at";

Import import_from_row(const Row& r) {
  Import i;
  i.id = r.i(0);
  i.account_id = r.i(1);
  i.type = r.s(2);
  i.mode = r.s(3);
  i.state = r.s(4);
  i.file_name = r.s(5);
  i.data = r.s(6);
  i.total_items = r.i(7);
  i.processed_items = r.i(8);
  i.imported_items = r.i(9);
  i.failures = r.s(10);
  i.created_at = r.i(11);
  i.finished_at = r.oi(12);
  return i;
}

}  // namespace

void insert_import(Connection& c, const Import& i) {
  c.query(std::string("INSERT INTO imports (") + kColumns +
              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Value(i.id), Value(i.account_id), Value(i.type), Value(i.mode), Value(i.state),
           Value(i.file_name), Value(i.data), Value(i.total_items), Value(i.processed_items),
           Value(i.imported_items), Value(i.failures), Value(i.created_at), opt(i.finished_at)});
}

std::optional<Import> find_import(Connection& c, Id id) {
  auto result =
      c.query(std::string("SELECT ") + kColumns + " FROM imports WHERE id = ?", {Value(id)});
  if (result.empty()) return std::nullopt;
  return import_from_row(result.front());
}

std::vector<Import> imports_of(Connection& c, Id account_id, int limit) {
  std::vector<Import> out;
  for (const Row& r :
       c.query("SELECT id, account_id, type, mode, state, file_name, '', total_items, "
               "processed_items, imported_items, failures, created_at, finished_at FROM imports "
               "WHERE account_id = ? ORDER BY id DESC LIMIT ?",
               {Value(account_id), Value(std::int64_t{limit})})
           .rows)
    out.push_back(import_from_row(r));
  return out;
}

void update_import_progress(Connection& c, const Import& i) {
  c.query(
      "UPDATE imports SET state = ?, processed_items = ?, imported_items = ?, failures = ?, "
      "finished_at = ? WHERE id = ?",
      {Value(i.state), Value(i.processed_items), Value(i.imported_items), Value(i.failures),
       opt(i.finished_at), Value(i.id)});
}

}  // namespace herd::store
