#include "service/media.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/processing.hpp"
#include "media/sniff.hpp"
#include "media/storage.hpp"
#include "store/federation.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMediaLockMs = 10 * 60'000;  // ffmpeg's own deadline is 5 minutes
constexpr int kMediaMaxAttempts = 3;

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

namespace {

// Work files of the processing tools: under the data folder (same disk as the media).
std::filesystem::path work_dir(const App& app) {
  return std::filesystem::path(app.config.data_dir) / "tmp";
}

// Checks on the bytes alone, before anything is decoded: size limits and, for images, the pixel
// count their header declares (a decompression bomb is refused here).
std::optional<media::ImageHeader> check_upload(const media::Format& format, std::string_view file) {
  if (format.type != "image") {
    if (file.size() > static_cast<std::size_t>(limits::video_size_limit))
      fail(ErrorKind::validation, "Validation failed: File file size must be less than 99 MB");
    return std::nullopt;
  }
  if (file.size() > static_cast<std::size_t>(limits::image_size_limit))
    fail(ErrorKind::validation, "Validation failed: File file size must be less than 16 MB");
  auto size = media::image_dimensions(file);
  if (!size) fail(ErrorKind::validation, "Validation failed: File could not be processed");
  if (std::uint64_t{size->width} * size->height >
      static_cast<std::uint64_t>(limits::image_matrix_limit))
    fail(ErrorKind::validation,
         "Validation failed: File dimensions are too large (" + std::to_string(size->width) + "x" +
             std::to_string(size->height) + " pixels; at most " +
             std::to_string(limits::image_matrix_limit) + " pixels are accepted)");
  return media::read_image_header(file, format);  // libvips' own reading of the header
}

// Stores what processing made and fills the attachment's columns from it. Files written are
// added to `written` (removed by the caller when the transaction does not commit).
void store_processed(App& app, store::MediaAttachment& m, media::ProcessedMedia& processed,
                     std::vector<std::string>& written) {
  media::Storage& storage = media::storage(app.config);
  std::string original =
      media::relative_path(m.id, "original", processed.original.format.extension);
  storage.store(original, processed.original.bytes);
  written.push_back(original);
  m.file = original;
  if (processed.small) {
    m.small_file = media::relative_path(m.id, "small", processed.small->format.extension);
    storage.store(*m.small_file, processed.small->bytes);
    written.push_back(*m.small_file);
  }
  m.type = processed.type;
  m.content_type = processed.original.format.content_type;
  m.file_size = static_cast<std::int64_t>(processed.original.bytes.size());
  if (processed.original.size.width > 0 && processed.original.size.height > 0) {
    m.width = processed.original.size.width;
    m.height = processed.original.size.height;
  }
  if (processed.blurhash) m.blurhash = processed.blurhash;
  m.meta = json::serialize(processed.meta);
  m.processing = store::MediaProcessing::complete;
}

// A custom preview image: processed like an image's small preview (metadata stripped, at most
// Mastodon's small size) and stored under a fresh name.
std::string store_thumbnail(App& app, Id name_id, const std::string& bytes,
                            const media::Format& format, std::string& blurhash) {
  media::Rendition preview = media::preview_image(bytes, format, blurhash);
  std::string relative = media::relative_path(name_id, "thumbnail", preview.format.extension);
  media::storage(app.config).store(relative, preview.bytes);
  return relative;
}

void remove_files(App& app, const std::vector<std::string>& files) {
  media::Storage& storage = media::storage(app.config);
  for (const auto& file : files) storage.remove(file);
}

}  // namespace

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
  auto header = check_upload(*format, input.file);
  std::optional<media::Format> thumbnail;
  if (input.thumbnail && !input.thumbnail->empty()) thumbnail = thumbnail_format(*input.thumbnail);
  bool background =
      input.in_background && media::processed_in_background(*format, header ? &*header : nullptr);

  media::Storage& storage = media::storage(app.config);
  std::vector<std::string> written;
  try {
    if (background) {
      // Kept as uploaded under a name never served, until the worker has processed it.
      m.file = media::relative_path(m.id, "upload", format->extension);
      storage.store(m.file, input.file);
      written.push_back(m.file);
      m.processing = store::MediaProcessing::queued;
    } else {
      auto processed = media::process_media(input.file, *format, work_dir(app));
      store_processed(app, m, processed, written);
    }
    if (thumbnail) {
      std::string blurhash;
      m.thumbnail_file = store_thumbnail(app, m.id, *input.thumbnail, *thumbnail, blurhash);
      written.push_back(*m.thumbnail_file);
      if (!m.blurhash) m.blurhash = blurhash;  // audio: the cover's
    }
    app.db->write([&](store::Connection& c) {
      store::insert_media(c, m);
      if (background) {
        json::object payload{{"media_id", std::to_string(m.id)}};
        store::insert_job(c, next_id(), kMediaQueue, json::serialize(payload), m.created_at,
                          m.created_at);
      }
    });
  } catch (const ApiError&) {
    remove_files(app, written);
    throw;
  } catch (const std::exception& error) {
    remove_files(app, written);
    if (disk_full(error)) {
      log::warn("media upload: the database is out of space: {}", error.what());
      storage.fail_out_of_space();
    }
    throw;
  }
  return m;
}

