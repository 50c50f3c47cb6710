// The control plane's operations, shared by the REST API, the form and (through the API) the
// CLI. Each one is a short transaction on the grid tables plus calls to node agents and the
// gateway. deploy() is a sequence of steps with rollback (grid/steps.hpp):
//   reserve capacity (and the name) -> start the instance on its node -> wait for its /health
//   -> write, check and load the gateway route -> mark running.
// A failure undoes every step before it; the error says which step failed and why.
#pragma once
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grid/gateway.hpp"
#include "grid/model.hpp"
#include "grid/nginx_config.hpp"
#include "grid/scheduler.hpp"
#include "store/database.hpp"

namespace herd::grid {

struct ServiceOptions {
  std::string node_token;
  Prices prices;
  int node_timeout_ms = 10000;    // a node without heartbeat for this long is down
  int health_timeout_ms = 60000;  // an instance must answer /health within this
  int step_delay_ms = 0;          // test hook: pause after the instance starts
  std::map<std::string, std::string> instance_env;  // extra env for every instance
  int backup_interval_seconds = 0;  // scheduled backups of every running instance (0: none)
  int backup_keep = 7;              // scheduled backups kept per instance
  std::string backup_dir;           // copies of the backups kept off the nodes ("" = none kept)
  // ACME (HTTP-01 through the gateway, by Debian's lego): certificates for every deployment's
  // domain when acme_directory is set; kept under acme_dir; acme_ca_file: a CA bundle to trust
  // for the ACME server itself (a test server such as pebble).
  std::string acme_directory, acme_email, acme_ca_file, acme_dir;
  int acme_renew_days = 30;            // renewed when it expires within this many days
  int acme_check_seconds = 12 * 3600;  // how often certificates are checked for renewal
};

struct DeployResult {
  Deployment deployment;
  std::string admin_password;  // shown once
};

class GridService {
 public:
  GridService(ServiceOptions options, store::Database& db, NginxGateway* gateway);
  ~GridService();

  std::optional<Owner> authenticate(const std::string& token) const;
  const ServiceOptions& options() const { return options_; }
  store::Database& db() { return db_; }

  // Throws ApiError: 422 validation, 409 name taken, 503 node unreachable or failed step.
  DeployResult deploy(const Owner& owner, DeployRequest request);
  std::vector<Deployment> list(const Owner& owner);
  Deployment get(const Owner& owner, const std::string& name);
  // Live state from the node agent (null when unreachable).
  boost::json::value live(const Deployment& deployment);
  void remove(const Owner& owner, const std::string& name);

  // Lifecycle (grid/lifecycle.cpp). Each throws ApiError: 404 unknown, 409 not in a state for it
  // (or an upgrade rolled back), 422 bad input, 503 node unreachable or the operation failed.
  // Stop keeps the data and capacity and takes the route down; start brings both back.
  Deployment stop(const Owner& owner, const std::string& name);
  Deployment start(const Owner& owner, const std::string& name);
  // A backup on the instance's node (`herd admin backup` while it serves): {id, created_at, bytes}.
  boost::json::value backup(const Owner& owner, const std::string& name);
  boost::json::value backups(const Owner& owner, const std::string& name);
  // Puts a backup back (the instance is stopped meanwhile and runs again after).
  Deployment restore(const Owner& owner, const std::string& name, const std::string& backup_id);
  // Runs the instance on another herd binary (a path on its node): migrations run at its start;
  // not ready in time, it goes back to the previous binary and the backup taken just before.
  Deployment upgrade(const Owner& owner, const std::string& name, const std::string& executable);
  // Another package (or custom resources): cgroup limits changed in place while it runs when it
  // fits its node; else moved (as by move, from a backup taken now) to the first other node that
  // is up and has room, with the new limits; 422 when no node has room.
  Deployment resize(const Owner& owner, const std::string& name, const std::string& package,
                    const Resources& resources);
  // Moves the instance to another node (node_id, or the first that fits in farm/country): from
  // a backup taken now when its node is up, else from the newest copy kept by the control plane
  // (what was written after that backup is lost with the node). The old node removes its copy.
  Deployment move(const Owner& owner, const std::string& name, std::optional<std::int64_t> node_id,
                  const std::string& farm, const std::string& country);
  // A custom domain (grid/certificates.cpp): served by the gateway besides the deployment's own
  // subdomain, with its own ACME certificate, renewed as the others; verified by the ACME
  // HTTP-01 challenge (its DNS must point at the gateway). Needs ACME on the grid; 422 when it
  // cannot be verified, 409 when another deployment has it. Replaces any previous one.
  Deployment set_custom_domain(const Owner& owner, const std::string& name,
                               const std::string& domain);
  Deployment remove_custom_domain(const Owner& owner, const std::string& name);
  // What the operator sees besides `live`: readiness, user and status counts from the
  // instance's own API, and its recent log lines.
  boost::json::object observe(const Deployment& deployment);
  // Starts the thread taking scheduled backups (when backup_interval_seconds > 0).
  void start_backup_scheduler();

