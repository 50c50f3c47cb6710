#include "store/media.hpp"

#include <algorithm>

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, status_id, type, file, thumbnail_file, content_type, file_size, width, "
    "height, description, focus_x, focus_y, blurhash, remote_url, position, created_at, "
    "small_file, meta, processing";

std::optional<double> optional_double(const Row& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return r.d(column);
}

MediaAttachment media_from_row(const Row& r) {
  MediaAttachment m;
  int i = 0;
  m.id = r.i(i++);
  m.account_id = r.i(i++);
  m.status_id = r.oi(i++);
  m.type = r.s(i++);
  m.file = r.s(i++);
  m.thumbnail_file = r.os(i++);
  m.content_type = r.s(i++);
  m.file_size = r.i(i++);
  m.width = r.oi(i++);
  m.height = r.oi(i++);
  m.description = r.os(i++);
  m.focus_x = optional_double(r, i++);
  m.focus_y = optional_double(r, i++);
  m.blurhash = r.os(i++);
  m.remote_url = r.os(i++);
  m.position = static_cast<int>(r.i(i++));
  m.created_at = r.i(i++);
  m.small_file = r.os(i++);
  m.meta = r.os(i++);
  m.processing = static_cast<MediaProcessing>(r.i(i++));
  return m;
}

std::vector<MediaAttachment> media_from_result(const Result& result) {
  std::vector<MediaAttachment> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(media_from_row(r));
  return out;
}

}  // namespace

void insert_media(Connection& c, const MediaAttachment& m) {
  c.query(std::string("INSERT INTO media_attachments (") + kColumns +
              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          {Value(m.id),           Value(m.account_id),
           opt(m.status_id),      Value(m.type),
           Value(m.file),         opt(m.thumbnail_file),
           Value(m.content_type), Value(m.file_size),
           opt(m.width),          opt(m.height),
           opt(m.description),    opt(m.focus_x),
           opt(m.focus_y),        opt(m.blurhash),
           opt(m.remote_url),     Value(std::int64_t{m.position}),
           Value(m.created_at),   opt(m.small_file),
           opt(m.meta),           Value(static_cast<std::int64_t>(m.processing))});
}

std::optional<MediaAttachment> find_media(Connection& c, Id id) {
  auto r = c.query(std::string("SELECT ") + kColumns + " FROM media_attachments WHERE id = ?",
                   {Value(id)});
  if (r.empty()) return std::nullopt;
  return media_from_row(r.front());
}

std::vector<MediaAttachment> find_media_by_ids(Connection& c, const std::vector<Id>& ids) {
  if (ids.empty()) return {};
  std::vector<Value> params(ids.begin(), ids.end());
  return media_from_result(c.query(std::string("SELECT ") + kColumns +
                                       " FROM media_attachments WHERE id IN (" +
                                       placeholders(ids.size()) + ")",
                                   params));
}

void update_media_metadata(Connection& c, const MediaAttachment& m) {
  c.query(
      "UPDATE media_attachments SET description = ?, focus_x = ?, focus_y = ?, thumbnail_file = ? "
      "WHERE id = ?",
      {opt(m.description), opt(m.focus_x), opt(m.focus_y), opt(m.thumbnail_file), Value(m.id)});
}

void update_media_processed(Connection& c, const MediaAttachment& m) {
  c.query(
      "UPDATE media_attachments SET type = ?, file = ?, small_file = ?, content_type = ?, "
      "file_size = ?, width = ?, height = ?, blurhash = ?, meta = ?, processing = ? WHERE id = ?",
      {Value(m.type), Value(m.file), opt(m.small_file), Value(m.content_type), Value(m.file_size),
       opt(m.width), opt(m.height), opt(m.blurhash), opt(m.meta),
       Value(static_cast<std::int64_t>(m.processing)), Value(m.id)});
}

void delete_media(Connection& c, Id id) {
  c.query("DELETE FROM media_attachments WHERE id = ?", {Value(id)});
}

std::int64_t attach_media(Connection& c, Id account_id, Id status_id, const std::vector<Id>& ids) {
  std::int64_t attached = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    attached += c.query(
                     "UPDATE media_attachments SET status_id = ?, position = ? "
                     "WHERE id = ? AND account_id = ? AND status_id IS NULL",
                     {Value(status_id), Value(static_cast<std::int64_t>(i)), Value(ids[i]),
                      Value(account_id)})
                    .affected;
  }
  return attached;
}

std::unordered_map<Id, std::vector<MediaAttachment>> load_status_media(
    Connection& c, const std::vector<Id>& status_ids) {
  std::unordered_map<Id, std::vector<MediaAttachment>> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params(status_ids.begin(), status_ids.end());
  auto rows = media_from_result(
      c.query(std::string("SELECT ") + kColumns + " FROM media_attachments WHERE status_id IN (" +
                  placeholders(status_ids.size()) + ") ORDER BY status_id, position, id",
              params));
  for (auto& m : rows) out[*m.status_id].push_back(std::move(m));
  return out;
}

std::vector<MediaAttachment> delete_status_media(Connection& c, Id status_id) {
  auto rows = media_from_result(
      c.query(std::string("SELECT ") + kColumns + " FROM media_attachments WHERE status_id = ?",
              {Value(status_id)}));
  if (!rows.empty())
    c.query("DELETE FROM media_attachments WHERE status_id = ?", {Value(status_id)});
  return rows;
}

std::vector<MediaAttachment> delete_unattached_media(Connection& c, Id account_id) {
  auto rows = media_from_result(c.query(std::string("SELECT ") + kColumns +
                                            " FROM media_attachments WHERE account_id = ? AND "
                                            "status_id IS NULL",
                                        {Value(account_id)}));
  if (!rows.empty())
    c.query("DELETE FROM media_attachments WHERE account_id = ? AND status_id IS NULL",
            {Value(account_id)});
  return rows;
}

}  // namespace herd::store
