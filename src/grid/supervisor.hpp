// The node agent's instances: each one a `herd serve` child process in its own cgroups, with its
// own data folder, port and log. A monitor thread restarts an instance that exited without being
// asked to (with a growing pause, counted in restart_count), samples its cpu, memory and disk
// use, and marks it over its disk quota when its data folder outgrows the package.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grid/cgroups.hpp"
#include "grid/model.hpp"

namespace herd::grid {

struct InstanceSpec {
  std::string name;
  Resources resources;
  std::map<std::string, std::string> env;  // from the control plane (LOCAL_DOMAIN, SMTP_*, ...)
  std::string executable;                  // the herd binary it runs ("": the agent's)
};

struct InstanceStatus {
  std::string name;
  std::string state;  // starting | running | restarting | stopped
  pid_t pid = 0;
  int port = 0;
  std::string address;
  int restart_count = 0;
  Resources resources;
  double cpu_percent = 0;  // over the last sample, of one core
  std::int64_t memory_bytes = 0;
  std::int64_t disk_bytes = 0;
  std::int64_t disk_quota_bytes = 0;
  bool disk_full = false;
  std::string cgroup;  // backend kind
  std::int64_t memory_limit_bytes = 0;
  std::int64_t cpu_quota_us = 0;
  std::int64_t created_at_ms = 0;  // when start() was called on this agent
};

struct SupervisorOptions {
  std::string data_dir;                         // instances/<name>/ and logs/<name>.log under it
  std::string address;                          // the address instances listen on
  std::string executable;                       // the herd binary (default: this one)
  std::map<std::string, std::string> base_env;  // PATH, HOME, ... passed to every instance
  std::unique_ptr<CgroupBackend> cgroups;
  // "check": the agent measures the data folder and passes HERD_DISK_QUOTA_BYTES to the instance
  // (which refuses uploads past it). "loop": the data folder is also a loop-mounted ext4 image
  // of the package's size (<data>/disks/<name>.img), so the filesystem itself is full at the quota.
  std::string disk_quota = "check";
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorOptions options);
  ~Supervisor();  // stops every instance (their data is kept)
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts the instance (creating its cgroups and data folder). Throws std::runtime_error.
  // Starting a name that already runs returns its status unchanged.
  // The spec (without the admin password, which is only needed at the first start) and port are
  // kept in <data>/specs/<name>.json, so that recover() can start it again after the agent
  // itself restarts. port 0 picks a free one.
  InstanceStatus start(const InstanceSpec& spec, int port = 0);
  // Starts the instances whose specs were kept (same ports); returns their names.
  std::vector<std::string> recover();
  // Stops it (SIGTERM, then SIGKILL after 5 s), removes its cgroups, and with remove_data its
  // data folder and log. False when unknown (the data folder is still removed).
  bool stop(const std::string& name, bool remove_data);
  // Stops it and keeps it stopped: its spec is kept aside (recover() leaves it), its data stays.
  // False when it was not running.
  bool hold(const std::string& name);
  // Starts a held (or running) instance again from its kept spec, on its port. Throws
  // std::runtime_error when nothing is kept under that name.
  InstanceStatus resume(const std::string& name);
  bool held(const std::string& name) const;
  // The kept spec (running or held) and its port; nullopt when unknown.
  std::optional<std::pair<InstanceSpec, int>> kept(const std::string& name) const;
  // Changes a held instance's binary (it runs it from the next resume()).
  void set_executable(const std::string& name, const std::string& executable);
  // New cpu and memory limits written into its cgroups while it runs; the disk quota applies from
  // its next start (with loop disks the size cannot change: throws std::runtime_error).
  InstanceStatus resize(const std::string& name, const Resources& resources);
  // The environment `herd admin` needs to act on the instance's data (its settings and folder).
  std::map<std::string, std::string> admin_environment(const InstanceSpec& spec) const;
  // The last `count` lines of its log.
  std::vector<std::string> log_tail(const std::string& name, std::size_t count) const;
  std::string executable_for(const InstanceSpec& spec) const;
  std::string log_path(const std::string& name) const;
  const std::string& address() const { return options_.address; }

  std::optional<InstanceStatus> status(const std::string& name) const;
  std::vector<InstanceStatus> list() const;
  const CgroupBackend& cgroups() const { return *options_.cgroups; }
  std::string instance_dir(const std::string& name) const;
  std::string spec_path(const std::string& name) const;
  std::string disk_image(const std::string& name) const;

 private:
  struct Instance;
  void launch(Instance& instance);  // with mutex_ held
  void keep_spec(const InstanceSpec& spec, int port, const std::string& path) const;
  void monitor();
  InstanceStatus snapshot(const Instance& instance) const;

  SupervisorOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<Instance>> instances_;
  std::atomic<bool> stopping_{false};
  std::thread monitor_;
};

}  // namespace herd::grid
