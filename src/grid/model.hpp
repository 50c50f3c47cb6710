// The grid's model: owners (who deploy, each with an API token), nodes (machines grouped in
// farms, in a country, with total and used capacity), gateways (a domain served by nginx) and
// deployments (one `herd serve` instance owned by one owner, on one node, behind one gateway).
// Plain values; persistence is in grid/store.hpp, the rules in grid/validation.hpp.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace herd::grid {

// CPU in whole cores, memory in MB, disk in GB (the units of the deploy form).
struct Resources {
  std::int64_t cpu = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  bool operator==(const Resources&) const = default;
};

struct Owner {
  std::int64_t id = 0;
  std::string name;
};

struct Node {
  std::int64_t id = 0;
  std::string farm;
  std::string country;
  Resources total;
  Resources used;
  bool up = false;
  std::int64_t last_heartbeat_ms = 0;
  std::string agent_url;  // "http://127.0.0.2:7001"
  std::string address;    // the address its instances listen on ("127.0.0.2")

  Resources free() const {
    return {total.cpu - used.cpu, total.memory_mb - used.memory_mb, total.disk_gb - used.disk_gb};
  }
};

struct Gateway {
  std::int64_t id = 0;
  std::string domain;           // "localhost"
  std::string listen_address;   // "" = all addresses
  int port = 8080;              // the HTTP port instances are reached on
  std::string tls_certificate;  // PEM file paths; both empty = no TLS
  std::string tls_key;
  int tls_port = 8443;
  bool tls() const { return !tls_certificate.empty() && !tls_key.empty(); }
  // "localhost:8080" or "example.com" when on the default port of its scheme.
  std::string host_for(const std::string& domain_name) const {
    if (tls()) return tls_port == 443 ? domain_name : domain_name + ":" + std::to_string(tls_port);
    return port == 80 ? domain_name : domain_name + ":" + std::to_string(port);
  }
  std::string scheme() const { return tls() ? "https" : "http"; }
};

struct SmtpSettings {
  std::string host;  // empty: no mail server
  int port = 587;
  std::string username;
  std::string password;
  std::string from_address;
  std::string tls = "starttls";  // starttls | tls | none
};

struct Deployment {
  std::int64_t id = 0;
  std::string name;
  std::int64_t owner_id = 0;
  std::string domain;   // "<name><owner id>.<gateway domain>"
  std::string package;  // minimum | standard | recommended | custom
  Resources resources;
  std::int64_t node_id = 0;
  std::int64_t gateway_id = 0;
  std::string status;  // deploying | running | failed | stopped
  std::int64_t created_at_ms = 0;
  int instance_port = 0;
  std::string admin_username;
  std::string admin_email;
  std::string smtp_host;  // shown in details; the SMTP password is never stored
  int restart_count = 0;
  std::string error;          // last failure, when status is failed
  std::string custom_domain;  // served too, with its own ACME certificate ("" = none)
};

// What an owner asks for. Strings as typed; validation.hpp turns it into a checked plan.
struct DeployRequest {
  std::string name;
  std::string package = "minimum";
  std::optional<std::int64_t> cpu, memory_mb, disk_gb;  // custom package only
  std::optional<std::int64_t> gateway_id;               // default: the first gateway
  std::optional<std::int64_t> node_id;                  // manual node selection
  std::string farm, country;                            // capacity filter
  std::string admin_email;
  std::string admin_username;  // default "adminuser"
  std::string admin_password;  // generated when empty
  SmtpSettings smtp;
  std::string custom_domain;  // optional; verified by an ACME HTTP-01 challenge
};

// Hourly prices used for the cost estimate.
struct Prices {
  double per_cpu = 0.01;
  double per_memory_gb = 0.005;
  double per_disk_gb = 0.0002;
};

}  // namespace herd::grid
