// nginx configuration for a gateway, generated as text (pure functions, unit-tested) and
// applied by grid/gateway.hpp. The gateway runs its own nginx with its own prefix folder:
//   <prefix>/nginx.conf       main file: default server (404 for unknown hosts), the deploy form
//                             on the gateway's bare domain, include of conf.d/*.conf
//   <prefix>/conf.d/<name>.conf  one server block per deployment
#pragma once
#include <string>

#include "grid/model.hpp"

namespace herd::grid {

struct NginxMainOptions {
  std::string prefix;         // absolute folder holding nginx.conf, conf.d/, logs/, tmp/
  std::string control_plane;  // "127.0.0.1:7000": where the deploy form and API are served
  std::string user;           // worker user when nginx starts as root ("" = leave default)
  Gateway gateway;
};

// One deployment's route (and its custom domain's): Host routing to the instance, proxy headers,
// WebSocket upgrade for /api/v1/streaming, the media body size, and a TLS server when the gateway
// has a certificate.
struct Route {
  std::string name;      // deployment name (file name)
  std::string domain;    // server_name
  std::string upstream;  // "127.0.0.2:40123"
  std::string max_body_size = "100m";
  std::string certificate, certificate_key;  // its own (ACME) certificate; "" = the gateway's
  std::string acme_root;  // folder served at /.well-known/acme-challenge/ (HTTP-01)
  // The deployment's custom domain: a server block of its own, to the same upstream, with its
  // own certificate ("" = the gateway's, until ACME has issued one).
  std::string custom_domain, custom_certificate, custom_certificate_key;
};

std::string render_main_config(const NginxMainOptions& options);
std::string render_route(const Route& route, const Gateway& gateway);
// The `listen` lines for the gateway (plain and, with TLS, ssl), used by both renderers.
std::string listen_lines(const Gateway& gateway, bool default_server);

}  // namespace herd::grid
