// GridService's lifecycle operations: stop/start, backups and restore, upgrade, resize, what the
// operator sees, scheduled backups. The work happens on the deployment's node agent
// (grid/instance_ops.hpp); here: ownership, states, capacity, the gateway route.
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/http_client.hpp"
#include "grid/service.hpp"
#include "grid/store.hpp"
#include "grid/validation.hpp"

namespace herd::grid {

namespace json = boost::json;

namespace {

constexpr int kLongOperationMs = 15 * 60 * 1000;  // backups and restores of big instances

ErrorKind kind_for(int status) {
  switch (status) {
    case 404:
      return ErrorKind::not_found;
    case 409:
      return ErrorKind::conflict;
    case 422:
      return ErrorKind::validation;
    default:
      return ErrorKind::unavailable;
  }
}

}  // namespace

json::value GridService::call_agent(const Deployment& d, const std::string& method,
                                    const std::string& path, const json::object& body,
                                    int timeout_ms) {
  auto n = node(d.node_id);
  if (!n || !n->up) fail(ErrorKind::unavailable, "Node " + std::to_string(d.node_id) + " is down.");
  HttpResult result;
  try {
    result = http_request(method, n->agent_url + "/agent/v1/instances/" + d.name + path,
                          body.empty() ? "" : json::serialize(body),
                          {options_.node_token, "", timeout_ms});
  } catch (const HttpUnreachable&) {
    fail(ErrorKind::unavailable, "Node " + std::to_string(d.node_id) + " is unreachable.");
  }
  if (result.status >= 400)
    fail(kind_for(result.status),
         "Node " + std::to_string(d.node_id) + ": " + result.error_message());
  return result.json();
}

void GridService::route_to(const Deployment& d, const Node& n) {
  if (!gateway_) return;
  gateway_->add_route(
      {d.name, d.domain, n.address + ":" + std::to_string(d.instance_port), "100m"});
  auto gw = gateway(d.gateway_id);
  if (gw && !gateway_->wait_for(gw->host_for(d.domain), 200, 15000))
    fail(ErrorKind::unavailable, "The gateway does not reach \"" + d.name + "\".");
}

Deployment GridService::stop(const Owner& owner, const std::string& name) {
  Deployment d = get(owner, name);
  if (d.status == "deploying") fail(ErrorKind::conflict, "\"" + name + "\" is being deployed.");
  if (d.status == "stopped") return d;
  call_agent(d, "POST", "/stop", {}, 30000);
  if (gateway_) gateway_->remove_route(d.name);
  db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "stopped"); });
  log::info("stopped {}", d.name);
  return get(owner, name);
}

Deployment GridService::start(const Owner& owner, const std::string& name) {
  Deployment d = get(owner, name);
  if (d.status == "deploying") fail(ErrorKind::conflict, "\"" + name + "\" is being deployed.");
  auto n = node(d.node_id);
  if (!n) fail(ErrorKind::unavailable, "Node " + std::to_string(d.node_id) + " is gone.");
  call_agent(d, "POST", "/start", {}, 30000);
  try {
    wait_for_health(d, *n);
  } catch (const std::exception& error) {
    fail(ErrorKind::unavailable, std::string("\"" + name + "\" did not start: ") + error.what());
  }
  route_to(d, *n);
  db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "running"); });
  log::info("started {}", d.name);
  return get(owner, name);
}

json::value GridService::backup(const Owner& owner, const std::string& name) {
  Deployment d = get(owner, name);
  if (d.status == "deploying") fail(ErrorKind::conflict, "\"" + name + "\" is being deployed.");
  return call_agent(d, "POST", "/backups", {}, kLongOperationMs);
}

json::value GridService::backups(const Owner& owner, const std::string& name) {
  return call_agent(get(owner, name), "GET", "/backups", {}, 10000);
}

Deployment GridService::restore(const Owner& owner, const std::string& name,
                                const std::string& backup_id) {
  Deployment d = get(owner, name);
  if (d.status == "deploying") fail(ErrorKind::conflict, "\"" + name + "\" is being deployed.");
  if (backup_id.empty()) fail(ErrorKind::validation, "Which backup? (backup is required)");
  call_agent(d, "POST", "/restore", {{"backup", backup_id}}, kLongOperationMs);
  if (d.status == "stopped") return d;
  auto n = node(d.node_id);
  try {
    if (n) wait_for_health(d, *n);
  } catch (const std::exception& error) {
    fail(ErrorKind::unavailable, std::string("restored, but not answering: ") + error.what());
  }
  db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "running"); });
  log::info("restored {} from backup {}", d.name, backup_id);
  return get(owner, name);
}

