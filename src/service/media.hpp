// Media attachment actions (Mastodon's MediaAttachment model and MediaController): upload, update
// the description and focal point while unattached, delete while unattached; and the pieces
// post_status and delete_status use to attach media to a status and to remove it with the status.
// Only the owner sees or changes an attachment: anyone else gets ApiError not_found.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/media.hpp"

namespace herd::service {

inline constexpr std::string_view kMediaQueue = "media";

struct NewMedia {
  std::string file;  // the uploaded bytes
  // Mastodon's v2 upload: video, audio and animated GIFs are left to the media worker (the
  // attachment comes back with processing queued, url null; the API answers 202).
  bool in_background = false;
  std::optional<std::string> thumbnail;  // a custom preview image's bytes
  std::optional<std::string> description;
  std::optional<std::string> focus;  // "x,y", each -1.0..1.0
};

// Sniffs the file's type from its bytes (422 "Validation failed: File content type is invalid"
// for anything but the supported images, videos and audio), checks sizes (an image's pixel count
// from its header, before decoding: 422 "Validation failed: File dimensions are too large"), the
// description's length and the disk quota (422 "Disk quota exceeded: X of Y used"), processes
// the file (media/processing: metadata stripped, small preview, blurhash, meta; 422 "Validation
// failed: File could not be processed" when it cannot be decoded) and records the unattached
// attachment. With in_background, slow kinds are stored as uploaded (under a name that is never
// served) and queued for the media worker in the transaction that records them.
store::MediaAttachment upload_media(App& app, Id account_id, const NewMedia& input);

// A remote attachment's local copy: `bytes` (fetched from its remote_url) checked and processed as
// an upload (422 as upload_media: an image, video or audio file within Mastodon's limits; an
// animated GIF or a video without sound becomes a gifv), stored under m.id; m's file, small_file,
// type, content_type, sizes, blurhash and meta are filled (its description, focus and remote_url
// stay). Returns the files written (nothing is left behind on failure).
std::vector<std::string> store_remote_copy(App& app, store::MediaAttachment& m,
                                           std::string_view bytes);

// The media worker (a job runner task): processes queued uploads; returns how many jobs were handled.
// A file that cannot be processed marks its attachment failed (logged; the job's error stays
// visible in the jobs table until it is given up); other errors are retried a few times.
int run_media_jobs(App& app, std::int64_t now);

// The account's own attachment (attached or not); not_found otherwise.
store::MediaAttachment find_own_media(App& app, Id account_id, Id media_id);

struct MediaUpdate {
  std::optional<std::string> description;  // "" clears it
  std::optional<std::string> focus;
  std::optional<std::string> thumbnail;  // a new preview image's bytes
};
// Updates the account's own unattached attachment (not_found for others' or attached ones).
store::MediaAttachment update_media(App& app, Id account_id, Id media_id, const MediaUpdate& input);

// Deletes the account's own unattached attachment and its files (422 while attached).
void delete_media(App& app, Id account_id, Id media_id);

// The description when it is within the limit; 422 otherwise.
std::optional<std::string> checked_description(const std::optional<std::string>& description);
// "x,y" -> the focal point, each clamped to -1..1 (unparsable numbers are 0, as in Mastodon).
std::pair<double, double> parse_focus(std::string_view text);

// ---- for the status services, inside their transaction -----------------------------------------

// The attachments to put on a new status: at most 4 ids, each the account's own, unattached and
// processed, in the order given; 422 otherwise. Returns them parsed.
std::vector<Id> media_to_attach(store::Connection& c, Id account_id,
                                const std::vector<std::string>& media_ids);
// Attaches them to the (inserted) status; 422 when one was taken by another status meanwhile.
void attach_to_status(store::Connection& c, Id account_id, Id status_id,
                      const std::vector<Id>& ids);
// After the transaction that deleted their rows committed: removes the attachments' files.
void remove_media_files(App& app, const std::vector<store::MediaAttachment>& media);

}  // namespace herd::service
