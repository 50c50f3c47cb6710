#include "store/custom_emojis.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, shortcode, domain, image_url, file_path, content_type, category, visible_in_picker, "
    "created_at, updated_at, static_path";

std::vector<CustomEmoji> rows_from(const Result& result) {
  std::vector<CustomEmoji> out;
  for (const Row& r : result.rows) {
    CustomEmoji e;
    e.id = r.i(0);
    e.shortcode = r.s(1);
    e.domain = r.s(2);
    e.image_url = r.s(3);
    e.file_path = r.s(4);
    e.content_type = r.s(5);
    e.category = r.s(6);
    e.visible_in_picker = r.b(7);
    e.created_at = r.i(8);
    e.updated_at = r.i(9);
    e.static_path = r.s(10);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::optional<CustomEmoji> find_custom_emoji(Connection& c, const std::string& shortcode,
                                             const std::string& domain) {
  auto rows = rows_from(c.query(
      std::string("SELECT ") + kColumns + " FROM custom_emojis WHERE shortcode = ? AND domain = ?",
      {Value(shortcode), Value(domain)}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<CustomEmoji> find_custom_emoji(Connection& c, Id id) {
  auto rows = rows_from(
      c.query(std::string("SELECT ") + kColumns + " FROM custom_emojis WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool set_custom_emoji_file(Connection& c, Id id, const std::string& image_url,
                           const std::string& file, const std::string& still, std::int64_t now) {
  return c.query(
              "UPDATE custom_emojis SET file_path = ?, static_path = ?, updated_at = ? "
              "WHERE id = ? AND domain <> '' AND image_url = ? AND file_path = ''",
              {Value(file), Value(still), Value(now), Value(id), Value(image_url)})
             .affected > 0;
}

bool set_custom_emoji_still(Connection& c, Id id, const std::string& file, const std::string& still,
                            std::int64_t now) {
  return c.query(
              "UPDATE custom_emojis SET static_path = ?, updated_at = ? "
              "WHERE id = ? AND file_path = ? AND static_path = ''",
              {Value(still), Value(now), Value(id), Value(file)})
             .affected > 0;
}

CustomEmoji upsert_custom_emoji(Connection& c, const CustomEmoji& emoji, bool touch) {
  CustomEmoji stored = emoji;
  if (auto existing = find_custom_emoji(c, emoji.shortcode, emoji.domain)) {
    stored.id = existing->id;
    stored.created_at = existing->created_at;
    if (!touch && existing->image_url == stored.image_url &&
        existing->file_path == stored.file_path && existing->static_path == stored.static_path &&
        existing->content_type == stored.content_type && existing->category == stored.category &&
        existing->visible_in_picker == stored.visible_in_picker)
      return *existing;  // unchanged: the fingerprint stays as it was
    c.query(
        "UPDATE custom_emojis SET image_url = ?, file_path = ?, static_path = ?, content_type = ?, "
        "category = ?, visible_in_picker = ?, updated_at = ? WHERE id = ?",
        {Value(stored.image_url), Value(stored.file_path), Value(stored.static_path),
         Value(stored.content_type), Value(stored.category),
         Value(std::int64_t{stored.visible_in_picker ? 1 : 0}), Value(stored.updated_at),
         Value(stored.id)});
    return stored;
  }
  c.query(
      std::string("INSERT INTO custom_emojis (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {Value(stored.id), Value(stored.shortcode), Value(stored.domain), Value(stored.image_url),
       Value(stored.file_path), Value(stored.content_type), Value(stored.category),
       Value(std::int64_t{stored.visible_in_picker ? 1 : 0}), Value(stored.created_at),
       Value(stored.updated_at), Value(stored.static_path)});
  return stored;
}

std::optional<CustomEmoji> delete_custom_emoji(Connection& c, const std::string& shortcode,
                                               const std::string& domain) {
  auto existing = find_custom_emoji(c, shortcode, domain);
  if (existing) c.query("DELETE FROM custom_emojis WHERE id = ?", {Value(existing->id)});
  return existing;
}

std::vector<CustomEmoji> custom_emojis_of(Connection& c, const std::string& domain) {
  return rows_from(c.query(std::string("SELECT ") + kColumns +
                               " FROM custom_emojis WHERE domain = ? ORDER BY category, shortcode",
                           {Value(domain)}));
}

std::vector<CustomEmoji> all_custom_emojis(Connection& c) {
  return rows_from(c.query(std::string("SELECT ") + kColumns + " FROM custom_emojis"));
}

std::string custom_emojis_fingerprint(Connection& c) {
  auto result = c.query("SELECT COUNT(*), MAX(updated_at), MAX(id) FROM custom_emojis");
  if (result.empty()) return "";
  const Row& r = result.front();
  return std::to_string(r.i(0)) + "/" + std::to_string(r.i(1)) + "/" + std::to_string(r.i(2));
}

}  // namespace herd::store
