#include "grid/supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/process.hpp"

namespace herd::grid {

namespace fs = std::filesystem;

struct Supervisor::Instance {
  InstanceSpec spec;
  std::string state = "starting";
  pid_t pid = 0;
  int port = 0;
  int restart_count = 0;
  std::int64_t restart_at_ms = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t last_cpu_ns = -1;
  std::int64_t last_sample_ms = 0;
  double cpu_percent = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t disk_bytes = 0;
  std::int64_t last_disk_sample_ms = 0;
};

namespace {

std::int64_t proc_cpu_ns(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  std::int64_t utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return (utime + stime) * (1000000000LL / ::sysconf(_SC_CLK_TCK));
}

std::int64_t proc_rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      std::int64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

std::int64_t quota_bytes(const Resources& r) {
  return r.disk_gb * 1024LL * 1024 * 1024;
}

bool is_mount_point(const std::string& path) {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, target, rest;
  while (mounts >> device >> target && std::getline(mounts, rest))
    if (target == path) return true;
  return false;
}

// Mounts a loop ext4 image of the quota's size on folder (creating the image when missing).
void mount_disk(const std::string& image, const std::string& folder, std::int64_t bytes) {
  if (is_mount_point(folder)) return;
  std::string output;
  if (!fs::exists(image)) {
    fs::create_directories(fs::path(image).parent_path());
    if (run_command({"truncate", "-s", std::to_string(bytes), image}, &output) != 0 ||
        run_command({"mkfs.ext4", "-q", "-F", "-m", "0", "-E",
                     "lazy_itable_init=1,lazy_journal_init=1", image},
                    &output) != 0) {
      fs::remove(image);
      throw std::runtime_error("cannot create the disk image " + image + ": " + output);
    }
  }
  if (run_command({"mount", "-o", "loop,nosuid,nodev", image, folder}, &output) != 0)
    throw std::runtime_error("cannot mount " + image + " on " + folder + ": " + output);
  std::error_code ec;
  fs::remove_all(folder + "/lost+found", ec);
}

void unmount_disk(const std::string& folder) {
  if (!is_mount_point(folder)) return;
  std::string output;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (run_command({"umount", folder}, &output) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  log::warn("cannot unmount {}: {}", folder, output);
}

}  // namespace

Supervisor::Supervisor(SupervisorOptions options) : options_(std::move(options)) {
  if (options_.executable.empty()) options_.executable = self_executable();
  if (!options_.cgroups) options_.cgroups = make_cgroup_none();
  fs::create_directories(options_.data_dir + "/instances");
  fs::create_directories(options_.data_dir + "/logs");
  fs::create_directories(options_.data_dir + "/specs");
  monitor_ = std::thread([this] { monitor(); });
}

Supervisor::~Supervisor() {
  stopping_ = true;
  wake_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, _] : instances_) names.push_back(name);
  }
  for (const auto& name : names) stop(name, false);
}

std::string Supervisor::instance_dir(const std::string& name) const {
  return options_.data_dir + "/instances/" + name;
}

void Supervisor::launch(Instance& instance) {
  const auto& spec = instance.spec;
  std::map<std::string, std::string> env = admin_environment(spec);
  env["BIND"] = options_.address;
  env["PORT"] = std::to_string(instance.port);
  SpawnOptions spawn_options;
  spawn_options.argv = {executable_for(spec), "serve"};
  spawn_options.env = std::move(env);
  spawn_options.log_path = options_.data_dir + "/logs/" + spec.name + ".log";
  spawn_options.cgroup_procs = options_.cgroups->procs_files(spec.name);
  instance.pid = spawn(spawn_options);
  instance.started_at_ms = now_unix_ms();
  instance.last_cpu_ns = -1;
  instance.state = "running";
  log::info("instance {} started: pid {} on {}:{}", spec.name, instance.pid, options_.address,
            instance.port);
}

std::string Supervisor::disk_image(const std::string& name) const {
  return options_.data_dir + "/disks/" + name + ".img";
}

std::string Supervisor::spec_path(const std::string& name) const {
  return options_.data_dir + "/specs/" + name + ".json";
}

namespace {

// A spec kept by keep_spec(), and its port.
std::pair<InstanceSpec, int> read_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto kept = boost::json::parse(text).as_object();
  InstanceSpec spec;
  spec.name = std::string(kept.at("name").as_string());
  const auto& r = kept.at("resources").as_object();
  spec.resources = {r.at("cpu").to_number<std::int64_t>(),
                    r.at("memory_mb").to_number<std::int64_t>(),
                    r.at("disk_gb").to_number<std::int64_t>()};
  for (const auto& [key, value] : kept.at("env").as_object())
    spec.env[std::string(key)] = std::string(value.as_string());
  if (auto* executable = kept.if_contains("executable"); executable && executable->is_string())
    spec.executable = std::string(executable->as_string());
  return {spec, static_cast<int>(kept.at("port").to_number<std::int64_t>())};
}

}  // namespace

