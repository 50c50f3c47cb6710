#include "grid/cgroups.hpp"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace herd::grid {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<std::int64_t> read_number(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  try {
    return std::stoll(*text);
  } catch (...) {
    return std::nullopt;
  }
}

void write_file(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot open " + path);
  out << value;
  out.flush();
  if (!out) throw std::runtime_error("cannot write \"" + value + "\" to " + path);
}

class V1 : public CgroupBackend {
 public:
  V1(std::string root, std::string parent) : root_(std::move(root)), parent_(std::move(parent)) {}
  std::string kind() const override { return "v1"; }
  std::string dir(const char* controller, const std::string& name) const {
    return root_ + "/" + controller + "/" + parent_ + "/" + name;
  }
  std::vector<std::string> folders(const std::string& name) const override {
    return {dir("memory", name), dir("cpu", name)};
  }
  std::vector<CgroupWrite> limit_writes(const std::string& name,
                                        const CgroupLimits& l) const override {
    return {{dir("memory", name) + "/memory.limit_in_bytes", std::to_string(l.memory_bytes)},
            {dir("cpu", name) + "/cpu.cfs_period_us", std::to_string(l.cpu_period_us)},
            {dir("cpu", name) + "/cpu.cfs_quota_us", std::to_string(l.cpu_quota_us)}};
  }
  std::vector<std::string> procs_files(const std::string& name) const override {
    return {dir("memory", name) + "/cgroup.procs", dir("cpu", name) + "/cgroup.procs"};
  }
  CgroupUsage usage(const std::string& name) const override {
    CgroupUsage u;
    u.memory_bytes = read_number(dir("memory", name) + "/memory.usage_in_bytes");
    u.cpu_usage_ns = read_number(dir("cpu", name) + "/cpuacct.usage");
    if (!u.cpu_usage_ns) u.cpu_usage_ns = read_number(dir("cpuacct", name) + "/cpuacct.usage");
    return u;
  }

 private:
  std::string root_, parent_;
};

class V2 : public CgroupBackend {
 public:
  V2(std::string root, std::string parent) : root_(std::move(root)), parent_(std::move(parent)) {}
  std::string kind() const override { return "v2"; }
  std::string dir(const std::string& name) const { return root_ + "/" + parent_ + "/" + name; }
  std::vector<std::string> folders(const std::string& name) const override { return {dir(name)}; }
  std::vector<CgroupWrite> limit_writes(const std::string& name,
                                        const CgroupLimits& l) const override {
    return {{dir(name) + "/memory.max", std::to_string(l.memory_bytes)},
            {dir(name) + "/cpu.max",
             std::to_string(l.cpu_quota_us) + " " + std::to_string(l.cpu_period_us)}};
  }
  std::vector<std::string> procs_files(const std::string& name) const override {
    return {dir(name) + "/cgroup.procs"};
  }
  void create(const std::string& name, const CgroupLimits& limits) const override {
    // Controllers must be enabled for the children of each level above the instance's group.
    std::error_code ec;
    fs::create_directories(root_ + "/" + parent_, ec);
    for (const std::string& level : {root_, root_ + "/" + parent_}) {
      try {
        write_file(level + "/cgroup.subtree_control", "+memory +cpu");
      } catch (const std::exception&) {
        // Already enabled, or delegated by the host: create() below reports real failures.
      }
    }
    CgroupBackend::create(name, limits);
  }
  CgroupUsage usage(const std::string& name) const override {
    CgroupUsage u;
    u.memory_bytes = read_number(dir(name) + "/memory.current");
    if (auto stat = read_file(dir(name) + "/cpu.stat")) {
      std::istringstream in(*stat);
      std::string key;
      std::int64_t value;
      while (in >> key >> value)
        if (key == "usage_usec") u.cpu_usage_ns = value * 1000;
    }
    return u;
  }

 private:
  std::string root_, parent_;
};

class None : public CgroupBackend {
 public:
  std::string kind() const override { return "none"; }
  std::vector<std::string> folders(const std::string&) const override { return {}; }
  std::vector<CgroupWrite> limit_writes(const std::string&, const CgroupLimits&) const override {
    return {};
  }
  std::vector<std::string> procs_files(const std::string&) const override { return {}; }
  CgroupUsage usage(const std::string&) const override { return {}; }
};

}  // namespace

CgroupLimits limits_for(const Resources& r) {
  CgroupLimits limits;
  limits.memory_bytes = r.memory_mb * 1024 * 1024;
  limits.cpu_period_us = 100000;
  limits.cpu_quota_us = r.cpu * limits.cpu_period_us;
  return limits;
}

void CgroupBackend::create(const std::string& name, const CgroupLimits& limits) const {
  for (const auto& folder : folders(name)) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw std::runtime_error("cannot create cgroup " + folder + ": " + ec.message());
  }
  for (const auto& write : limit_writes(name, limits)) write_file(write.path, write.value);
}

void CgroupBackend::remove(const std::string& name) const {
  for (const auto& procs : procs_files(name)) {
    if (auto text = read_file(procs)) {
      std::istringstream in(*text);
      int pid;
      while (in >> pid) ::kill(pid, SIGKILL);
    }
  }
  for (const auto& folder : folders(name)) {
    // rmdir fails while the killed processes are still exiting: retry briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
      std::error_code ec;
      fs::remove(folder, ec);
      if (!ec || !fs::exists(folder)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

std::unique_ptr<CgroupBackend> make_cgroup_v1(std::string root, std::string parent) {
  return std::make_unique<V1>(std::move(root), std::move(parent));
}
std::unique_ptr<CgroupBackend> make_cgroup_v2(std::string root, std::string parent) {
  return std::make_unique<V2>(std::move(root), std::move(parent));
}
std::unique_ptr<CgroupBackend> make_cgroup_none() {
  return std::make_unique<None>();
}

std::unique_ptr<CgroupBackend> detect_cgroups(const std::string& root, const std::string& parent) {
  if (auto controllers = read_file(root + "/cgroup.controllers")) {
    if (controllers->find("memory") != std::string::npos &&
        controllers->find("cpu") != std::string::npos)
      return make_cgroup_v2(root, parent);
  }
  if (fs::exists(root + "/memory/memory.limit_in_bytes") &&
      fs::exists(root + "/cpu/cpu.cfs_quota_us")) {
    std::error_code ec;
    fs::create_directories(root + "/memory/" + parent, ec);
    if (!ec) fs::create_directories(root + "/cpu/" + parent, ec);
    if (!ec) return make_cgroup_v1(root, parent);
  }
  return make_cgroup_none();
}

}  // namespace herd::grid
