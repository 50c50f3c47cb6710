#include "grid/store.hpp"

#include "core/crypto.hpp"
#include "core/ids.hpp"

namespace herd::grid::db {

namespace {

using store::Row;
using store::Value;

std::string hex(const std::string& raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

const char* kNodeColumns =
    "id, farm, country, cpu, memory_mb, disk_gb, used_cpu, used_memory_mb, used_disk_gb, up, "
    "last_heartbeat, agent_url, address";

Node node_from(const Row& r) {
  Node n;
  n.id = r.i(0);
  n.farm = r.s(1);
  n.country = r.s(2);
  n.total = {r.i(3), r.i(4), r.i(5)};
  n.used = {r.i(6), r.i(7), r.i(8)};
  n.up = r.b(9);
  n.last_heartbeat_ms = r.i(10);
  n.agent_url = r.s(11);
  n.address = r.s(12);
  return n;
}

const char* kGatewayColumns =
    "id, domain, listen_address, port, tls_port, tls_certificate, tls_key";

Gateway gateway_from(const Row& r) {
  Gateway g;
  g.id = r.i(0);
  g.domain = r.s(1);
  g.listen_address = r.s(2);
  g.port = static_cast<int>(r.i(3));
  g.tls_port = static_cast<int>(r.i(4));
  g.tls_certificate = r.s(5);
  g.tls_key = r.s(6);
  return g;
}

const char* kDeploymentColumns =
    "id, name, owner_id, domain, package, cpu, memory_mb, disk_gb, node_id, gateway_id, status, "
    "created_at, instance_port, admin_username, admin_email, smtp_host, restart_count, error, "
    "COALESCE((SELECT domain FROM grid_custom_domains WHERE grid_custom_domains.name = "
    "grid_deployments.name), '')";

Deployment deployment_from(const Row& r) {
  Deployment d;
  d.id = r.i(0);
  d.name = r.s(1);
  d.owner_id = r.i(2);
  d.domain = r.s(3);
  d.package = r.s(4);
  d.resources = {r.i(5), r.i(6), r.i(7)};
  d.node_id = r.i(8);
  d.gateway_id = r.i(9);
  d.status = r.s(10);
  d.created_at_ms = r.i(11);
  d.instance_port = static_cast<int>(r.i(12));
  d.admin_username = r.s(13);
  d.admin_email = r.s(14);
  d.smtp_host = r.s(15);
  d.restart_count = static_cast<int>(r.i(16));
  d.error = r.s(17);
  d.custom_domain = r.s(18);
  return d;
}

std::int64_t next_small_id(Connection& c, const char* table) {
  auto result = c.query(std::string("SELECT COALESCE(MAX(id), 0) + 1 FROM ") + table);
  return result.front().i(0);
}

}  // namespace

void migrate_grid(store::Database& database) {
  database.write([](Connection& c) {
    for (const char* sql : {
             R"(CREATE TABLE IF NOT EXISTS grid_owners (
  id BIGINT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', token_digest TEXT NOT NULL UNIQUE))",
             R"(CREATE TABLE IF NOT EXISTS grid_farms (name TEXT PRIMARY KEY))",
             R"(CREATE TABLE IF NOT EXISTS grid_nodes (
  id BIGINT PRIMARY KEY, farm TEXT NOT NULL, country TEXT NOT NULL,
  cpu BIGINT NOT NULL, memory_mb BIGINT NOT NULL, disk_gb BIGINT NOT NULL,
  used_cpu BIGINT NOT NULL DEFAULT 0, used_memory_mb BIGINT NOT NULL DEFAULT 0,
  used_disk_gb BIGINT NOT NULL DEFAULT 0, up INTEGER NOT NULL DEFAULT 0,
  last_heartbeat BIGINT NOT NULL DEFAULT 0, agent_url TEXT NOT NULL, address TEXT NOT NULL))",
             R"(CREATE TABLE IF NOT EXISTS grid_gateways (
  id BIGINT PRIMARY KEY, domain TEXT NOT NULL UNIQUE, listen_address TEXT NOT NULL DEFAULT '',
  port INTEGER NOT NULL, tls_port INTEGER NOT NULL DEFAULT 443,
  tls_certificate TEXT NOT NULL DEFAULT '', tls_key TEXT NOT NULL DEFAULT ''))",
             R"(CREATE TABLE IF NOT EXISTS grid_deployments (
  id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, owner_id BIGINT NOT NULL,
  domain TEXT NOT NULL, package TEXT NOT NULL, cpu BIGINT NOT NULL, memory_mb BIGINT NOT NULL,
  disk_gb BIGINT NOT NULL, node_id BIGINT NOT NULL, gateway_id BIGINT NOT NULL,
  status TEXT NOT NULL, created_at BIGINT NOT NULL, instance_port INTEGER NOT NULL DEFAULT 0,
  admin_username TEXT NOT NULL, admin_email TEXT NOT NULL, smtp_host TEXT NOT NULL DEFAULT '',
  restart_count INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT ''))",
             // A deployment's custom domain (at most one), recorded once verified.
             R"(CREATE TABLE IF NOT EXISTS grid_custom_domains (
  name TEXT PRIMARY KEY, domain TEXT NOT NULL UNIQUE, verified_at BIGINT NOT NULL))",
         }) {
      c.query(sql);
    }
  });
}

