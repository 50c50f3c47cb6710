// `herd grid node`: the node agent. It registers with the control plane (POST
// /api/grid/v1/agent/register, keeping its node id in <data>/node-id), heartbeats every second
// with its instances' states, removes instances the control plane no longer expects, and serves
// the control plane (bearer: the node token):
//   POST   /agent/v1/instances         {name, resources{cpu,memory_mb,disk_gb}, env{...}} -> status
//   GET    /agent/v1/instances         [status]
//   GET    /agent/v1/instances/:name   status: state, port, restart_count, cpu/memory/disk use
//   DELETE /agent/v1/instances/:name   stops it and removes its data
//   GET    /health
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "grid/model.hpp"

namespace herd::grid {

struct AgentOptions {
  std::string control_url;  // "http://127.0.0.1:7000"
  std::string token;        // the grid's node token
  std::string farm = "default";
  std::string country = "BE";
  Resources capacity{2, 4096, 100};
  std::string listen = "127.0.0.1:7001";
  std::string address;  // where instances listen; default: the listen host
  std::string data_dir = "grid-node";
  std::string cgroup_root = "/sys/fs/cgroup";
  std::string cgroup_parent = "herd";
  int heartbeat_ms = 1000;
  std::string disk_quota = "check";  // or "loop" (see SupervisorOptions)
  int health_timeout_ms = 60000;     // an upgraded instance must be ready within this
  std::string binaries_dir;          // herd binaries instances may be upgraded to (<data>/binaries)
};

class Agent {
 public:
  explicit Agent(AgentOptions options);
  ~Agent();
  // Binds the listen address; throws std::runtime_error.
  void listen();
  // Serves and heartbeats until stop() or SIGINT/SIGTERM; stops the instances on return.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::grid
