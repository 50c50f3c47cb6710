// The nginx gateway of a control plane: its own nginx (own prefix folder and nginx.conf, run as
// a child of the control plane with `daemon off`), one conf.d/<name>.conf per deployment.
// Every change is written, checked with `nginx -t`, and applied with `nginx -s reload` (a
// graceful reload: open connections finish on the old workers). A route that fails `nginx -t`
// is removed again and the error is raised.
#pragma once
#include <sys/types.h>

#include <mutex>
#include <string>

#include "grid/nginx_config.hpp"

namespace herd::grid {

struct GatewayOptions {
  std::string prefix;  // absolute folder for nginx.conf, conf.d, logs, tmp
  std::string nginx = "nginx";
  std::string control_plane;  // "127.0.0.1:7000"
  Gateway gateway;
};

class NginxGateway {
 public:
  explicit NginxGateway(GatewayOptions options);
  ~NginxGateway();  // stops nginx
  NginxGateway(const NginxGateway&) = delete;
  NginxGateway& operator=(const NginxGateway&) = delete;

  // Writes nginx.conf, checks it and starts nginx; waits until it accepts connections.
  // Throws std::runtime_error with nginx's own message.
  void start();
  void stop();
  // Writes, checks and loads the route of one deployment.
  // Writes, checks and loads the route (with /.well-known/acme-challenge/ served from
  // acme_webroot(), where an ACME client puts its HTTP-01 answers).
  void add_route(const Route& route);
  std::string acme_webroot() const;
  // Removes the route (if present) and reloads.
  void remove_route(const std::string& name);
  // True once the gateway answers `path` for `host` with the status wanted (polls up to timeout).
  bool wait_for(const std::string& host, int wanted_status, int timeout_ms,
                const std::string& path = "/health") const;
  const Gateway& gateway() const { return options_.gateway; }
  // "http://127.0.0.1:8080": where the gateway can be reached from this machine.
  std::string local_url() const;

 private:
  void check_config() const;  // nginx -t
  void reload() const;        // nginx -s reload
  std::vector<std::string> base_command() const;
  std::string route_path(const std::string& name) const;

  GatewayOptions options_;
  mutable std::mutex mutex_;
  pid_t pid_ = 0;
};

}  // namespace herd::grid