std::optional<Owner> find_owner_by_token(Connection& c, const std::string& token) {
  auto result =
      c.query("SELECT id, name FROM grid_owners WHERE token_digest = ?", {hex(sha256_raw(token))});
  if (result.empty()) return std::nullopt;
  return Owner{result.front().i(0), result.front().s(1)};
}

Owner upsert_owner(Connection& c, std::int64_t id, const std::string& name,
                   const std::string& token) {
  c.query(
      "INSERT INTO grid_owners (id, name, token_digest) VALUES (?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, token_digest = excluded.token_digest",
      {id, name, hex(sha256_raw(token))});
  return Owner{id, name};
}

std::vector<Node> list_nodes(Connection& c) {
  std::vector<Node> out;
  for (const auto& row :
       c.query(std::string("SELECT ") + kNodeColumns + " FROM grid_nodes ORDER BY id").rows)
    out.push_back(node_from(row));
  return out;
}

std::optional<Node> find_node(Connection& c, std::int64_t id) {
  auto result =
      c.query(std::string("SELECT ") + kNodeColumns + " FROM grid_nodes WHERE id = ?", {id});
  if (result.empty()) return std::nullopt;
  return node_from(result.front());
}

Node register_node(Connection& c, std::optional<std::int64_t> wanted_id, const Node& node,
                   std::int64_t now_ms) {
  c.query("INSERT INTO grid_farms (name) VALUES (?) ON CONFLICT (name) DO NOTHING", {node.farm});
  std::optional<Node> existing;
  if (wanted_id) existing = find_node(c, *wanted_id);
  if (existing) {
    c.query(
        "UPDATE grid_nodes SET farm = ?, country = ?, cpu = ?, memory_mb = ?, disk_gb = ?, up = 1, "
        "last_heartbeat = ?, agent_url = ?, address = ? WHERE id = ?",
        {node.farm, node.country, node.total.cpu, node.total.memory_mb, node.total.disk_gb, now_ms,
         node.agent_url, node.address, existing->id});
    return *find_node(c, existing->id);
  }
  std::int64_t id = wanted_id.value_or(next_small_id(c, "grid_nodes"));
  c.query(
      "INSERT INTO grid_nodes (id, farm, country, cpu, memory_mb, disk_gb, up, last_heartbeat, "
      "agent_url, address) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
      {id, node.farm, node.country, node.total.cpu, node.total.memory_mb, node.total.disk_gb,
       now_ms, node.agent_url, node.address});
  return *find_node(c, id);
}

