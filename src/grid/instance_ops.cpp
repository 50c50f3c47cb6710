#include "grid/instance_ops.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/http_client.hpp"
#include "grid/process.hpp"

namespace herd::grid {

namespace fs = std::filesystem;

namespace {

bool valid_backup_id(const std::string& id) {
  return !id.empty() && id.size() < 64 &&
         std::all_of(id.begin(), id.end(), [](char ch) { return std::isalnum(ch) || ch == '-'; });
}

std::string backup_id(std::int64_t ms) {
  std::string stamp = rfc3339(ms);  // 2026-12-06T07:15:00.123Z
  std::string id;
  for (char ch : stamp.substr(0, 19))
    if (ch != '-' && ch != ':') id += ch;
  std::string millis = std::to_string(ms % 1000);
  return id + "Z-" + std::string(3 - millis.size(), '0') + millis;  // ids sort by time
}

}  // namespace

InstanceOps::InstanceOps(Supervisor& supervisor, std::string backup_root)
    : supervisor_(supervisor), root_(std::move(backup_root)) {
  fs::create_directories(root_);
}

std::string InstanceOps::folder(const std::string& name) const {
  return root_ + "/" + name;
}

void InstanceOps::admin(const InstanceSpec& spec, const std::string& executable,
                        const std::vector<std::string>& args) const {
  std::string log = folder(spec.name) + "/admin.log";
  fs::create_directories(folder(spec.name));
  std::int64_t offset = 0;
  std::error_code ec;
  if (fs::exists(log, ec)) offset = static_cast<std::int64_t>(fs::file_size(log, ec));
  SpawnOptions options;
  options.argv = {executable, "admin"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = supervisor_.admin_environment(spec);
  options.log_path = log;
  pid_t pid = spawn(options);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::ifstream in(log);
  in.seekg(offset);
  std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  throw std::runtime_error("herd admin " + args.front() + " failed: " + output);
}

BackupInfo InstanceOps::backup(const std::string& name) {
  auto kept = supervisor_.kept(name);
  if (!kept) throw std::runtime_error("no instance " + name + " on this node");
  BackupInfo info;
  info.created_at_ms = now_unix_ms();
  info.id = backup_id(info.created_at_ms);
  std::string dest = folder(name) + "/" + info.id;
  admin(kept->first, supervisor_.executable_for(kept->first), {"backup", dest});
  // The spec travels with the backup, so that another node can run the instance from it alone.
  fs::copy_file(
      supervisor_.held(name) ? supervisor_.spec_path(name) + ".held" : supervisor_.spec_path(name),
      dest + "/instance.json", fs::copy_options::overwrite_existing);
  info.bytes = directory_size(dest);
  log::info("instance {}: backup {} ({} bytes)", name, info.id, info.bytes);
  return info;
}

std::vector<BackupInfo> InstanceOps::backups(const std::string& name) const {
  std::vector<BackupInfo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder(name), ec)) {
    if (!entry.is_directory() || !fs::exists(entry.path() / "manifest.json")) continue;
    BackupInfo info;
    info.id = entry.path().filename().string();
    struct stat st {};
    if (::stat((entry.path() / "manifest.json").c_str(), &st) == 0)
      info.created_at_ms =
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    info.bytes = directory_size(entry.path().string());
    out.push_back(info);
  }
  std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms > b.created_at_ms : a.id > b.id;
  });
  return out;
}

int InstanceOps::prune(const std::string& name, std::size_t keep) {
  auto all = backups(name);
  int removed = 0;
  for (std::size_t i = keep; i < all.size(); ++i) {
    std::error_code ec;
    fs::remove_all(folder(name) + "/" + all[i].id, ec);
    ++removed;
  }
  return removed;
}

InstanceStatus InstanceOps::restore(const std::string& name, const std::string& backup_id) {
  if (!valid_backup_id(backup_id) || !fs::exists(folder(name) + "/" + backup_id + "/manifest.json"))
    throw std::invalid_argument("no backup " + backup_id + " of " + name);
  auto kept = supervisor_.kept(name);
  if (!kept) throw std::runtime_error("no instance " + name + " on this node");
  bool was_held = supervisor_.held(name);
  supervisor_.hold(name);
  std::string failure;
  try {
    admin(kept->first, supervisor_.executable_for(kept->first),
          {"restore", "--force", folder(name) + "/" + backup_id});
    log::info("instance {}: restored backup {}", name, backup_id);
  } catch (const std::exception& error) {
    failure = error.what();
  }
  InstanceStatus status;
  if (!was_held) status = supervisor_.resume(name);
  if (!failure.empty()) throw std::runtime_error(failure);
  return status;
}

