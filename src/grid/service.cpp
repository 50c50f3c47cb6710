#include "grid/service.hpp"

#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/http_client.hpp"
#include "grid/steps.hpp"
#include "grid/store.hpp"
#include "grid/validation.hpp"

namespace herd::grid {

namespace json = boost::json;

namespace {

std::string describe(const Resources& r) {
  return std::to_string(r.cpu) + " vCores, " + std::to_string(r.memory_mb) + " MB memory, " +
         std::to_string(r.disk_gb) + " GB disk";
}

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

GridService::GridService(ServiceOptions options, store::Database& db, NginxGateway* gateway)
    : options_(std::move(options)), db_(db), gateway_(gateway) {}

GridService::~GridService() {
  stopping_ = true;
  if (monitor_.joinable()) monitor_.join();
  if (backup_scheduler_.joinable()) backup_scheduler_.join();
}

std::optional<Owner> GridService::authenticate(const std::string& token) const {
  if (token.empty()) return std::nullopt;
  return db_.read_value([&](store::Connection& c) { return db::find_owner_by_token(c, token); });
}

std::vector<Node> GridService::nodes() {
  return db_.read_value([](store::Connection& c) { return db::list_nodes(c); });
}
std::vector<Node> GridService::suggest(const NodeFilter& filter) {
  return suggest_nodes(nodes(), filter);
}
std::vector<Gateway> GridService::gateways() {
  return db_.read_value([](store::Connection& c) { return db::list_gateways(c); });
}
std::vector<std::string> GridService::farms() {
  return db_.read_value([](store::Connection& c) { return db::list_farms(c); });
}
std::vector<std::string> GridService::countries() {
  return db_.read_value([](store::Connection& c) { return db::list_countries(c); });
}
std::optional<Node> GridService::node(std::int64_t id) {
  return db_.read_value([&](store::Connection& c) { return db::find_node(c, id); });
}
std::optional<Gateway> GridService::gateway(std::int64_t id) {
  return db_.read_value([&](store::Connection& c) { return db::find_gateway(c, id); });
}

std::vector<Deployment> GridService::list(const Owner& owner) {
  return db_.read_value([&](store::Connection& c) { return db::list_deployments(c, owner.id); });
}

Deployment GridService::get(const Owner& owner, const std::string& name) {
  auto d = db_.read_value([&](store::Connection& c) { return db::find_deployment(c, name); });
  if (!d || d->owner_id != owner.id) not_found("No deployment named \"" + name + "\"");
  return *d;
}

json::value GridService::live(const Deployment& d) {
  auto n = node(d.node_id);
  if (!n || !n->up) return nullptr;
  try {
    auto result = http_request("GET", n->agent_url + "/agent/v1/instances/" + d.name, "",
                               {options_.node_token, "", 3000});
    if (result.status != 200) return nullptr;
    return result.json();
  } catch (const HttpUnreachable&) {
    return nullptr;
  }
}

void GridService::wait_for_health(const Deployment& d, const Node& n) {
  std::string url = "http://" + n.address + ":" + std::to_string(d.instance_port) + "/health";
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.health_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (http_request("GET", url, "", {"", "", 2000}).status == 200) return;
    } catch (const HttpUnreachable&) {
    }
    // Not answering yet: is the node still there, and the instance still running?
    try {
      auto agent = http_request("GET", n.agent_url + "/agent/v1/instances/" + d.name, "",
                                {options_.node_token, "", 2000});
      if (agent.status == 404)
        throw std::runtime_error("the instance is no longer on node " + std::to_string(n.id));
    } catch (const HttpUnreachable&) {
      throw std::runtime_error("node " + std::to_string(n.id) +
                               " went down during the deploy (its agent stopped answering)");
    }
    sleep_ms(200);
  }
  throw std::runtime_error("the instance did not answer /health within " +
                           std::to_string(options_.health_timeout_ms / 1000) + " s");
}

void GridService::stop_on_node(const Node& n, const std::string& name) {
  try {
    auto result = http_request("DELETE", n.agent_url + "/agent/v1/instances/" + name, "",
                               {options_.node_token, "", 15000});
    if (result.status != 200)
      throw std::runtime_error("node " + std::to_string(n.id) + " refused to stop " + name + ": " +
                               result.error_message());
  } catch (const HttpUnreachable& error) {
    // The agent removes instances it is not expected to run when it comes back.
    throw std::runtime_error("node " + std::to_string(n.id) +
                             " is unreachable; it will remove the instance when it is back");
  }
}