bool touch_node(Connection& c, std::int64_t id, std::int64_t now_ms) {
  return c.query("UPDATE grid_nodes SET last_heartbeat = ?, up = 1 WHERE id = ?", {now_ms, id})
             .affected > 0;
}

std::vector<std::int64_t> mark_stale_nodes_down(Connection& c, std::int64_t cutoff_ms) {
  std::vector<std::int64_t> ids;
  for (const auto& row :
       c.query("UPDATE grid_nodes SET up = 0 WHERE up = 1 AND last_heartbeat < ? RETURNING id",
               {cutoff_ms})
           .rows)
    ids.push_back(row.i(0));
  return ids;
}

void set_node_up(Connection& c, std::int64_t id, bool up) {
  c.query("UPDATE grid_nodes SET up = ? WHERE id = ?", {std::int64_t{up ? 1 : 0}, id});
}

bool reserve_capacity(Connection& c, std::int64_t node_id, const Resources& need) {
  return c.query(
              "UPDATE grid_nodes SET used_cpu = used_cpu + ?, used_memory_mb = used_memory_mb + ?, "
              "used_disk_gb = used_disk_gb + ? WHERE id = ? AND up = 1 AND cpu - used_cpu >= ? "
              "AND memory_mb - used_memory_mb >= ? AND disk_gb - used_disk_gb >= ?",
              {need.cpu, need.memory_mb, need.disk_gb, node_id, need.cpu, need.memory_mb,
               need.disk_gb})
             .affected == 1;
}

void release_capacity(Connection& c, std::int64_t node_id, const Resources& need) {
  c.query(
      "UPDATE grid_nodes SET used_cpu = used_cpu - ?, used_memory_mb = used_memory_mb - ?, "
      "used_disk_gb = used_disk_gb - ? WHERE id = ?",
      {need.cpu, need.memory_mb, need.disk_gb, node_id});
}

std::vector<std::string> list_farms(Connection& c) {
  std::vector<std::string> out;
  for (const auto& row : c.query("SELECT name FROM grid_farms ORDER BY name").rows)
    out.push_back(row.s(0));
  return out;
}

std::vector<std::string> list_countries(Connection& c) {
  std::vector<std::string> out;
  for (const auto& row :
       c.query("SELECT DISTINCT country FROM grid_nodes WHERE up = 1 ORDER BY country").rows)
    out.push_back(row.s(0));
  return out;
}

std::vector<Gateway> list_gateways(Connection& c) {
  std::vector<Gateway> out;
  for (const auto& row :
       c.query(std::string("SELECT ") + kGatewayColumns + " FROM grid_gateways ORDER BY id").rows)
    out.push_back(gateway_from(row));
  return out;
}

std::optional<Gateway> find_gateway(Connection& c, std::int64_t id) {
  auto result =
      c.query(std::string("SELECT ") + kGatewayColumns + " FROM grid_gateways WHERE id = ?", {id});
  if (result.empty()) return std::nullopt;
  return gateway_from(result.front());
}

Gateway upsert_gateway(Connection& c, const Gateway& g) {
  auto existing = c.query("SELECT id FROM grid_gateways WHERE domain = ?", {g.domain});
  std::int64_t id = existing.empty() ? next_small_id(c, "grid_gateways") : existing.front().i(0);
  c.query(
      "INSERT INTO grid_gateways (id, domain, listen_address, port, tls_port, tls_certificate, "
      "tls_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
      "listen_address = excluded.listen_address, port = excluded.port, "
      "tls_port = excluded.tls_port, tls_certificate = excluded.tls_certificate, "
      "tls_key = excluded.tls_key",
      {id, g.domain, g.listen_address, std::int64_t{g.port}, std::int64_t{g.tls_port},
       g.tls_certificate, g.tls_key});
  return *find_gateway(c, id);
}

