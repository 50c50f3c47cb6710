#include "service/media.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/sniff.hpp"
#include "media/storage.hpp"

namespace herd::service {

namespace {

std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// A preview image for an attachment: any supported image.
media::Format thumbnail_format(std::string_view bytes) {
  auto format = media::sniff(bytes);
  if (!format || format->type != "image")
    fail(ErrorKind::validation, "Validation failed: Thumbnail content type is invalid");
  if (bytes.size() > static_cast<std::size_t>(limits::image_size_limit))
    fail(ErrorKind::validation, "Validation failed: Thumbnail file size must be less than 16 MB");
  return *format;
}

// A database that ran out of space says so in its own words.
bool disk_full(const std::exception& error) {
  std::string_view message = error.what();
  return message.find("disk is full") != std::string_view::npos ||
         message.find("No space left") != std::string_view::npos ||
         message.find("could not extend file") != std::string_view::npos;
}

void set_focus(store::MediaAttachment& media, const std::optional<std::string>& focus) {
  if (!focus || focus->empty()) return;
  auto [x, y] = parse_focus(*focus);
  media.focus_x = x;
  media.focus_y = y;
}

store::MediaAttachment own_media(store::Connection& c, Id account_id, Id media_id) {
  auto media = store::find_media(c, media_id);
  if (!media || media->account_id != account_id) not_found();
  return *media;
}

}  // namespace

std::optional<std::string> checked_description(const std::optional<std::string>& description) {
  if (!description) return std::nullopt;
  if (count_code_points(*description) > static_cast<std::size_t>(limits::description_limit))
    fail(ErrorKind::validation, "Validation failed: Description is too long (maximum is " +
                                    std::to_string(limits::description_limit) + " characters)");
  return description;
}

std::pair<double, double> parse_focus(std::string_view text) {
  auto number = [](std::string_view part) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (!part.empty() && part.front() == '+') part.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || !std::isfinite(value)) return 0.0;
    return std::clamp(value, -1.0, 1.0);
  };
  std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return {number(text), 0.0};
  return {number(text.substr(0, comma)), number(text.substr(comma + 1))};
}

store::MediaAttachment upload_media(App& app, Id account_id, const NewMedia& input) {
  if (input.file.empty()) fail(ErrorKind::validation, "Validation failed: File can't be blank");
  auto format = media::sniff(input.file);
  if (!format) fail(ErrorKind::validation, "Validation failed: File content type is invalid");
  store::MediaAttachment m;
  m.id = next_id();
  m.account_id = account_id;
  m.type = format->type;
  m.content_type = format->content_type;
  m.file_size = static_cast<std::int64_t>(input.file.size());
  m.description = checked_description(input.description);
  if (m.description && m.description->empty()) m.description.reset();
  set_focus(m, input.focus);
  m.created_at = now_unix_ms();
  if (m.type == "image") {
    if (input.file.size() > static_cast<std::size_t>(limits::image_size_limit))
      fail(ErrorKind::validation, "Validation failed: File file size must be less than 16 MB");
    auto size = media::image_dimensions(input.file);
    if (!size) fail(ErrorKind::validation, "Validation failed: File could not be processed");
    if (std::uint64_t{size->width} * size->height >
        static_cast<std::uint64_t>(limits::image_matrix_limit))
      fail(ErrorKind::validation, "Validation failed: File dimensions are too large");
    m.width = size->width;
    m.height = size->height;
  } else if (input.file.size() > static_cast<std::size_t>(limits::video_size_limit)) {
    fail(ErrorKind::validation, "Validation failed: File file size must be less than 99 MB");
  }
  std::optional<media::Format> thumbnail;
  if (input.thumbnail && !input.thumbnail->empty()) thumbnail = thumbnail_format(*input.thumbnail);

  media::Storage& storage = media::storage(app.config);
  m.file = media::relative_path(m.id, "original", format->extension);
  storage.store(m.file, input.file);
  try {
    if (thumbnail) {
      m.thumbnail_file = media::relative_path(m.id, "small", thumbnail->extension);
      storage.store(*m.thumbnail_file, *input.thumbnail);
    }
    app.db->write([&](store::Connection& c) { store::insert_media(c, m); });
  } catch (const ApiError&) {
    remove_media_files(app, {m});
    throw;
  } catch (const std::exception& error) {
    remove_media_files(app, {m});
    if (disk_full(error)) {
      log::warn("media upload: the database is out of space: {}", error.what());
      storage.fail_out_of_space();
    }
    throw;
  }
  return m;
}