std::vector<std::string> store_remote_copy(App& app, store::MediaAttachment& m,
                                           std::string_view bytes) {
  auto format = media::sniff(bytes);
  if (!format) fail(ErrorKind::validation, "Validation failed: File content type is invalid");
  check_upload(*format, bytes);
  std::vector<std::string> written;
  try {
    auto processed = media::process_media(bytes, *format, work_dir(app));
    store_processed(app, m, processed, written);
  } catch (...) {
    remove_files(app, written);
    throw;
  }
  return written;
}

int run_media_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kMediaQueue, now); });
  if (!due) return 0;
  auto jobs = app.db->write_value([&](store::Connection& c) {
    return store::claim_jobs(c, kMediaQueue, now, kMediaLockMs, 2);
  });
  media::Storage& storage = media::storage(app.config);
  for (const auto& job : jobs) {
    Id media_id = 0;
    std::vector<std::string> written;
    try {
      json::object payload = json::parse(job.payload).as_object();
      media_id = std::stoll(std::string(payload.at("media_id").as_string()));
      auto found =
          app.db->read_value([&](store::Connection& c) { return store::find_media(c, media_id); });
      if (!found || found->processing == store::MediaProcessing::complete) {
        app.db->write([&](store::Connection& c) { store::delete_job(c, job.id); });
        continue;  // deleted (with its files) or done meanwhile
      }
      store::MediaAttachment m = *found;
      std::string upload = m.file;
      auto bytes = storage.read(upload);
      if (!bytes) throw std::runtime_error("the uploaded file " + upload + " is missing");
      auto format = media::sniff(*bytes);
      if (!format) fail(ErrorKind::validation, "Validation failed: File content type is invalid");
      auto processed = media::process_media(*bytes, *format, work_dir(app));
      store_processed(app, m, processed, written);
      if (!m.blurhash && m.thumbnail_file) m.blurhash = found->blurhash;
      bool kept = app.db->write_value([&](store::Connection& c) {
        store::delete_job(c, job.id);
        if (!store::find_media(c, media_id)) return false;
        store::update_media_processed(c, m);
        return true;
      });
      if (!kept) remove_files(app, written);  // deleted while being processed
      storage.remove(upload);
      log::info("media {}: processed ({}, {} bytes)", media_id, m.type, m.file_size);
    } catch (const ApiError& error) {
      // The file itself is at fault: retrying cannot help.
      remove_files(app, written);
      log::warn("media {}: processing failed: {}", media_id, error.what());
      app.db->write([&](store::Connection& c) {
        store::delete_job(c, job.id);
        if (auto m = store::find_media(c, media_id)) {
          m->processing = store::MediaProcessing::failed;
          store::update_media_processed(c, *m);
        }
      });
    } catch (const std::exception& error) {
      remove_files(app, written);
      bool give_up = job.attempts + 1 >= kMediaMaxAttempts;
      log::warn("media {}: processing attempt {} failed{}: {}", media_id, job.attempts + 1,
                give_up ? " (given up)" : "", error.what());
      app.db->write([&](store::Connection& c) {
        if (!give_up) {
          store::retry_job(c, job.id, now + (job.attempts + 1) * 10'000, job.attempts + 1,
                           error.what());
          return;
        }
        store::delete_job(c, job.id);
        if (auto m = store::find_media(c, media_id)) {
          m->processing = store::MediaProcessing::failed;
          store::update_media_processed(c, *m);
        }
      });
    }
  }
  return static_cast<int>(jobs.size());
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
  std::string thumbnail_blurhash;
  if (thumbnail)  // a fresh name, so that the old preview stays valid until the update commits
    new_thumbnail =
        store_thumbnail(app, next_id(), *input.thumbnail, *thumbnail, thumbnail_blurhash);
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
    else if (it->second.processing != store::MediaProcessing::complete)
      fail(ErrorKind::validation,
           "Cannot attach files that have not finished processing. Try again in a moment!");
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
    if (m.small_file) storage.remove(*m.small_file);
    if (m.thumbnail_file) storage.remove(*m.thumbnail_file);
  }
}

}  // namespace herd::service
