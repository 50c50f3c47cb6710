// GridService's lifecycle operations: stop/start, backups and restore, upgrade, resize, what the
// operator sees, scheduled backups. The work happens on the deployment's node agent
// (grid/instance_ops.hpp); here: ownership, states, capacity, the gateway route.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/http_client.hpp"
#include "grid/process.hpp"
#include "grid/service.hpp"
#include "grid/store.hpp"
#include "grid/validation.hpp"

namespace herd::grid {

namespace json = boost::json;
namespace fs = std::filesystem;

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
  gateway_->add_route(route_for(d, n));
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
  json::value taken = call_agent(d, "POST", "/backups", {}, kLongOperationMs);
  taken.as_object()["kept_off_node"] =
      keep_off_node(d, std::string(taken.as_object().at("id").as_string()));
  return taken;
}

bool GridService::keep_off_node(const Deployment& d, const std::string& backup_id) {
  if (options_.backup_dir.empty()) return false;
  try {
    auto reply = call_agent(d, "GET", "/backups/" + backup_id + "/archive", {}, kLongOperationMs);
    std::string folder = options_.backup_dir + "/" + d.name;
    fs::create_directories(folder);
    {
      std::ofstream out(folder + "/" + backup_id + ".tar.tmp", std::ios::binary | std::ios::trunc);
      out << base64_decode(reply.as_object().at("archive").as_string());
    }
    fs::rename(folder + "/" + backup_id + ".tar.tmp", folder + "/" + backup_id + ".tar");
    std::vector<std::string> kept;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".tar") kept.push_back(entry.path().string());
    std::sort(kept.begin(), kept.end());  // ids sort by time
    for (std::size_t i = 0; i + static_cast<std::size_t>(options_.backup_keep) < kept.size(); ++i)
      fs::remove(kept[i]);
    return true;
  } catch (const std::exception& error) {
    log::error("backup {} of {} is not kept off its node: {}", backup_id, d.name, error.what());
    return false;
  }
}

Deployment GridService::move(const Owner& owner, const std::string& name,
                             std::optional<std::int64_t> node_id, const std::string& farm,
                             const std::string& country) {
  Deployment d = get(owner, name);
  if (d.status == "deploying") fail(ErrorKind::conflict, "\"" + name + "\" is being deployed.");
  return relocate(owner, d, node_id, farm, country, d.package, d.resources);
}