Deployment GridService::upgrade(const Owner& owner, const std::string& name,
                                const std::string& executable) {
  Deployment d = get(owner, name);
  if (d.status == "stopped" || d.status == "deploying")
    fail(ErrorKind::conflict,
         "\"" + name + "\" must be running to be upgraded (it is " + d.status + ").");
  if (executable.empty()) fail(ErrorKind::validation, "binary is required");
  call_agent(d, "POST", "/upgrade", {{"binary", executable}},
             options_.health_timeout_ms + kLongOperationMs);
  db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "running"); });
  log::info("upgraded {} to {}", d.name, executable);
  return get(owner, name);
}

Deployment GridService::resize(const Owner& owner, const std::string& name,
                               const std::string& package, const Resources& want) {
  Deployment d = get(owner, name);
  if (d.status == "stopped" || d.status == "deploying")
    fail(ErrorKind::conflict,
         "\"" + name + "\" must be running to be resized (it is " + d.status + ").");
  Resources delta{want.cpu - d.resources.cpu, want.memory_mb - d.resources.memory_mb,
                  want.disk_gb - d.resources.disk_gb};
  db_.write([&](store::Connection& c) {
    if (!db::reserve_capacity(c, d.node_id, delta)) {
      auto n = db::find_node(c, d.node_id);
      fail(ErrorKind::validation,
           "It does not fit on node " + std::to_string(d.node_id) + ": " +
               (n ? node_refusal(*n, delta).value_or("the node is busy.") : "it is gone."));
    }
  });
  try {
    call_agent(d, "POST", "/resize",
               {{"resources",
                 json::object{
                     {"cpu", want.cpu}, {"memory_mb", want.memory_mb}, {"disk_gb", want.disk_gb}}}},
               15000);
  } catch (...) {
    db_.write([&](store::Connection& c) { db::release_capacity(c, d.node_id, delta); });
    throw;
  }
  db_.write([&](store::Connection& c) { db::set_deployment_resources(c, d.name, package, want); });
  log::info("resized {} to {}", d.name, package);
  return get(owner, name);
}

json::object GridService::observe(const Deployment& d) {
  json::object out{
      {"ready", false}, {"user_count", nullptr}, {"status_count", nullptr}, {"log", json::array{}}};
  auto n = node(d.node_id);
  if (!n || !n->up || d.status == "deploying") return out;
  std::string base = "http://" + n->address + ":" + std::to_string(d.instance_port);
  try {
    out["ready"] = http_request("GET", base + "/health/ready", "", {"", "", 2000}).status == 200;
    auto instance = http_request("GET", base + "/api/v1/instance", "", {"", "", 3000});
    if (instance.status == 200) {
      json::value document = instance.json();
      const auto& stats = document.at("stats").as_object();
      out["user_count"] = stats.at("user_count");
      out["status_count"] = stats.at("status_count");
    }
  } catch (const std::exception&) {
    // not answering: ready stays false
  }
  try {
    auto log =
        http_request("GET", n->agent_url + "/agent/v1/instances/" + d.name + "/logs?lines=20", "",
                     {options_.node_token, "", 3000});
    if (log.status == 200) out["log"] = log.json().at("lines");
  } catch (const std::exception&) {
  }
  return out;
}

void GridService::start_backup_scheduler() {
  if (options_.backup_interval_seconds <= 0) return;
  backup_scheduler_ = std::thread([this] {
    auto interval = std::chrono::seconds(options_.backup_interval_seconds);
    auto next = std::chrono::steady_clock::now() + interval;
    while (!stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (std::chrono::steady_clock::now() < next) continue;
      next += interval;
      auto all = db_.read_value(
          [](store::Connection& c) { return db::list_deployments(c, std::nullopt); });
      for (const auto& d : all) {
        if (d.status != "running" || stopping_) continue;
        try {
          call_agent(d, "POST", "/backups?keep=" + std::to_string(options_.backup_keep), {},
                     kLongOperationMs);
          log::info("scheduled backup of {} taken", d.name);
        } catch (const std::exception& error) {
          log::error("scheduled backup of {} failed: {}", d.name, error.what());
        }
      }
    }
  });
}

}  // namespace herd::grid