  std::vector<Node> nodes();
  std::vector<Node> suggest(const NodeFilter& filter);
  std::vector<Gateway> gateways();
  std::vector<std::string> farms();
  std::vector<std::string> countries();
  std::optional<Node> node(std::int64_t id);
  std::optional<Gateway> gateway(std::int64_t id);

  // Node agents (authenticated with the node token by the caller).
  Node register_node(std::optional<std::int64_t> id, const Node& node);
  // Records a heartbeat and the instances' states; returns the names the node should run, or
  // nullopt when the node is unknown.
  std::optional<std::vector<std::string>> heartbeat(
      std::int64_t node_id,
      const std::vector<std::pair<std::string, std::pair<std::string, int>>>& instances);

  // Rolls back deploys that a stop of the control plane interrupted (status still deploying):
  // frees their capacity, removes their route and record; their nodes then remove the instance
  // (it is no longer expected). Returns their names.
  std::vector<std::string> roll_back_interrupted();

  // Starts the thread marking silent nodes down.
  void start_monitor();

 private:
  void wait_for_health(const Deployment& d, const Node& node);
  // move's work: runs the deployment on node_id (or the first that fits in farm/country) with
  // these resources, from a backup taken now (old node up) or the newest one kept here.
  Deployment relocate(const Owner& owner, const Deployment& d, std::optional<std::int64_t> node_id,
                      const std::string& farm, const std::string& country,
                      const std::string& package, const Resources& resources);
  void stop_on_node(const Node& node, const std::string& name);

  ServiceOptions options_;
  store::Database& db_;
  NginxGateway* gateway_;
  std::atomic<bool> stopping_{false};
  std::thread monitor_;
  std::thread backup_scheduler_;
  // A call to the deployment's node agent; throws ApiError(unavailable) when it is unreachable,
  // and maps its refusals (4xx/5xx) to ApiErrors with its message.
  boost::json::value call_agent(const Deployment& d, const std::string& method,
                                const std::string& path, const boost::json::object& body,
                                int timeout_ms);
  void route_to(const Deployment& d, const Node& node);
  // The gateway route of a deployment on a node, with its ACME certificate when it has one.
  Route route_for(const Deployment& d, const Node& node) const;
  // Gets (or renews when due) a domain's certificate by ACME; throws std::runtime_error.
  void issue_certificate(const std::string& domain);
  // A custom domain for d, checked (ACME on, a host name outside the gateway's domain, not
  // another deployment's); returns it in lower case. Throws ApiError.
  std::string check_custom_domain(const Deployment& d, const std::string& domain);
  // Serves the domain for d on node n, gets its certificate (the HTTP-01 challenge is the
  // verification) and records it; on refusal the route goes back as it was (ApiError 422).
  void attach_custom_domain(Deployment& d, const Node& n, const std::string& domain);
  // Copies a backup from its node into backup_dir (the newest backup_keep kept); false on failure.
  bool keep_off_node(const Deployment& d, const std::string& backup_id);
};

}  // namespace herd::grid
