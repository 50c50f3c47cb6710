// Media attachments: uploaded (local file under the data folder) or received (remote_url), owned
// by an account, unattached (status_id NULL) until a status takes them. All functions run inside
// a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// Mastodon's processing states: an upload waits (queued) for the media worker, which processes
// it (in_progress) to complete, or gives up (failed).
enum class MediaProcessing { queued = 0, in_progress = 1, complete = 2, failed = 3 };

struct MediaAttachment {
  Id id = 0;
  Id account_id = 0;
  std::optional<Id> status_id;   // none until attached
  std::string type = "unknown";  // image | gifv | video | audio | unknown
  std::string file;              // path relative to the data folder ("" for remote media)
  std::optional<std::string> thumbnail_file;  // custom preview image, relative path
  std::optional<std::string> small_file;      // the generated `small` preview, relative path
  std::string content_type;
  std::int64_t file_size = 0;
  std::optional<std::int64_t> width, height;
  std::optional<std::string> description;
  std::optional<double> focus_x, focus_y;
  std::optional<std::string> blurhash;
  std::optional<std::string> remote_url;
  // Mastodon's meta without `focus`, as JSON text ({"original": {...}, "small": {...}, and for
  // video/audio "length", "duration", "fps", ...}); nullopt: derived from width and height.
  std::optional<std::string> meta;
  MediaProcessing processing = MediaProcessing::complete;
  int position = 0;  // order within its status
  std::int64_t created_at = 0;
};

void insert_media(Connection& c, const MediaAttachment& media);
std::optional<MediaAttachment> find_media(Connection& c, Id id);
// In no particular order; unknown ids are skipped.
std::vector<MediaAttachment> find_media_by_ids(Connection& c, const std::vector<Id>& ids);
// Writes description, focus_x, focus_y and thumbnail_file.
void update_media_metadata(Connection& c, const MediaAttachment& media);
// Writes what processing produced: type, file, small_file, content_type, file_size, width,
// height, blurhash, meta and processing.
void update_media_processed(Connection& c, const MediaAttachment& media);
void delete_media(Connection& c, Id id);
// Attaches the account's unattached media to a status, each at its index in `ids`. Returns how
// many rows were attached (fewer than ids.size() when some were taken meanwhile).
std::int64_t attach_media(Connection& c, Id account_id, Id status_id, const std::vector<Id>& ids);
// status id -> its media, in attachment order.
std::unordered_map<Id, std::vector<MediaAttachment>> load_status_media(
    Connection& c, const std::vector<Id>& status_ids);
// Removes the status's media rows and returns them (their files are the caller's to remove).
std::vector<MediaAttachment> delete_status_media(Connection& c, Id status_id);
// Removes the account's media that no status holds; returns them (their files to remove).
std::vector<MediaAttachment> delete_unattached_media(Connection& c, Id account_id);

}  // namespace herd::store
