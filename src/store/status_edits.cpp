#include "store/status_edits.hpp"

#include <boost/json.hpp>

#include "store/invalidation.hpp"
#include "store/statuses.hpp"

namespace herd::store {

namespace json = boost::json;

namespace {

constexpr const char* kColumns =
    "id, status_id, account_id, text, content, spoiler_text, sensitive, media_ids, poll_options, "
    "created_at";

std::string ids_json(const std::vector<Id>& ids) {
  json::array a;
  for (Id id : ids) a.emplace_back(std::to_string(id));
  return json::serialize(a);
}

std::vector<Id> ids_from_json(const std::string& text) {
  std::vector<Id> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    if (item.is_string()) {
      try {
        out.push_back(std::stoll(std::string(item.get_string())));
      } catch (const std::exception&) {
      }
    } else if (item.is_int64()) {
      out.push_back(item.get_int64());
    }
  }
  return out;
}

std::optional<std::vector<std::string>> options_from_json(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : v.get_array())
    if (item.is_string()) out.emplace_back(item.get_string());
  return out;
}

Value options_json(const std::optional<std::vector<std::string>>& options) {
  if (!options) return null_value();
  json::array a;
  for (const auto& title : *options) a.emplace_back(title);
  return Value(json::serialize(a));
}

}  // namespace

void insert_status_edit(Connection& c, const StatusEdit& e) {
  c.query(std::string("INSERT INTO status_edits (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?)",
          {Value(e.id), Value(e.status_id), Value(e.account_id), Value(e.text), Value(e.content),
           Value(e.spoiler_text), Value(std::int64_t{e.sensitive ? 1 : 0}),
           Value(ids_json(e.media_ids)), options_json(e.poll_options), Value(e.created_at)});
}

std::vector<StatusEdit> status_edits(Connection& c, Id status_id) {
  auto result = c.query(std::string("SELECT ") + kColumns +
                            " FROM status_edits WHERE status_id = ? ORDER BY created_at, id",
                        {Value(status_id)});
  std::vector<StatusEdit> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) {
    StatusEdit e;
    int i = 0;
    e.id = r.i(i++);
    e.status_id = r.i(i++);
    e.account_id = r.i(i++);
    e.text = r.s(i++);
    e.content = r.s(i++);
    e.spoiler_text = r.s(i++);
    e.sensitive = r.b(i++);
    e.media_ids = ids_from_json(r.s(i++));
    e.poll_options = options_from_json(r.os(i++));
    e.created_at = r.i(i++);
    out.push_back(std::move(e));
  }
  return out;
}

bool has_status_edits(Connection& c, Id status_id) {
  return !c.query("SELECT 1 FROM status_edits WHERE status_id = ? LIMIT 1", {Value(status_id)})
              .empty();
}

void update_status_text(Connection& c, const Status& s) {
  Changes::note(tags::status(s.id));  // invalidation.hpp
  c.query(
      "UPDATE statuses SET text = ?, content = ?, spoiler_text = ?, sensitive = ?, language = ?, "
      "has_media = ?, edited_at = ? WHERE id = ?",
      {Value(s.text), Value(s.content), Value(s.spoiler_text),
       Value(std::int64_t{s.sensitive ? 1 : 0}), opt(s.language),
       Value(std::int64_t{s.has_media ? 1 : 0}), opt(s.edited_at), Value(s.id)});
}

void replace_mentions(Connection& c, Id status_id, const std::vector<Id>& account_ids) {
  c.query("DELETE FROM mentions WHERE status_id = ?", {Value(status_id)});
  insert_mentions(c, status_id, account_ids);
}

void replace_tags(Connection& c, Id status_id, const std::vector<Id>& tag_ids) {
  c.query("DELETE FROM statuses_tags WHERE status_id = ?", {Value(status_id)});
  link_tags(c, status_id, tag_ids);
}

bool set_status_media(Connection& c, Id account_id, Id status_id, const std::vector<Id>& ids) {
  if (!ids.empty()) {
    std::vector<Value> params{Value(status_id)};
    params.insert(params.end(), ids.begin(), ids.end());
    c.query("UPDATE media_attachments SET status_id = NULL WHERE status_id = ? AND id NOT IN (" +
                placeholders(ids.size()) + ")",
            params);
  } else {
    c.query("UPDATE media_attachments SET status_id = NULL WHERE status_id = ?",
            {Value(status_id)});
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto changed = c.query(
                        "UPDATE media_attachments SET status_id = ?, position = ? WHERE id = ? AND "
                        "account_id = ? AND (status_id IS NULL OR status_id = ?)",
                        {Value(status_id), Value(static_cast<std::int64_t>(i)), Value(ids[i]),
                         Value(account_id), Value(status_id)})
                       .affected;
    if (changed != 1) return false;
  }
  return true;
}

}  // namespace herd::store
