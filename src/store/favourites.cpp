// Favourites and bookmarks (declared in store/statuses.hpp): the viewer's flags and the pages
// that list them, and who favourited or reblogged a status.
#include <string>
#include <vector>

#include "store/invalidation.hpp"
#include "store/page.hpp"
#include "store/statuses.hpp"

namespace herd::store {

namespace {

std::vector<StatusEntry> page_status_entries(Connection& c, const char* table, Id account_id,
                                             const PageQuery& page) {
  Dependencies::note(tags::account_statuses(account_id));  // invalidation.hpp
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  std::vector<StatusEntry> out;
  for (const Row& r :
       c.query(std::string("SELECT id, status_id FROM ") + table + " WHERE " + where + tail, params)
           .rows)
    out.push_back(StatusEntry{r.i(0), r.i(1)});
  finish_page(page, out);
  return out;
}

}  // namespace

bool insert_favourite(Connection& c, Id id, Id account_id, Id status_id, std::int64_t now) {
  Changes::note(tags::flags_of(account_id));  // invalidation.hpp
  return c.query(
              "INSERT INTO favourites (id, account_id, status_id, created_at) VALUES (?,?,?,?) "
              "ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(status_id), Value(now)})
             .affected > 0;
}

bool delete_favourite(Connection& c, Id account_id, Id status_id) {
  Changes::note(tags::flags_of(account_id));  // invalidation.hpp
  return c.query("DELETE FROM favourites WHERE account_id = ? AND status_id = ?",
                 {Value(account_id), Value(status_id)})
             .affected > 0;
}

bool insert_bookmark(Connection& c, Id id, Id account_id, Id status_id, std::int64_t now) {
  Changes::note(tags::flags_of(account_id));  // invalidation.hpp
  return c.query(
              "INSERT INTO bookmarks (id, account_id, status_id, created_at) VALUES (?,?,?,?) "
              "ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(status_id), Value(now)})
             .affected > 0;
}

bool delete_bookmark(Connection& c, Id account_id, Id status_id) {
  Changes::note(tags::flags_of(account_id));  // invalidation.hpp
  return c.query("DELETE FROM bookmarks WHERE account_id = ? AND status_id = ?",
                 {Value(account_id), Value(status_id)})
             .affected > 0;
}

std::vector<Entry> page_favourited_by(Connection& c, Id status_id, const PageQuery& page) {
  std::vector<Value> params{Value(status_id)};
  std::string where = "status_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  std::vector<Entry> out;
  for (const Row& r :
       c.query("SELECT id, account_id FROM favourites WHERE " + where + tail, params).rows)
    out.push_back(Entry{r.i(0), r.i(1)});
  finish_page(page, out);
  return out;
}

std::vector<Entry> page_reblogged_by(Connection& c, Id status_id, const PageQuery& page) {
  std::vector<Value> params{Value(status_id)};
  std::string where = "reblog_of_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  std::vector<Entry> out;
  for (const Row& r :
       c.query("SELECT id, account_id FROM statuses WHERE " + where + tail, params).rows)
    out.push_back(Entry{r.i(0), r.i(1)});
  finish_page(page, out);
  return out;
}

std::vector<StatusEntry> page_favourites(Connection& c, Id account_id, const PageQuery& page) {
  return page_status_entries(c, "favourites", account_id, page);
}

std::vector<StatusEntry> page_bookmarks(Connection& c, Id account_id, const PageQuery& page) {
  return page_status_entries(c, "bookmarks", account_id, page);
}

}  // namespace herd::store
