// The node agent's lifecycle operations on one instance, over its Supervisor: backups (`herd admin
// backup` run with the instance's own settings, into <data>/backups/<name>/<id>, while it
// serves), restore (stop, `herd admin restore --force`, start), and upgrade to another herd binary
// (backup, stop, start on the new binary, wait until /health/ready answers; on failure stop,
// restore the backup with the previous binary and start it again).
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "grid/supervisor.hpp"
#include "http/router.hpp"

namespace herd::grid {

struct BackupInfo {
  std::string id;  // "20261206T071500Z-123" (UTC time and ms)
  std::int64_t created_at_ms = 0;
  std::int64_t bytes = 0;
};

// An upgrade that failed and was rolled back (the instance runs its previous binary and data).
class UpgradeFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InstanceOps {
 public:
  InstanceOps(Supervisor& supervisor, std::string backup_root);

  // Throws std::runtime_error (unknown instance, herd admin failed: its output in the message).
  BackupInfo backup(const std::string& name);
  std::vector<BackupInfo> backups(const std::string& name) const;  // newest first
  // Keeps the newest `keep` backups of the instance; returns how many were removed.
  int prune(const std::string& name, std::size_t keep);
  // The instance runs again afterwards, whether the restore worked or not.
  InstanceStatus restore(const std::string& name, const std::string& backup_id);
  // Throws UpgradeFailed after a rollback, std::runtime_error when it could not even begin.
  InstanceStatus upgrade(const std::string& name, const std::string& executable,
                         int health_timeout_ms);
  // Removes the instance's backups (when the deployment is deleted).
  void remove_all(const std::string& name);
  // A backup as a tar archive (its folder: manifest, database, media, and instance.json, the
  // instance's spec), to be kept off the node.
  std::string archive(const std::string& name, const std::string& backup_id) const;
  // Takes an instance from another node: unpacks the archive as one of its backups, restores it
  // into a new data folder with the spec it carries (resources from `resources`) and starts it.
  InstanceStatus adopt(const std::string& name, const std::string& backup_id,
                       const std::string& archive, const Resources& resources);

 private:
  std::string folder(const std::string& name) const;
  // Runs `<binary> admin <args>` with the instance's settings; throws with its output on failure.
  void admin(const InstanceSpec& spec, const std::string& executable,
             const std::vector<std::string>& args) const;
  // "" once /health/ready answers 200; else why not (it exited, or the time ran out).
  std::string not_ready(const InstanceStatus& status, int timeout_ms) const;

  Supervisor& supervisor_;
  std::string root_;
};

// An instance's state as the agent's API shows it.
boost::json::object instance_status_json(const InstanceStatus& status);

// The agent's routes for these operations (authorize checks the node token):
//   POST /agent/v1/instances/:name/stop              -> {stopped}  (kept stopped, data kept)
//   POST /agent/v1/instances/:name/start             -> status
//   POST /agent/v1/instances/:name/resize {resources{cpu,memory_mb,disk_gb}} -> status
//   POST /agent/v1/instances/:name/backups           -> backup {id, created_at, bytes}
//   GET  /agent/v1/instances/:name/backups           -> [backup]
//   POST /agent/v1/instances/:name/restore {backup}  -> status
//   POST /agent/v1/instances/:name/upgrade {binary}  -> status; 409 when rolled back (binary: a
//        file name in binaries_dir, so that the control plane can only pick what the node has)
//   GET  /agent/v1/instances/:name/logs?lines=N      -> {lines}
//   GET  /agent/v1/instances/:name/backups/:id/archive -> {archive: base64 tar}
//   POST /agent/v1/adopt {name, backup, archive (base64 tar), resources} -> status (201)
void add_lifecycle_routes(http::Router& router, Supervisor& supervisor, InstanceOps& ops,
                          std::function<void(const http::Request&)> authorize,
                          int health_timeout_ms, const std::string& binaries_dir);

}  // namespace herd::grid
