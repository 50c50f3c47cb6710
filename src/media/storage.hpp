// Media files on local disk, under the data folder:
//   <data_dir>/media/<id in 3-digit groups>/<style>.<ext>     e.g. media/000/113/.../original.png
// published at <base_url>/system/media_attachments/files/<same groups>/<style>.<ext>.
// With S3_ENABLED=true (Mastodon's settings, read from the environment: media/s3.hpp) the same
// files are objects "media_attachments/files/<groups>/<style>.<ext>" in S3_BUCKET, published at
// the bucket's (or S3_ALIAS_HOST's) URL; the data folder then holds no media and the disk quota
// does not apply to them. A storage that refuses a write or cannot be reached is ApiError
// unavailable (503) "Media storage unavailable: ..." with the storage's own reason.
//
// Writes are atomic (a temporary file in the same folder, fsync, rename, fsync of the folder), so a
// reader never sees half a file and a failed write leaves nothing behind. The disk quota
// (HERD_DISK_QUOTA_BYTES, 0 = none) covers the whole data folder: its size is computed by a scan,
// cached, kept current as files are added and removed, and rescanned now and then (the database
// grows too). An upload that would exceed the quota, or a write that runs out of space (ENOSPC,
// EDQUOT), is ApiError validation "Disk quota exceeded: X of Y used".
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/ids.hpp"
#include "media/s3.hpp"

namespace herd::media {

// "media/000/113/…/original.png": the file of attachment `id` in `style`: original, small (the
// generated preview), thumbnail (a custom preview), static (a profile image's first frame) or
// upload (as sent, until processed).
std::string relative_path(Id id, std::string_view style, std::string_view extension);
// The first frame (PNG, "static.png" in the same folder) stored beside a profile image that may
// be animated ("…/original.gif" or "…/original.webp"); nullopt for any other file.
std::optional<std::string> still_path(std::string_view relative_path);
// avatar_static/header_static: the public URL of the first frame stored beside `stored` (see
// still_path), else `otherwise` (the image's own URL: a still image, a remote or default one).
std::string still_image_url(const std::string& base_url, const std::string& stored,
                            const std::string& otherwise);
// The public URL path of a stored file ("/system/media_attachments/files/000/…/original.png").
std::string url_path(std::string_view relative_path);
// The relative path named by a file URL's parts after /system/media_attachments/files/: each
// group exactly three digits, the name "original|small|thumbnail|static.<known extension>";
// nullopt otherwise.
std::optional<std::string> relative_path_from_url(const std::vector<std::string>& groups,
                                                  std::string_view name);

// Raised by write_file_atomically when the disk is full (ENOSPC) or a disk quota is hit (EDQUOT).
class OutOfSpace : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `bytes` to `path` atomically, creating its folder. Throws OutOfSpace, or
// std::system_error for other failures; nothing is left behind on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Total size in bytes of the regular files under `folder` (0 when it does not exist).
std::uint64_t folder_size(const std::filesystem::path& folder);

// "12.3 MiB", "512 B": a size for people.
std::string human_size(std::uint64_t bytes);

// S3_ENABLED=true in the environment: the S3_* settings (S3_BUCKET required; S3_REGION default
// us-east-1, S3_PROTOCOL default https, S3_PERMISSION default public-read). nullopt when S3 is
// not enabled; std::invalid_argument naming the setting when it is enabled but incomplete.
std::optional<S3Settings> s3_settings_from_environment();

// The object key of a stored file ("media_attachments/files/000/…/original.png").
std::string object_key(std::string_view relative_path);

// Where clients fetch a stored file: the S3 (alias) URL when media are on S3, else
// base_url + url_path(relative).
std::string public_url(const std::string& base_url, std::string_view relative_path);

class Storage {
 public:
  // quota_bytes 0: no quota (only a full disk refuses uploads). With `s3`, files are objects.
  Storage(std::filesystem::path data_dir, std::uint64_t quota_bytes,
          std::optional<S3Settings> s3 = std::nullopt);

  // Stores a new file at `relative` (see relative_path). Checks the quota first.
  void store(const std::string& relative, std::string_view bytes);
  // Removes a stored file (and the folders it leaves empty); a missing file is not an error.
  void remove(const std::string& relative);
  // The file's bytes, or nullopt when it does not exist.
  std::optional<std::string> read(const std::string& relative) const;
  // The data folder's size as the quota sees it (scanning when the cached value is old).
  std::uint64_t used_bytes();
  std::uint64_t quota_bytes() const { return quota_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // The object storage client, when media are on S3.
  S3Client* s3() { return s3_ ? &*s3_ : nullptr; }
  // Throws the 422 "Disk quota exceeded: X of Y used" with the numbers of the disk holding
  // `relative` (for a write that ran out of space, here or in the database: "" for the folder).
  [[noreturn]] void fail_out_of_space(const std::string& relative = "");

 private:
  void refresh_locked();

  std::filesystem::path data_dir_;
  std::uint64_t quota_;
  std::optional<S3Client> s3_;
  std::mutex mutex_;
  std::uint64_t used_ = 0;
  bool scanned_ = false;
  std::chrono::steady_clock::time_point scanned_at_;
};

// The instance's storage for this configuration (one per data folder, created on first use).
Storage& storage(const Config& config);

}  // namespace herd::media