store::MediaAttachment find_own_media(App& app, Id account_id, Id media_id) {
  return app.db->read_value(
      [&](store::Connection& c) { return own_media(c, account_id, media_id); });
}

store::MediaAttachment update_media(App& app, Id account_id, Id media_id,
                                    const MediaUpdate& input) {
  auto description = checked_description(input.description);
  std::optional<media::Format> thumbnail;
  if (input.thumbnail && !input.thumbnail->empty()) thumbnail = thumbnail_format(*input.thumbnail);
  // Checked before a new thumbnail is written; checked again in the transaction.
  store::MediaAttachment current = find_own_media(app, account_id, media_id);
  if (current.status_id) not_found();
  std::optional<std::string> new_thumbnail, old_thumbnail = current.thumbnail_file;
  media::Storage& storage = media::storage(app.config);
  if (thumbnail) {
    // A fresh name, so that the old preview stays valid until the update commits.
    new_thumbnail = media::relative_path(next_id(), "small", thumbnail->extension);
    storage.store(*new_thumbnail, *input.thumbnail);
  }
  store::MediaAttachment updated;
  try {
    updated = app.db->write_value([&](store::Connection& c) {
      store::MediaAttachment m = own_media(c, account_id, media_id);
      if (m.status_id) not_found();
      if (description) m.description = description->empty() ? std::nullopt : description;
      set_focus(m, input.focus);
      if (new_thumbnail) m.thumbnail_file = new_thumbnail;
      store::update_media_metadata(c, m);
      return m;
    });
  } catch (...) {
    if (new_thumbnail) storage.remove(*new_thumbnail);
    throw;
  }
  if (new_thumbnail && old_thumbnail) storage.remove(*old_thumbnail);
  return updated;
}

void delete_media(App& app, Id account_id, Id media_id) {
  store::MediaAttachment m = app.db->write_value([&](store::Connection& c) {
    store::MediaAttachment found = own_media(c, account_id, media_id);
    if (found.status_id)
      fail(ErrorKind::validation,
           "Validation failed: Media is attached to a post and cannot be deleted");
    store::delete_media(c, found.id);
    return found;
  });
  remove_media_files(app, {m});
}

std::vector<Id> media_to_attach(store::Connection& c, Id account_id,
                                const std::vector<std::string>& media_ids) {
  std::vector<Id> ids;
  if (media_ids.empty()) return ids;
  if (media_ids.size() > static_cast<std::size_t>(limits::max_media_attachments))
    fail(ErrorKind::validation,
         "Cannot attach more than " + std::to_string(limits::max_media_attachments) + " files");
  std::vector<std::string> missing;
  std::unordered_set<Id> seen;
  for (const auto& text : media_ids) {
    auto id = parse_id(text);
    if (!id) {
      missing.push_back(text);
      continue;
    }
    if (seen.insert(*id).second) ids.push_back(*id);
  }
  std::unordered_map<Id, store::MediaAttachment> found;
  for (auto& m : store::find_media_by_ids(c, ids)) found.emplace(m.id, std::move(m));
  for (Id id : ids) {
    auto it = found.find(id);
    if (it == found.end() || it->second.account_id != account_id || it->second.status_id)
      missing.push_back(std::to_string(id));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& id : missing) list += (list.empty() ? "" : ", ") + id;
    fail(ErrorKind::validation, "Media " + list + " not found or already attached to another post");
  }
  return ids;
}

void attach_to_status(store::Connection& c, Id account_id, Id status_id,
                      const std::vector<Id>& ids) {
  if (ids.empty()) return;
  if (store::attach_media(c, account_id, status_id, ids) != static_cast<std::int64_t>(ids.size()))
    fail(ErrorKind::validation, "Media already attached to another post");
}

void remove_media_files(App& app, const std::vector<store::MediaAttachment>& media) {
  media::Storage& storage = media::storage(app.config);
  for (const auto& m : media) {
    if (!m.file.empty()) storage.remove(m.file);
    if (m.thumbnail_file) storage.remove(*m.thumbnail_file);
  }
}

}  // namespace herd::service