bool insert_deployment(Connection& c, const Deployment& d) {
  return c.query(
              "INSERT INTO grid_deployments (id, name, owner_id, domain, package, cpu, memory_mb, "
              "disk_gb, node_id, gateway_id, status, created_at, admin_username, admin_email, "
              "smtp_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (name) DO NOTHING",
              {next_id(), d.name, d.owner_id, d.domain, d.package, d.resources.cpu,
               d.resources.memory_mb, d.resources.disk_gb, d.node_id, d.gateway_id, d.status,
               d.created_at_ms, d.admin_username, d.admin_email, d.smtp_host})
             .affected == 1;
}

std::optional<Deployment> find_deployment(Connection& c, const std::string& name) {
  auto result =
      c.query(std::string("SELECT ") + kDeploymentColumns + " FROM grid_deployments WHERE name = ?",
              {name});
  if (result.empty()) return std::nullopt;
  return deployment_from(result.front());
}

std::vector<Deployment> list_deployments(Connection& c, std::optional<std::int64_t> owner_id) {
  std::vector<Deployment> out;
  std::string sql = std::string("SELECT ") + kDeploymentColumns + " FROM grid_deployments";
  store::Result result =
      owner_id ? c.query(sql + " WHERE owner_id = ? ORDER BY created_at, id", {*owner_id})
               : c.query(sql + " ORDER BY created_at, id");
  for (const auto& row : result.rows) out.push_back(deployment_from(row));
  return out;
}

std::vector<Deployment> deployments_on_node(Connection& c, std::int64_t node_id) {
  std::vector<Deployment> out;
  for (const auto& row : c.query(std::string("SELECT ") + kDeploymentColumns +
                                     " FROM grid_deployments WHERE node_id = ? ORDER BY id",
                                 {node_id})
                             .rows)
    out.push_back(deployment_from(row));
  return out;
}

void set_deployment_status(Connection& c, const std::string& name, const std::string& status,
                           const std::string& error) {
  c.query("UPDATE grid_deployments SET status = ?, error = ? WHERE name = ?",
          {status, error, name});
}

void set_deployment_port(Connection& c, const std::string& name, int port) {
  c.query("UPDATE grid_deployments SET instance_port = ? WHERE name = ?",
          {std::int64_t{port}, name});
}

void set_deployment_resources(Connection& c, const std::string& name, const std::string& package,
                              const Resources& r) {
  c.query(
      "UPDATE grid_deployments SET package = ?, cpu = ?, memory_mb = ?, disk_gb = ? WHERE name = ?",
      {package, r.cpu, r.memory_mb, r.disk_gb, name});
}

void set_deployment_node(Connection& c, const std::string& name, std::int64_t node_id) {
  c.query("UPDATE grid_deployments SET node_id = ? WHERE name = ?", {node_id, name});
}

void set_deployment_restarts(Connection& c, const std::string& name, int restart_count) {
  c.query("UPDATE grid_deployments SET restart_count = ? WHERE name = ?",
          {std::int64_t{restart_count}, name});
}

void delete_deployment(Connection& c, const std::string& name) {
  c.query("DELETE FROM grid_custom_domains WHERE name = ?", {name});
  c.query("DELETE FROM grid_deployments WHERE name = ?", {name});
}

bool set_custom_domain(Connection& c, const std::string& name, const std::string& domain,
                       std::int64_t verified_at_ms) {
  auto taken =
      c.query("SELECT 1 FROM grid_custom_domains WHERE domain = ? AND name <> ?", {domain, name});
  if (!taken.empty()) return false;
  c.query(
      "INSERT INTO grid_custom_domains (name, domain, verified_at) VALUES (?, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET domain = excluded.domain, verified_at = "
      "excluded.verified_at",
      {name, domain, verified_at_ms});
  return true;
}

void clear_custom_domain(Connection& c, const std::string& name) {
  c.query("DELETE FROM grid_custom_domains WHERE name = ?", {name});
}

std::optional<std::string> custom_domain_owner(Connection& c, const std::string& domain) {
  auto result = c.query("SELECT name FROM grid_custom_domains WHERE domain = ?", {domain});
  if (result.empty()) return std::nullopt;
  return result.front().s(0);
}

}  // namespace herd::grid::db
