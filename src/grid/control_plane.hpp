// `herd grid control`: the control plane. Opens its database (SQLite in the data folder by
// default) and creates the grid tables, ensures owner 1 and its API token (given, or kept in
// <data>/owner-token), registers the gateway and starts its nginx, then serves the REST API and
// the deploy form until SIGINT/SIGTERM.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grid/model.hpp"

namespace CLI {
class App;
}

namespace herd::grid {

struct ControlOptions {
  std::string data_dir = "grid-data";
  std::string listen = "127.0.0.1:7000";
  std::string database_url;  // default: sqlite://<data>/grid.sqlite3
  std::string node_token;    // default: kept in <data>/node-token
  std::string owner_token;   // default: kept in <data>/owner-token
  Gateway gateway;           // domain "localhost", port 8080
  bool run_gateway = true;
  std::string nginx = "nginx";
  Prices prices;
  int node_timeout_ms = 10000;
  int health_timeout_ms = 60000;
  int step_delay_ms = 0;
  std::map<std::string, std::string> instance_env;
  int backup_interval_seconds = 0;  // scheduled backups of every running instance (0: none)
  int backup_keep = 7;
  std::string acme_directory, acme_email, acme_ca_file;  // ACME (see ServiceOptions)
  int acme_renew_days = 30;
  int acme_check_seconds = 12 * 3600;
};

class ControlPlane {
 public:
  explicit ControlPlane(ControlOptions options);
  ~ControlPlane();
  // Opens the database, starts the gateway and binds the API. Throws std::runtime_error.
  void start();
  void run();  // serves until stop() or a signal
  void stop();
  const std::string& owner_token() const;
  const std::string& node_token() const;
  std::string url() const;  // "http://127.0.0.1:7000"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The command-line options of the control plane, shared by `grid control` and `grid up`:
// add_control_options binds them; finish_control_options checks what needs several of them and
// fills the rest (throws CLI::ValidationError).
struct ControlFlags {
  ControlOptions options;
  std::string gateway_listen;
  std::vector<std::string> instance_env;
  bool no_gateway = false;
};
void add_control_options(CLI::App& command, ControlFlags& flags);
void finish_control_options(ControlFlags& flags);

}  // namespace herd::grid
