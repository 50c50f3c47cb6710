#include "media/storage.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <system_error>

#include "core/error.hpp"
#include "core/log.hpp"
#include "media/sniff.hpp"

namespace herd::media {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUrlPrefix = "/system/media_attachments/files/";
constexpr auto kRescanInterval = std::chrono::seconds(60);

bool out_of_space(int error) {
  return error == ENOSPC || error == EDQUOT;
}

[[noreturn]] void throw_errno(int error, const std::string& what) {
  if (out_of_space(error)) throw OutOfSpace(what + ": " + std::generic_category().message(error));
  throw std::system_error(error, std::generic_category(), what);
}

// Closes a descriptor and unlinks a temporary file unless released.
struct TempFile {
  int fd = -1;
  fs::path path;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

std::string random_suffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}", generator());
}

void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Removes empty folders from `folder` up to (not including) `stop`.
void remove_empty_folders(fs::path folder, const fs::path& stop) {
  std::error_code ec;
  while (!folder.empty() && folder != stop && folder.string().size() > stop.string().size()) {
    if (!fs::is_empty(folder, ec) || ec) return;
    if (!fs::remove(folder, ec) || ec) return;
    folder = folder.parent_path();
  }
}

}  // namespace

std::string relative_path(Id id, std::string_view style, std::string_view extension) {
  std::string digits = std::to_string(id);
  std::size_t width = std::max<std::size_t>(18, (digits.size() + 2) / 3 * 3);
  digits.insert(0, width - digits.size(), '0');
  std::string out = "media";
  for (std::size_t i = 0; i < digits.size(); i += 3) {
    out += '/';
    out += digits.substr(i, 3);
  }
  return fmt::format("{}/{}.{}", out, style, extension);
}

std::string url_path(std::string_view relative) {
  if (relative.rfind("media/", 0) == 0) relative.remove_prefix(6);
  return kUrlPrefix + std::string(relative);
}

std::optional<std::string> relative_path_from_url(const std::vector<std::string>& groups,
                                                  std::string_view name) {
  if (groups.empty()) return std::nullopt;
  std::string out = "media";
  for (const auto& group : groups) {
    if (group.size() != 3) return std::nullopt;
    for (char ch : group)
      if (ch < '0' || ch > '9') return std::nullopt;
    out += '/' + group;
  }
  std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view style = name.substr(0, dot), extension = name.substr(dot + 1);
  // "upload" (a file waiting for the media worker, as sent) is never served.
  if (style != "original" && style != "small" && style != "thumbnail" && style != "static")
    return std::nullopt;
  if (content_type_for_extension(extension).empty()) return std::nullopt;
  return out + '/' + std::string(name);
}

std::optional<std::string> still_path(std::string_view relative_path) {
  for (std::string_view name : {"/original.gif", "/original.webp"})
    if (relative_path.size() > name.size() && relative_path.substr(0, 6) == "media/" &&
        relative_path.substr(relative_path.size() - name.size()) == name)
      return std::string(relative_path.substr(0, relative_path.size() - name.size())) +
             "/static.png";
  return std::nullopt;
}

std::string still_image_url(const std::string& base_url, const std::string& stored,
                            const std::string& otherwise) {
  if (auto still = still_path(stored)) return public_url(base_url, *still);
  return otherwise;
}

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  fs::path folder = path.parent_path();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw_errno(ec.value(), "create " + folder.string());
  TempFile temp;
  temp.path = folder / ("." + path.filename().string() + ".tmp-" + random_suffix());
  temp.fd = ::open(temp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (temp.fd < 0) {
    int error = errno;
    temp.path.clear();
    throw_errno(error, "create " + path.string());
  }
  // Reserve the blocks first where the file system can: a full disk fails here, before writing.
  if (!bytes.empty()) {
    int error = ::posix_fallocate(temp.fd, 0, static_cast<off_t>(bytes.size()));
    if (out_of_space(error)) throw_errno(error, "allocate " + path.string());
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(temp.fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(temp.fd) != 0) throw_errno(errno, "fsync " + path.string());
  int fd = temp.fd;
  temp.fd = -1;
  if (::close(fd) != 0) throw_errno(errno, "close " + path.string());
  if (::rename(temp.path.c_str(), path.c_str()) != 0) throw_errno(errno, "rename " + path.string());
  temp.keep = true;
  sync_folder(folder);
}

std::uint64_t folder_size(const fs::path& folder) {
  std::uint64_t total = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) return 0;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;  // a folder vanished mid-scan: count what was seen
    std::error_code file_ec;
    if (it->is_regular_file(file_ec)) {
      auto size = it->file_size(file_ec);
      if (!file_ec) total += size;
    }
  }
  return total;
}

std::string human_size(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

std::optional<S3Settings> s3_settings_from_environment() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value ? value : "");
  };
  if (env("S3_ENABLED") != "true") return std::nullopt;
  S3Settings s;
  s.bucket = env("S3_BUCKET");
  s.endpoint = env("S3_ENDPOINT");
  if (!env("S3_REGION").empty()) s.region = env("S3_REGION");
  s.access_key_id = env("AWS_ACCESS_KEY_ID");
  s.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  s.alias_host = env("S3_ALIAS_HOST");
  if (!env("S3_PROTOCOL").empty()) s.protocol = env("S3_PROTOCOL");
  if (const char* permission = std::getenv("S3_PERMISSION")) s.permission = permission;
  if (s.bucket.empty()) throw std::invalid_argument("S3_ENABLED=true needs S3_BUCKET");
  if (s.access_key_id.empty() || s.secret_access_key.empty())
    throw std::invalid_argument(
        "S3_ENABLED=true needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  if (s.protocol != "http" && s.protocol != "https")
    throw std::invalid_argument("S3_PROTOCOL: expected http or https, got \"" + s.protocol + "\"");
  return s;
}

