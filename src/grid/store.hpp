// The control plane's tables (grid_*), created by migrate_grid() in the control plane's own
// database, and every SQL statement the grid runs. Functions take a store::Connection inside the
// caller's read or write transaction. SQL is shared by SQLite and PostgreSQL.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "grid/model.hpp"
#include "store/database.hpp"

namespace herd::grid::db {

using store::Connection;

// Creates the grid tables when missing. Idempotent.
void migrate_grid(store::Database& database);

// Owners. Tokens are stored as SHA-256 hex digests.
std::optional<Owner> find_owner_by_token(Connection& c, const std::string& token);
// Creates the owner with this id (or updates its token). Returns the owner.
Owner upsert_owner(Connection& c, std::int64_t id, const std::string& name,
                   const std::string& token);

// Nodes. Ids are small integers (1, 2, ...), typed by people in the form.
std::vector<Node> list_nodes(Connection& c);
std::optional<Node> find_node(Connection& c, std::int64_t id);
// Registers a node: keeps `wanted_id` when given and known, else a new id. Marks it up.
Node register_node(Connection& c, std::optional<std::int64_t> wanted_id, const Node& node,
                   std::int64_t now_ms);
// Records a heartbeat; false when the node is unknown.
bool touch_node(Connection& c, std::int64_t id, std::int64_t now_ms);
// Marks down the up nodes whose last heartbeat is older than cutoff_ms; returns their ids.
std::vector<std::int64_t> mark_stale_nodes_down(Connection& c, std::int64_t cutoff_ms);
void set_node_up(Connection& c, std::int64_t id, bool up);
// Adds `need` to the node's used capacity if it is up and has enough free; false otherwise.
bool reserve_capacity(Connection& c, std::int64_t node_id, const Resources& need);
void release_capacity(Connection& c, std::int64_t node_id, const Resources& need);
std::vector<std::string> list_farms(Connection& c);
std::vector<std::string> list_countries(Connection& c);

// Gateways.
std::vector<Gateway> list_gateways(Connection& c);
std::optional<Gateway> find_gateway(Connection& c, std::int64_t id);
// Creates or updates the gateway with this domain; returns it with its id.
Gateway upsert_gateway(Connection& c, const Gateway& gateway);

// Deployments. insert_deployment returns false when the name is taken (no row written).
bool insert_deployment(Connection& c, const Deployment& deployment);
std::optional<Deployment> find_deployment(Connection& c, const std::string& name);
std::vector<Deployment> list_deployments(Connection& c, std::optional<std::int64_t> owner_id);
std::vector<Deployment> deployments_on_node(Connection& c, std::int64_t node_id);
void set_deployment_status(Connection& c, const std::string& name, const std::string& status,
                           const std::string& error = "");
void set_deployment_port(Connection& c, const std::string& name, int port);
void set_deployment_node(Connection& c, const std::string& name, std::int64_t node_id);
void set_deployment_resources(Connection& c, const std::string& name, const std::string& package,
                              const Resources& resources);
void set_deployment_restarts(Connection& c, const std::string& name, int restart_count);
void delete_deployment(Connection& c, const std::string& name);
// Custom domains (one per deployment; a domain belongs to one deployment). set_custom_domain
// returns false when another deployment has the domain.
bool set_custom_domain(Connection& c, const std::string& name, const std::string& domain,
                       std::int64_t verified_at_ms);
void clear_custom_domain(Connection& c, const std::string& name);
std::optional<std::string> custom_domain_owner(Connection& c, const std::string& domain);

}  // namespace herd::grid::db
