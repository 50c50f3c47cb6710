#include "store/remote_media.hpp"

#include "store/invalidation.hpp"

namespace herd::store {

namespace {

Value text(std::string_view value) {
  return Value(std::string(value));
}

}  // namespace

bool set_account_image_file(Connection& c, Id account_id, bool header, std::string_view remote_url,
                            std::string_view file) {
  Changes::note_account_row(account_id);  // the actor cache (invalidation.hpp)
  std::string sql = header
                        ? "UPDATE accounts SET header_file = ? WHERE id = ? AND header_url = ? AND "
                          "header_file = ''"
                        : "UPDATE accounts SET avatar_file = ? WHERE id = ? AND avatar_url = ? AND "
                          "avatar_file = ''";
  return c.query(sql, {text(file), Value(account_id), text(remote_url)}).affected > 0;
}

std::vector<std::string> reject_domain_media(Connection& c, std::string_view domain) {
  std::vector<std::string> files;
  if (domain.empty()) return files;
  Changes::note_everything();  // its accounts' rows and media (as set_domain_severity)
  auto keep = [&](const Result& result) {
    for (const Row& row : result.rows)
      for (std::size_t i = 0; i < row.size(); ++i)
        if (!row.is_null(static_cast<int>(i)) && !row.s(static_cast<int>(i)).empty())
          files.push_back(row.s(static_cast<int>(i)));
  };
  keep(c.query("SELECT avatar_file, header_file FROM accounts WHERE domain = ?", {text(domain)}));
  c.query(
      "UPDATE accounts SET avatar_url = '', header_url = '', avatar_file = '', header_file = '' "
      "WHERE domain = ?",
      {text(domain)});
  const std::string remote_of_domain =
      " WHERE remote_url IS NOT NULL AND account_id IN (SELECT id FROM accounts WHERE domain = ?)";
  keep(c.query("SELECT file, small_file, thumbnail_file FROM media_attachments" + remote_of_domain,
               {text(domain)}));
  c.query(
      "UPDATE media_attachments SET type = 'unknown', file = '', small_file = NULL, "
      "thumbnail_file = NULL" +
          remote_of_domain,
      {text(domain)});
  keep(
      c.query("SELECT file_path, static_path FROM custom_emojis WHERE domain = ?", {text(domain)}));
  c.query("DELETE FROM custom_emojis WHERE domain = ?", {text(domain)});
  return files;
}

void insert_remote_media_failure(Connection& c, const RemoteMediaFailure& f) {
  // Ids are snowflakes, so the oldest go by primary key.
  std::int64_t horizon = f.created_at - kRemoteMediaFailureDays * 24LL * 60 * 60 * 1000;
  if (horizon > 0)
    c.query("DELETE FROM remote_media_failures WHERE id < ?", {Value(id_at(horizon))});
  c.query(
      "INSERT INTO remote_media_failures (id, url, domain, purpose, error, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {Value(f.id), text(f.url), text(f.domain), text(f.purpose), text(f.error),
       Value(f.created_at)});
}

bool has_remote_media_failure(Connection& c, std::string_view url) {
  return !c.query("SELECT 1 FROM remote_media_failures WHERE url = ? LIMIT 1", {text(url)}).empty();
}

std::vector<RemoteMediaFailure> list_remote_media_failures(Connection& c, int limit) {
  auto result = c.query(
      "SELECT id, url, domain, purpose, error, created_at FROM remote_media_failures "
      "ORDER BY id DESC LIMIT ?",
      {Value(std::int64_t{limit})});
  std::vector<RemoteMediaFailure> out;
  for (const Row& row : result.rows)
    out.push_back({row.i(0), row.s(1), row.s(2), row.s(3), row.s(4), row.i(5)});
  return out;
}

}  // namespace herd::store