void Supervisor::keep_spec(const InstanceSpec& spec, int port, const std::string& path) const {
  boost::json::object env;
  for (const auto& [key, value] : spec.env)
    if (key != "HERD_ADMIN_PASSWORD") env[key] = value;
  boost::json::object kept{
      {"name", spec.name},
      {"port", port},
      {"executable", spec.executable},
      {"resources", boost::json::object{{"cpu", spec.resources.cpu},
                                        {"memory_mb", spec.resources.memory_mb},
                                        {"disk_gb", spec.resources.disk_gb}}},
      {"env", env}};
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << boost::json::serialize(kept);
  }
  fs::permissions(path + ".tmp", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  fs::rename(path + ".tmp", path);
}

std::vector<std::string> Supervisor::recover() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.data_dir + "/specs", ec)) {
    if (entry.path().extension() != ".json") continue;
    try {
      auto [spec, port] = read_spec(entry.path().string());
      start(spec, port);
      names.push_back(spec.name);
    } catch (const std::exception& error) {
      log::error("cannot recover the instance kept in {}: {}", entry.path().string(), error.what());
    }
  }
  return names;
}

InstanceStatus Supervisor::start(const InstanceSpec& spec, int port) {
  std::lock_guard lock(mutex_);
  if (auto it = instances_.find(spec.name); it != instances_.end()) return snapshot(*it->second);
  auto instance = std::make_unique<Instance>();
  instance->spec = spec;
  instance->created_at_ms = now_unix_ms();
  fs::create_directories(instance_dir(spec.name));
  try {
    if (options_.disk_quota == "loop")
      mount_disk(disk_image(spec.name), instance_dir(spec.name), quota_bytes(spec.resources));
    options_.cgroups->create(spec.name, limits_for(spec.resources));
    instance->port = port > 0 ? port : free_port(options_.address);
    launch(*instance);
    keep_spec(spec, instance->port, spec_path(spec.name));
    std::error_code ec;
    fs::remove(spec_path(spec.name) + ".held", ec);
  } catch (...) {
    if (instance->pid > 0) {
      ::kill(instance->pid, SIGKILL);
      ::waitpid(instance->pid, nullptr, 0);
    }
    options_.cgroups->remove(spec.name);
    if (options_.disk_quota == "loop") unmount_disk(instance_dir(spec.name));
    throw;
  }
  auto& stored = *instances_.emplace(spec.name, std::move(instance)).first->second;
  return snapshot(stored);
}

bool Supervisor::stop(const std::string& name, bool remove_data) {
  std::unique_ptr<Instance> instance;
  {
    std::lock_guard lock(mutex_);
    auto it = instances_.find(name);
    if (it != instances_.end()) {
      instance = std::move(it->second);
      instances_.erase(it);
    }
  }
  if (instance && instance->pid > 0) {
    ::kill(instance->pid, SIGTERM);
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 100 && !exited; ++i) {
      if (::waitpid(instance->pid, &status, WNOHANG) == instance->pid)
        exited = true;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!exited) {
      ::kill(instance->pid, SIGKILL);
      ::waitpid(instance->pid, &status, 0);
    }
    log::info("instance {} stopped", name);
  }
  options_.cgroups->remove(name);
  if (options_.disk_quota == "loop") unmount_disk(instance_dir(name));
  if (remove_data) {
    std::error_code ec;
    fs::remove(disk_image(name), ec);
    fs::remove(spec_path(name), ec);
    fs::remove(spec_path(name) + ".held", ec);
    fs::remove_all(instance_dir(name), ec);
    fs::remove(options_.data_dir + "/logs/" + name + ".log", ec);
  }
  return instance != nullptr;
}

InstanceStatus Supervisor::snapshot(const Instance& i) const {
  InstanceStatus s;
  s.name = i.spec.name;
  s.state = i.state;
  s.pid = i.pid;
  s.port = i.port;
  s.address = options_.address;
  s.restart_count = i.restart_count;
  s.created_at_ms = i.created_at_ms;
  s.resources = i.spec.resources;
  s.cpu_percent = i.cpu_percent;
  s.memory_bytes = i.memory_bytes;
  s.disk_bytes = i.disk_bytes;
  s.disk_quota_bytes = quota_bytes(i.spec.resources);
  s.disk_full = s.disk_bytes >= s.disk_quota_bytes;
  s.cgroup = options_.cgroups->kind();
  auto limits = limits_for(i.spec.resources);
  if (s.cgroup != "none") {
    s.memory_limit_bytes = limits.memory_bytes;
    s.cpu_quota_us = limits.cpu_quota_us;
  }
  return s;
}

std::optional<InstanceStatus> Supervisor::status(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(name);
  if (it == instances_.end()) return std::nullopt;
  return snapshot(*it->second);
}

std::vector<InstanceStatus> Supervisor::list() const {
  std::lock_guard lock(mutex_);
  std::vector<InstanceStatus> out;
  for (const auto& [name, instance] : instances_) out.push_back(snapshot(*instance));
  return out;
}