Deployment GridService::relocate(const Owner& owner, const Deployment& d,
                                 std::optional<std::int64_t> node_id, const std::string& farm,
                                 const std::string& country, const std::string& package,
                                 const Resources& resources) {
  const std::string& name = d.name;
  auto old = node(d.node_id);
  bool old_up = old && old->up;
  // The backup it moves with: a new one from a live node, else the newest kept here.
  std::string backup_id, folder = options_.backup_dir + "/" + d.name;
  if (old_up) {
    backup_id = std::string(backup(owner, name).as_object().at("id").as_string());
  } else {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
      if (entry.path().extension() == ".tar" && entry.path().stem().string() > backup_id)
        backup_id = entry.path().stem().string();
  }
  std::string archive;
  {
    std::ifstream in(folder + "/" + backup_id + ".tar", std::ios::binary);
    if (backup_id.empty() || !in)
      fail(ErrorKind::conflict,
           "No backup of \"" + name + "\" is kept by the control plane: it cannot be moved.");
    archive.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Node target;
  if (node_id) {
    auto n = node(*node_id);
    if (!n) fail(ErrorKind::validation, "Node " + std::to_string(*node_id) + " does not exist.");
    if (n->id == d.node_id) fail(ErrorKind::validation, "It already is on that node.");
    if (auto refusal = node_refusal(*n, resources)) fail(ErrorKind::validation, *refusal);
    target = *n;
  } else {
    bool found = false;
    for (const auto& n : suggest({farm, country, resources}))
      if (n.id != d.node_id && !found) {
        target = n;
        found = true;
      }
    if (!found) fail(ErrorKind::validation, "No other node that is up has room for it.");
  }
  std::string previous_status = d.status;
  db_.write([&](store::Connection& c) {
    if (!db::reserve_capacity(c, target.id, resources))
      fail(ErrorKind::validation, "Node " + std::to_string(target.id) + " has no room for it.");
    db::set_deployment_node(c, d.name, target.id);
    db::set_deployment_status(c, d.name, "deploying");  // heartbeats leave it alone meanwhile
  });
  auto undo = [&] {
    db_.write([&](store::Connection& c) {
      db::release_capacity(c, target.id, resources);
      db::set_deployment_node(c, d.name, d.node_id);
      db::set_deployment_status(c, d.name, previous_status);
    });
  };
  if (old_up) {
    try {
      call_agent(d, "POST", "/stop", {}, 30000);  // one copy serving at a time
    } catch (...) {
      undo();
      throw;
    }
  }
  Deployment moved = d;
  moved.node_id = target.id;
  moved.resources = resources;
  try {
    HttpResult result;
    try {
      result = http_request("POST", target.agent_url + "/agent/v1/adopt",
                            json::serialize(json::object{
                                {"name", d.name},
                                {"backup", backup_id},
                                {"archive", base64_encode(archive)},
                                {"resources", json::object{{"cpu", resources.cpu},
                                                           {"memory_mb", resources.memory_mb},
                                                           {"disk_gb", resources.disk_gb}}}}),
                            {options_.node_token, "", kLongOperationMs});
    } catch (const HttpUnreachable&) {
      throw std::runtime_error("node " + std::to_string(target.id) + " is unreachable");
    }
    if (result.status != 201)
      throw std::runtime_error("node " + std::to_string(target.id) + ": " + result.error_message());
    moved.instance_port = static_cast<int>(result.json().at("port").to_number<std::int64_t>());
    wait_for_health(moved, target);
  } catch (const std::exception& error) {
    try {
      stop_on_node(target, d.name);
    } catch (const std::exception&) {
    }
    undo();
    if (old_up) call_agent(d, "POST", "/start", {}, 30000);
    fail(ErrorKind::unavailable, "Moving \"" + name + "\" failed and was undone: " + error.what());
  }
  db_.write([&](store::Connection& c) {
    db::set_deployment_port(c, d.name, moved.instance_port);
    db::release_capacity(c, d.node_id, d.resources);
    db::set_deployment_resources(c, d.name, package, resources);
  });
  route_to(moved, target);
  db_.write([&](store::Connection& c) { db::set_deployment_status(c, d.name, "running"); });
  if (old_up && old) {
    try {
      stop_on_node(*old, d.name);  // its data and backups there
    } catch (const std::exception& error) {
      log::warn("move {}: {}", d.name, error.what());
    }
  }
  log::info("moved {} from node {} to node {} (backup {})", d.name, d.node_id, target.id,
            backup_id);
  return get(owner, name);
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
  bool fits = db_.write_value(
      [&](store::Connection& c) { return db::reserve_capacity(c, d.node_id, delta); });
  if (!fits) {
    // Moved, with its new limits, to the first other node that has room (a backup taken now).
    auto n = node(d.node_id);
    std::string here = "It does not fit on node " + std::to_string(d.node_id) + " (" +
                       (n ? node_refusal(*n, delta).value_or("the node is busy.") : "it is gone.") +
                       ")";
    bool elsewhere = false;
    for (const auto& candidate : suggest({"", "", want}))
      if (candidate.id != d.node_id) elsewhere = true;
    if (!elsewhere) fail(ErrorKind::validation, here + " nor on any other node that is up.");
    log::info("resize {}: {}; moving it", d.name, here);
    Deployment moved = relocate(owner, d, std::nullopt, "", "", package, want);
    log::info("resized {} to {} on node {}", d.name, package, moved.node_id);
    return moved;
  }
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
  if (options_.backup_interval_seconds <= 0 && options_.acme_directory.empty()) return;
  backup_scheduler_ = std::thread([this] {
    auto interval = std::chrono::seconds(options_.backup_interval_seconds);
    auto renew_every = std::chrono::seconds(std::max(1, options_.acme_check_seconds));
    auto next = std::chrono::steady_clock::now() + interval;
    auto next_renewal = std::chrono::steady_clock::now() + renew_every;
    while (!stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      auto all = db_.read_value(
          [](store::Connection& c) { return db::list_deployments(c, std::nullopt); });
      if (!options_.acme_directory.empty() && std::chrono::steady_clock::now() >= next_renewal) {
        next_renewal += renew_every;
        for (const auto& d : all) {
          if (d.status != "running" || stopping_) continue;
          for (const auto& domain : {d.domain, d.custom_domain}) {
            if (domain.empty()) continue;
            try {
              issue_certificate(domain);
              if (auto n = node(d.node_id); n && gateway_) gateway_->add_route(route_for(d, *n));
            } catch (const std::exception& error) {
              log::error("certificate renewal of {}: {}", domain, error.what());
            }
          }
        }
      }
      if (options_.backup_interval_seconds <= 0 || std::chrono::steady_clock::now() < next)
        continue;
      next += interval;
      for (const auto& d : all) {
        if (d.status != "running" || stopping_) continue;
        try {
          auto taken =
              call_agent(d, "POST", "/backups?keep=" + std::to_string(options_.backup_keep), {},
                         kLongOperationMs);
          keep_off_node(d, std::string(taken.as_object().at("id").as_string()));
          log::info("scheduled backup of {} taken", d.name);
        } catch (const std::exception& error) {
          log::error("scheduled backup of {} failed: {}", d.name, error.what());
        }
      }
    }
  });
}

}  // namespace herd::grid
