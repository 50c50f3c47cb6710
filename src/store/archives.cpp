#include "store/archives.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, state, file_name, size, error, created_at, finished_at";

Archive archive_from_row(const Row& r) {
  return Archive{r.i(0), r.i(1), r.s(2), r.s(3), r.i(4), r.s(5), r.i(6), r.oi(7)};
}

}  // namespace

void insert_archive(Connection& c, const Archive& a) {
  c.query(std::string("INSERT INTO account_archives (") + kColumns +
              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {Value(a.id), Value(a.account_id), Value(a.state), Value(a.file_name), Value(a.size),
           Value(a.error), Value(a.created_at), opt(a.finished_at)});
}

std::optional<Archive> find_archive(Connection& c, Id id) {
  auto result = c.query(std::string("SELECT ") + kColumns + " FROM account_archives WHERE id = ?",
                        {Value(id)});
  if (result.empty()) return std::nullopt;
  return archive_from_row(result.front());
}

std::vector<Archive> archives_of(Connection& c, Id account_id, int limit) {
  std::vector<Archive> out;
  for (const Row& r : c.query(std::string("SELECT ") + kColumns +
                                  " FROM account_archives WHERE account_id = ? ORDER BY id DESC "
                                  "LIMIT ?",
                              {Value(account_id), Value(std::int64_t{limit})})
                          .rows)
    out.push_back(archive_from_row(r));
  return out;
}

void update_archive(Connection& c, const Archive& a) {
  c.query(
      "UPDATE account_archives SET state = ?, file_name = ?, size = ?, error = ?, finished_at = ? "
      "WHERE id = ?",
      {Value(a.state), Value(a.file_name), Value(a.size), Value(a.error), opt(a.finished_at),
       Value(a.id)});
}

}  // namespace herd::store