std::string InstanceOps::not_ready(const InstanceStatus& status, int timeout_ms) const {
  std::string url =
      "http://" + supervisor_.address() + ":" + std::to_string(status.port) + "/health/ready";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (http_request("GET", url, "", {"", "", 2000}).status == 200) return "";
    } catch (const HttpUnreachable&) {
    }
    auto now = supervisor_.status(status.name);
    if (!now || now->restart_count > status.restart_count || now->state != "running")
      return "it exited (its log: " + supervisor_.log_path(status.name) + ")";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return "it did not answer /health/ready within " + std::to_string(timeout_ms / 1000) + " s";
}

InstanceStatus InstanceOps::upgrade(const std::string& name, const std::string& executable,
                                    int health_timeout_ms) {
  if (executable.empty() || executable[0] != '/' || ::access(executable.c_str(), X_OK) != 0)
    throw std::invalid_argument("not an executable file on this node: " + executable);
  auto kept = supervisor_.kept(name);
  if (!kept) throw std::runtime_error("no instance " + name + " on this node");
  std::string previous = supervisor_.executable_for(kept->first);
  BackupInfo before = backup(name);
  supervisor_.hold(name);
  supervisor_.set_executable(name, executable);
  std::string reason;
  try {
    auto status = supervisor_.resume(name);
    reason = not_ready(status, health_timeout_ms);
    if (reason.empty()) {
      log::info("instance {} upgraded to {}", name, executable);
      return status;
    }
  } catch (const std::exception& error) {
    reason = error.what();
  }
  log::warn("instance {}: upgrade to {} failed ({}); rolling back to {} and backup {}", name,
            executable, reason, previous, before.id);
  supervisor_.hold(name);
  supervisor_.set_executable(name, previous);
  try {
    restore(name, before.id);
  } catch (const std::exception& error) {
    supervisor_.resume(name);
    throw UpgradeFailed("upgrade failed (" + reason + ") and restoring backup " + before.id +
                        " failed too: " + error.what());
  }
  auto back = supervisor_.resume(name);
  std::string after = not_ready(back, health_timeout_ms);
  throw UpgradeFailed("upgrade failed (" + reason + "); rolled back to " + previous +
                      " and backup " + before.id +
                      (after.empty() ? "" : ", but after the rollback " + after));
}

void InstanceOps::remove_all(const std::string& name) {
  std::error_code ec;
  fs::remove_all(folder(name), ec);
}

std::string InstanceOps::archive(const std::string& name, const std::string& backup_id) const {
  if (!valid_backup_id(backup_id) || !fs::exists(folder(name) + "/" + backup_id + "/manifest.json"))
    throw std::invalid_argument("no backup " + backup_id + " of " + name);
  std::string tar = folder(name) + "/" + backup_id + ".tar";
  std::string output;
  if (run_command({"tar", "-C", folder(name), "-cf", tar, backup_id}, &output) != 0)
    throw std::runtime_error("tar failed: " + output);
  std::ifstream in(tar, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  fs::remove(tar, ec);
  return bytes;
}

InstanceStatus InstanceOps::adopt(const std::string& name, const std::string& backup_id,
                                  const std::string& archive, const Resources& resources) {
  if (!valid_backup_id(backup_id)) throw std::invalid_argument("not a backup id: " + backup_id);
  if (supervisor_.kept(name)) throw std::invalid_argument(name + " already runs on this node");
  fs::create_directories(folder(name));
  std::string tar = folder(name) + "/" + backup_id + ".tar";
  {
    std::ofstream out(tar, std::ios::binary | std::ios::trunc);
    out << archive;
  }
  std::string output;
  int status = run_command({"tar", "-C", folder(name), "-xf", tar}, &output);
  std::error_code ec;
  fs::remove(tar, ec);
  std::string dir = folder(name) + "/" + backup_id;
  if (status != 0 || !fs::exists(dir + "/instance.json"))
    throw std::invalid_argument("not a backup archive of an instance: " + output);
  InstanceSpec spec;
  {
    std::ifstream in(dir + "/instance.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto kept = boost::json::parse(text).as_object();
    for (const auto& [key, value] : kept.at("env").as_object())
      spec.env[std::string(key)] = std::string(value.as_string());
  }
  spec.name = name;
  spec.resources = resources;  // the executable is this node's own herd
  fs::create_directories(supervisor_.instance_dir(name));
  admin(spec, supervisor_.executable_for(spec), {"restore", "--force", dir});
  log::info("instance {}: adopted from backup {}", name, backup_id);
  return supervisor_.start(spec);
}

}  // namespace herd::grid