void Supervisor::monitor() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(250));
    if (stopping_) break;
    std::int64_t now = now_unix_ms();
    for (auto& [name, owned] : instances_) {
      Instance& i = *owned;
      if (i.state == "running" && i.pid > 0) {
        int status = 0;
        if (::waitpid(i.pid, &status, WNOHANG) == i.pid) {
          ++i.restart_count;
          std::int64_t pause = std::min<std::int64_t>(1000LL * i.restart_count, 30000);
          if (now - i.started_at_ms > 60000) pause = 1000;  // it ran a while: restart soon
          i.restart_at_ms = now + pause;
          i.state = "restarting";
          i.pid = 0;
          log::warn("instance {} exited ({}); restart {} in {} ms", name,
                    WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                        : "status " + std::to_string(WEXITSTATUS(status)),
                    i.restart_count, pause);
          continue;
        }
        auto usage = options_.cgroups->usage(name);
        std::int64_t cpu_ns = usage.cpu_usage_ns.value_or(proc_cpu_ns(i.pid));
        if (i.last_cpu_ns >= 0 && now > i.last_sample_ms)
          i.cpu_percent = static_cast<double>(cpu_ns - i.last_cpu_ns) / 1e6 /
                          static_cast<double>(now - i.last_sample_ms) * 100.0;
        i.last_cpu_ns = cpu_ns;
        i.last_sample_ms = now;
        i.memory_bytes = usage.memory_bytes.value_or(proc_rss_bytes(i.pid));
        if (now - i.last_disk_sample_ms > 2000) {
          i.disk_bytes = directory_size(instance_dir(name));
          i.last_disk_sample_ms = now;
        }
      } else if (i.state == "restarting" && now >= i.restart_at_ms) {
        try {
          launch(i);
        } catch (const std::exception& error) {
          log::error("instance {}: restart failed: {}", name, error.what());
          i.restart_at_ms = now + 5000;
        }
      }
    }
  }
}

std::string Supervisor::executable_for(const InstanceSpec& spec) const {
  return spec.executable.empty() ? options_.executable : spec.executable;
}

std::string Supervisor::log_path(const std::string& name) const {
  return options_.data_dir + "/logs/" + name + ".log";
}

std::map<std::string, std::string> Supervisor::admin_environment(const InstanceSpec& spec) const {
  std::map<std::string, std::string> env = options_.base_env;
  for (const auto& [key, value] : spec.env) env[key] = value;
  env["HERD_DATA_DIR"] = instance_dir(spec.name);
  env["HERD_DISK_QUOTA_BYTES"] = std::to_string(quota_bytes(spec.resources));
  env.erase("DATABASE_URL");  // each instance has its own SQLite file in its data folder
  return env;
}

bool Supervisor::hold(const std::string& name) {
  bool was_running = stop(name, false);
  std::error_code ec;
  if (fs::exists(spec_path(name), ec)) fs::rename(spec_path(name), spec_path(name) + ".held");
  return was_running;
}

bool Supervisor::held(const std::string& name) const {
  std::error_code ec;
  return fs::exists(spec_path(name) + ".held", ec);
}

std::optional<std::pair<InstanceSpec, int>> Supervisor::kept(const std::string& name) const {
  std::error_code ec;
  for (const auto& path : {spec_path(name), spec_path(name) + ".held"})
    if (fs::exists(path, ec)) return read_spec(path);
  return std::nullopt;
}

InstanceStatus Supervisor::resume(const std::string& name) {
  if (auto running = status(name)) return *running;
  auto spec = kept(name);
  if (!spec) throw std::runtime_error("no instance " + name + " is kept on this node");
  return start(spec->first, spec->second);
}

void Supervisor::set_executable(const std::string& name, const std::string& executable) {
  if (!held(name)) throw std::runtime_error(name + " must be stopped to change its binary");
  auto spec = read_spec(spec_path(name) + ".held");
  spec.first.executable = executable;
  keep_spec(spec.first, spec.second, spec_path(name) + ".held");
}

InstanceStatus Supervisor::resize(const std::string& name, const Resources& resources) {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(name);
  if (it == instances_.end()) throw std::runtime_error(name + " is not running on this node");
  Instance& instance = *it->second;
  if (options_.disk_quota == "loop" && resources.disk_gb != instance.spec.resources.disk_gb)
    throw std::runtime_error("the disk of an instance on a loop-mounted image cannot be resized");
  options_.cgroups->create(name, limits_for(resources));  // rewrites the limits in place
  instance.spec.resources = resources;
  keep_spec(instance.spec, instance.port, spec_path(name));
  log::info("instance {} resized to {} cpu, {} MB memory, {} GB disk", name, resources.cpu,
            resources.memory_mb, resources.disk_gb);
  return snapshot(instance);
}

std::vector<std::string> Supervisor::log_tail(const std::string& name, std::size_t count) const {
  std::ifstream in(log_path(name), std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - 64 * 1024);
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  bool first = from > 0;  // a partial first line
  while (std::getline(stream, line)) {
    if (first) {
      first = false;
      continue;
    }
    lines.push_back(line);
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

}  // namespace herd::grid