DeployResult GridService::deploy(const Owner& owner, DeployRequest request) {
  DeployPlan plan = validate_request(std::move(request));
  const DeployRequest& r = plan.request;
  const Resources need = plan.resources;

  std::optional<Gateway> gw;
  auto all_gateways = gateways();
  if (r.gateway_id) {
    gw = gateway(*r.gateway_id);
    if (!gw)
      fail(ErrorKind::validation, "Gateway " + std::to_string(*r.gateway_id) + " does not exist.");
  } else {
    if (all_gateways.empty()) fail(ErrorKind::validation, "The grid has no gateway.");
    gw = all_gateways.front();
  }
  if (!gateway_ || gateway_->gateway().domain != gw->domain)
    fail(ErrorKind::validation, "Gateway " + gw->domain + " is not managed by this control plane.");

  Node chosen;
  if (r.node_id) {
    auto n = node(*r.node_id);
    if (!n) fail(ErrorKind::validation, "Node " + std::to_string(*r.node_id) + " does not exist.");
    if (auto refusal = node_refusal(*n, need)) fail(ErrorKind::validation, *refusal);
    chosen = *n;
  } else {
    auto candidates = suggest({r.farm, r.country, need});
    if (candidates.empty()) {
      std::string where;
      if (!r.farm.empty()) where += " in farm " + r.farm;
      if (!r.country.empty()) where += " in country " + r.country;
      fail(ErrorKind::validation,
           "No node that is up" + where + " has enough free capacity for " + describe(need) + ".");
    }
    chosen = candidates.front();
  }

  Deployment d;
  d.name = r.name;
  d.owner_id = owner.id;
  d.domain = deployment_domain(r.name, owner.id, gw->domain);
  d.package = r.package;
  d.resources = need;
  d.node_id = chosen.id;
  d.gateway_id = gw->id;
  d.status = "deploying";
  d.created_at_ms = now_unix_ms();
  d.admin_username = r.admin_username;
  d.admin_email = r.admin_email;
  d.smtp_host = r.smtp.host;
  std::string custom_domain =
      r.custom_domain.empty() ? "" : check_custom_domain(d, r.custom_domain);

  std::vector<Step> steps;
  steps.push_back({"reserve capacity",
                   [&] {
                     db_.write([&](store::Connection& c) {
                       if (!db::insert_deployment(c, d))
                         fail(ErrorKind::conflict, "The name \"" + d.name + "\" is already taken.");
                       if (!db::reserve_capacity(c, d.node_id, need)) {
                         auto now = db::find_node(c, d.node_id);
                         fail(ErrorKind::validation,
                              now ? node_refusal(*now, need).value_or("Node is busy.")
                                  : "Node is gone.");
                       }
                     });
                   },
                   [&] {
                     db_.write([&](store::Connection& c) {
                       db::release_capacity(c, d.node_id, need);
                       db::delete_deployment(c, d.name);
                     });
                   }});
  steps.push_back(
      {"start the instance",
       [&] {
         json::object env{{"LOCAL_DOMAIN", gw->host_for(d.domain)},
                          {"LOCAL_HTTPS", gw->tls() ? "true" : "false"},
                          {"HERD_ADMIN_EMAIL", r.admin_email},
                          {"HERD_ADMIN_USERNAME", r.admin_username},
                          {"HERD_ADMIN_PASSWORD", r.admin_password},
                          {"HERD_INSTANCE_TITLE", d.name}};
         if (!r.smtp.host.empty()) {
           env["SMTP_SERVER"] = r.smtp.host;
           env["SMTP_PORT"] = std::to_string(r.smtp.port);
           env["SMTP_LOGIN"] = r.smtp.username;
           env["SMTP_PASSWORD"] = r.smtp.password;
           env["SMTP_FROM_ADDRESS"] =
               r.smtp.from_address.empty() ? "notifications@" + d.domain : r.smtp.from_address;
           env["SMTP_TLS"] = r.smtp.tls;
         }
         for (const auto& [key, value] : options_.instance_env) env[key] = value;
         json::object body{{"name", d.name},
                           {"resources", json::object{{"cpu", need.cpu},
                                                      {"memory_mb", need.memory_mb},
                                                      {"disk_gb", need.disk_gb}}},
                           {"env", env}};
         HttpResult result;
         try {
           result = http_request("POST", chosen.agent_url + "/agent/v1/instances",
                                 json::serialize(body), {options_.node_token, "", 20000});
         } catch (const HttpUnreachable&) {
           throw std::runtime_error("node " + std::to_string(chosen.id) + " is unreachable");
         }
         if (result.status != 201)
           throw std::runtime_error("node " + std::to_string(chosen.id) +
                                    " could not start the instance: " + result.error_message());
         d.instance_port = static_cast<int>(result.json().at("port").to_number<std::int64_t>());
         db_.write(
             [&](store::Connection& c) { db::set_deployment_port(c, d.name, d.instance_port); });
       },
       [&] { stop_on_node(chosen, d.name); }});
  steps.push_back({"wait for the instance's /health",
                   [&] {
                     if (options_.step_delay_ms > 0) sleep_ms(options_.step_delay_ms);
                     wait_for_health(d, chosen);
                   },
                   {}});
  steps.push_back({"configure the gateway",
                   [&] {
                     gateway_->add_route(route_for(d, chosen));
                     if (!gateway_->wait_for(gw->host_for(d.domain), 200, 15000))
                       throw std::runtime_error("the gateway does not reach the instance");
                   },
                   [&] { gateway_->remove_route(d.name); }});
  if (!options_.acme_directory.empty())
    steps.push_back({"get its certificate by ACME",
                     [&] {
                       issue_certificate(d.domain);
                       gateway_->add_route(route_for(d, chosen));
                     },
                     {}});
  if (!custom_domain.empty())
    steps.push_back(
        {"verify its custom domain by ACME",
         [&] { attach_custom_domain(d, chosen, custom_domain); },
         [&] { db_.write([&](store::Connection& c) { db::clear_custom_domain(c, d.name); }); }});
  steps.push_back(
      {"mark running",
       [&] {
         db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "running"); });
         d.status = "running";
       },
       {}});
  try {
    run_steps(steps, [&](const std::string& event, const std::string& step, const std::string&) {
      if (event == "run") log::info("deploy {}: {}", d.name, step);
    });
  } catch (const ApiError&) {
    throw;
  } catch (const std::exception& error) {
    fail(ErrorKind::unavailable,
         "Deploy of \"" + d.name + "\" failed and was rolled back: " + error.what() + ".");
  }
  log::info("deployed {} on node {} at {}", d.name, d.node_id, d.domain);
  return {d, r.admin_password};
}