std::string object_key(std::string_view relative) {
  return url_path(relative).substr(std::string_view("/system/").size());
}

std::string public_url(const std::string& base_url, std::string_view relative) {
  // Read once: the settings are the process's environment, fixed at start.
  static const std::optional<S3Client> s3 = [] {
    auto settings = s3_settings_from_environment();
    return settings ? std::optional<S3Client>(std::in_place, *settings) : std::nullopt;
  }();
  if (s3) return s3->public_url(object_key(relative));
  return base_url + url_path(relative);
}

Storage::Storage(fs::path data_dir, std::uint64_t quota_bytes, std::optional<S3Settings> s3)
    : data_dir_(std::move(data_dir)), quota_(quota_bytes) {
  if (s3) s3_.emplace(std::move(*s3));
}

namespace {

[[noreturn]] void storage_unavailable(const S3Error& error) {
  log::error("media storage: {}", error.what());
  fail(ErrorKind::unavailable, std::string("Media storage unavailable: ") + error.what());
}

}  // namespace

void Storage::refresh_locked() {
  auto now = std::chrono::steady_clock::now();
  if (scanned_ && now - scanned_at_ < kRescanInterval) return;
  used_ = folder_size(data_dir_);
  scanned_ = true;
  scanned_at_ = now;
}

std::uint64_t Storage::used_bytes() {
  std::lock_guard lock(mutex_);
  refresh_locked();
  return used_;
}

void Storage::fail_out_of_space(const std::string& relative) {
  // The file system that ran out: the one holding the deepest existing folder on the way.
  fs::path where = data_dir_ / relative;
  std::error_code ec;
  while (where.has_parent_path() && where != data_dir_ && !fs::is_directory(where, ec))
    where = where.parent_path();
  struct statvfs disk {};
  if (::statvfs(where.c_str(), &disk) == 0 && disk.f_blocks > 0) {
    std::uint64_t total = std::uint64_t{disk.f_blocks} * disk.f_frsize;
    std::uint64_t used = std::uint64_t{disk.f_blocks - disk.f_bfree} * disk.f_frsize;
    fail(ErrorKind::validation,
         "Disk quota exceeded: " + human_size(used) + " of " + human_size(total) + " used");
  }
  fail(ErrorKind::validation, "Disk quota exceeded: the disk is full");
}

void Storage::store(const std::string& relative, std::string_view bytes) {
  if (s3_) {
    std::string extension = relative.substr(relative.rfind('.') + 1);
    try {
      s3_->put(object_key(relative), bytes, content_type_for_extension(extension));
    } catch (const S3Error& error) {
      storage_unavailable(error);
    }
    return;
  }
  std::uint64_t size = bytes.size();
  {
    std::lock_guard lock(mutex_);
    refresh_locked();
    if (quota_ > 0 && used_ + size > quota_)
      fail(ErrorKind::validation,
           "Disk quota exceeded: " + human_size(used_) + " of " + human_size(quota_) + " used");
    used_ += size;  // reserved now, so that concurrent uploads cannot both fit
  }
  auto release = [&] {
    std::lock_guard lock(mutex_);
    used_ = used_ >= size ? used_ - size : 0;
  };
  fs::path path = data_dir_ / relative;
  try {
    write_file_atomically(path, bytes);
  } catch (const OutOfSpace&) {
    release();
    remove_empty_folders(path.parent_path(), data_dir_ / "media");
    fail_out_of_space(relative);
  } catch (...) {
    release();
    remove_empty_folders(path.parent_path(), data_dir_ / "media");
    throw;
  }
}

void Storage::remove(const std::string& relative) {
  if (s3_) {
    try {
      s3_->remove(object_key(relative));
    } catch (const S3Error& error) {
      // After the database forgot the file: an orphan object, logged for the admin.
      log::error("media storage: {} not removed: {}", object_key(relative), error.what());
    }
    return;
  }
  fs::path path = data_dir_ / relative;
  std::error_code ec;
  std::uint64_t size = fs::file_size(path, ec);
  if (ec) return;
  if (!fs::remove(path, ec) || ec) return;
  remove_empty_folders(path.parent_path(), data_dir_ / "media");
  std::lock_guard lock(mutex_);
  used_ = used_ >= size ? used_ - size : 0;
}

std::optional<std::string> Storage::read(const std::string& relative) const {
  if (s3_) {
    try {
      return const_cast<S3Client&>(*s3_).get(object_key(relative));
    } catch (const S3Error& error) {
      storage_unavailable(error);
    }
  }
  std::ifstream in(data_dir_ / relative, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

Storage& storage(const Config& config) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<Storage>> instances;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(fs::absolute(config.data_dir).lexically_normal().string(),
                            static_cast<std::uint64_t>(config.disk_quota_bytes));
  auto& slot = instances[key];
  if (!slot)
    slot = std::make_unique<Storage>(key.first, key.second, s3_settings_from_environment());
  return *slot;
}

}  // namespace herd::media
