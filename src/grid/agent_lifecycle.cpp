// The node agent's lifecycle routes (grid/instance_ops.hpp).
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "grid/instance_ops.hpp"
#include "http/params.hpp"

namespace herd::grid {

namespace json = boost::json;

json::object instance_status_json(const InstanceStatus& s) {
  return json::object{
      {"name", s.name},
      {"state", s.state},
      {"pid", s.pid},
      {"address", s.address},
      {"port", s.port},
      {"restart_count", s.restart_count},
      {"cpu", s.resources.cpu},
      {"memory_mb", s.resources.memory_mb},
      {"disk_gb", s.resources.disk_gb},
      {"cpu_percent", s.cpu_percent},
      {"memory_bytes", s.memory_bytes},
      {"disk_bytes", s.disk_bytes},
      {"disk_quota_bytes", s.disk_quota_bytes},
      {"disk_full", s.disk_full},
      {"cgroup", s.cgroup},
      {"memory_limit_bytes", s.memory_limit_bytes},
      {"cpu_quota_us", s.cpu_quota_us},
  };
}

namespace {

json::object backup_json(const BackupInfo& b) {
  return json::object{{"id", b.id}, {"created_at", rfc3339(b.created_at_ms)}, {"bytes", b.bytes}};
}

// Runs an operation, turning its failures into API errors.
template <typename F>
http::Response guarded(F&& fn) {
  try {
    return fn();
  } catch (const ApiError&) {
    throw;
  } catch (const UpgradeFailed& error) {
    fail(ErrorKind::conflict, error.what());
  } catch (const std::invalid_argument& error) {
    fail(ErrorKind::validation, error.what());
  } catch (const std::exception& error) {
    fail(ErrorKind::unavailable, error.what());
  }
}

}  // namespace

void add_lifecycle_routes(http::Router& router, Supervisor& supervisor, InstanceOps& ops,
                          std::function<void(const http::Request&)> authorize,
                          int health_timeout_ms, const std::string& binaries_dir) {
  auto known = [&supervisor](const http::Request& request) {
    std::string name = request.path_param("name");
    if (!supervisor.kept(name)) not_found("No such instance on this node");
    return name;
  };
  router.post("/agent/v1/instances/:name/stop", [=, &supervisor](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    return guarded([&] {
      bool was_running = supervisor.hold(name);
      return http::Response::json(json::object{{"stopped", true}, {"was_running", was_running}});
    });
  });
  router.post("/agent/v1/instances/:name/start", [=, &supervisor](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    return guarded(
        [&] { return http::Response::json(instance_status_json(supervisor.resume(name))); });
  });
  router.post("/agent/v1/instances/:name/resize", [=, &supervisor](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    Resources r{http::param_int(request.params, "resources.cpu").value_or(0),
                http::param_int(request.params, "resources.memory_mb").value_or(0),
                http::param_int(request.params, "resources.disk_gb").value_or(0)};
    if (r.cpu <= 0 || r.memory_mb <= 0 || r.disk_gb <= 0)
      fail(ErrorKind::validation, "resources.cpu, memory_mb and disk_gb are required");
    return guarded(
        [&] { return http::Response::json(instance_status_json(supervisor.resize(name, r))); });
  });
  router.post("/agent/v1/instances/:name/backups", [=, &ops](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    auto keep = http::param_int(request.params, "keep");
    return guarded([&] {
      auto taken = ops.backup(name);
      if (keep && *keep > 0) ops.prune(name, static_cast<std::size_t>(*keep));
      return http::Response::json(backup_json(taken), 201);
    });
  });
  router.get("/agent/v1/instances/:name/backups", [=, &ops](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    json::array out;
    for (const auto& b : ops.backups(name)) out.push_back(backup_json(b));
    return http::Response::json(out);
  });
  router.post("/agent/v1/instances/:name/restore", [=, &ops](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    std::string id = http::param_string(request.params, "backup").value_or("");
    return guarded(
        [&] { return http::Response::json(instance_status_json(ops.restore(name, id))); });
  });
  router.post("/agent/v1/instances/:name/upgrade", [=, &ops](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    std::string binary = http::param_string(request.params, "binary").value_or("");
    if (binary.empty() || binary.find('/') != std::string::npos || binary[0] == '.')
      fail(ErrorKind::validation, "binary: the name of a file in the node's binaries folder");
    std::string executable = binaries_dir + "/" + binary;
    return guarded([&] {
      return http::Response::json(
          instance_status_json(ops.upgrade(name, executable, health_timeout_ms)));
    });
  });
  router.get("/agent/v1/instances/:name/backups/:id/archive", [=, &ops](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    return guarded([&] {
      return http::Response::json(
          json::object{{"archive", base64_encode(ops.archive(name, request.path_param("id")))}});
    });
  });
  router.post("/agent/v1/adopt", [=, &ops](http::Request& request) {
    authorize(request);
    const auto& p = request.params;
    Resources r{http::param_int(p, "resources.cpu").value_or(0),
                http::param_int(p, "resources.memory_mb").value_or(0),
                http::param_int(p, "resources.disk_gb").value_or(0)};
    std::string name = http::param_string(p, "name").value_or("");
    if (name.empty() || r.cpu <= 0 || r.memory_mb <= 0 || r.disk_gb <= 0)
      fail(ErrorKind::validation, "name and resources are required");
    return guarded([&] {
      auto status = ops.adopt(name, http::param_string(p, "backup").value_or(""),
                              base64_decode(http::param_string(p, "archive").value_or("")), r);
      return http::Response::json(instance_status_json(status), 201);
    });
  });
  router.get("/agent/v1/instances/:name/logs", [=, &supervisor](http::Request& request) {
    authorize(request);
    std::string name = known(request);
    auto count = http::param_int(request.params, "lines").value_or(20);
    json::array lines;
    for (const auto& line : supervisor.log_tail(
             name, static_cast<std::size_t>(std::clamp<std::int64_t>(count, 1, 500))))
      lines.push_back(json::value(line));
    return http::Response::json(json::object{{"lines", lines}});
  });
}

}  // namespace herd::grid