void GridService::remove(const Owner& owner, const std::string& name) {
  Deployment d = get(owner, name);
  if (d.status == "deploying")
    fail(ErrorKind::conflict, "\"" + name + "\" is being deployed; try again when it is done.");
  auto n = node(d.node_id);
  if (gateway_) gateway_->remove_route(d.name);
  if (n) {
    try {
      stop_on_node(*n, d.name);
    } catch (const std::exception& error) {
      log::warn("delete {}: {}", d.name, error.what());
    }
  }
  db_.write([&](store::Connection& c) {
    db::release_capacity(c, d.node_id, d.resources);
    db::delete_deployment(c, d.name);
  });
  if (gateway_) {
    auto gw = gateway(d.gateway_id);
    if (gw) gateway_->wait_for(gw->host_for(d.domain), 404, 5000);
  }
  log::info("deleted {}", d.name);
}

Node GridService::register_node(std::optional<std::int64_t> id, const Node& n) {
  return db_.write_value(
      [&](store::Connection& c) { return db::register_node(c, id, n, now_unix_ms()); });
}

std::optional<std::vector<std::string>> GridService::heartbeat(
    std::int64_t node_id,
    const std::vector<std::pair<std::string, std::pair<std::string, int>>>& instances) {
  return db_.write_value([&](store::Connection& c) -> std::optional<std::vector<std::string>> {
    if (!db::touch_node(c, node_id, now_unix_ms())) return std::nullopt;
    std::vector<std::string> expected;
    auto deployments = db::deployments_on_node(c, node_id);
    for (const auto& d : deployments) {
      expected.push_back(d.name);
      if (d.status == "deploying" || d.status == "stopped") continue;
      bool reported = false;
      for (const auto& [name, state] : instances) {
        if (name != d.name) continue;
        reported = true;
        std::string status = state.first == "running" ? "running" : "restarting";
        if (status != d.status) db::set_deployment_status(c, d.name, status);
        if (state.second != d.restart_count) db::set_deployment_restarts(c, d.name, state.second);
      }
      bool recent = now_unix_ms() - d.created_at_ms < 15000;  // heartbeat may predate its start
      if (!reported && !recent && d.status != "failed")
        db::set_deployment_status(c, d.name, "failed", "the node no longer runs this instance");
    }
    return expected;
  });
}

std::vector<std::string> GridService::roll_back_interrupted() {
  std::vector<std::string> names;
  for (const auto& d :
       db_.read_value([](store::Connection& c) { return db::list_deployments(c, std::nullopt); })) {
    if (d.status != "deploying") continue;
    if (gateway_) gateway_->remove_route(d.name);
    db_.write([&](store::Connection& c) {
      db::release_capacity(c, d.node_id, d.resources);
      db::delete_deployment(c, d.name);
    });
    log::warn("rolled back the deploy of {}, interrupted by a restart of the control plane",
              d.name);
    names.push_back(d.name);
  }
  return names;
}

void GridService::start_monitor() {
  monitor_ = std::thread([this] {
    while (!stopping_) {
      for (int i = 0; i < 10 && !stopping_; ++i) sleep_ms(100);
      try {
        db_.write([&](store::Connection& c) {
          for (auto id : db::mark_stale_nodes_down(c, now_unix_ms() - options_.node_timeout_ms)) {
            log::warn("node {} is down (no heartbeat for {} ms)", id, options_.node_timeout_ms);
            for (const auto& d : db::deployments_on_node(c, id))
              if (d.status != "deploying")
                db::set_deployment_status(c, d.name, "failed",
                                          "node " + std::to_string(id) + " is down");
          }
        });
      } catch (const std::exception& error) {
        log::error("node monitor: {}", error.what());
      }
    }
  });
}

}  // namespace herd::grid
