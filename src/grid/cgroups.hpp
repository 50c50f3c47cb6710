// Resource limits for an instance through Linux control groups. Two backends behind one
// interface: cgroup v1 (memory.limit_in_bytes; cpu.cfs_quota_us / cpu.cfs_period_us, under
// <root>/memory/<parent>/<name> and <root>/cpu/<parent>/<name>) and cgroup v2 (memory.max,
// cpu.max under <root>/<parent>/<name>). detect_cgroups() picks v2 when the unified hierarchy
// has the memory and cpu controllers, v1 when the v1 memory and cpu hierarchies are mounted, or
// a backend that only reports that limits are not enforced.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grid/model.hpp"

namespace herd::grid {

// The values written for a package: memory in bytes, cpu as quota over period (microseconds).
struct CgroupLimits {
  std::int64_t memory_bytes = 0;
  std::int64_t cpu_quota_us = 0;
  std::int64_t cpu_period_us = 100000;
};
CgroupLimits limits_for(const Resources& resources);

// One file to write: path and content.
struct CgroupWrite {
  std::string path;
  std::string value;
};

struct CgroupUsage {
  std::optional<std::int64_t> memory_bytes;
  std::optional<std::int64_t> cpu_usage_ns;  // cumulative
};

class CgroupBackend {
 public:
  virtual ~CgroupBackend() = default;
  virtual std::string kind() const = 0;  // "v1", "v2" or "none"
  // The folders of one instance's group (created by create()).
  virtual std::vector<std::string> folders(const std::string& name) const = 0;
  // The limit files and values for an instance (pure: used by create() and the unit tests).
  virtual std::vector<CgroupWrite> limit_writes(const std::string& name,
                                                const CgroupLimits& limits) const = 0;
  // The cgroup.procs files a process is added to.
  virtual std::vector<std::string> procs_files(const std::string& name) const = 0;
  // Creates the folders and writes the limits. Throws std::runtime_error naming the file.
  virtual void create(const std::string& name, const CgroupLimits& limits) const;
  // Kills what is left in the group and removes its folders; never throws.
  virtual void remove(const std::string& name) const;
  virtual CgroupUsage usage(const std::string& name) const = 0;
};

// root: "/sys/fs/cgroup"; parent: the folder grouping herd's instances ("herd").
std::unique_ptr<CgroupBackend> make_cgroup_v1(std::string root, std::string parent);
std::unique_ptr<CgroupBackend> make_cgroup_v2(std::string root, std::string parent);
std::unique_ptr<CgroupBackend> make_cgroup_none();
std::unique_ptr<CgroupBackend> detect_cgroups(const std::string& root, const std::string& parent);

}  // namespace herd::grid
