#include "grid/agent.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "api/dispatch.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/cli.hpp"
#include "grid/http_client.hpp"
#include "grid/instance_ops.hpp"
#include "grid/process.hpp"
#include "grid/supervisor.hpp"
#include "http/params.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace herd::grid {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::pair<std::string, int> split_host_port(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen: expected ADDRESS:PORT");
  return {listen.substr(0, colon), std::stoi(listen.substr(colon + 1))};
}

}  // namespace

struct Agent::Impl {
  AgentOptions options;
  std::unique_ptr<Supervisor> supervisor;
  std::unique_ptr<InstanceOps> ops;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::thread heartbeat;
  std::atomic<bool> stopping{false};
  std::int64_t node_id = 0;

  void authorize(const http::Request& request) const {
    std::string_view auth = request.header("authorization");
    if (auth.rfind("Bearer ", 0) != 0 || !secure_equals(auth.substr(7), options.token))
      fail(ErrorKind::unauthorized, "The node token is invalid");
  }

  void routes() {
    router.get("/health", [](http::Request&) { return http::Response::text("OK", "text/plain"); });
    router.post("/agent/v1/instances", [this](http::Request& request) {
      authorize(request);
      InstanceSpec spec;
      spec.name = http::param_string(request.params, "name").value_or("");
      if (spec.name.empty()) fail(ErrorKind::validation, "name is required");
      spec.resources.cpu = http::param_int(request.params, "resources.cpu").value_or(1);
      spec.resources.memory_mb =
          http::param_int(request.params, "resources.memory_mb").value_or(2048);
      spec.resources.disk_gb = http::param_int(request.params, "resources.disk_gb").value_or(10);
      if (auto* env = request.params.if_contains("env"); env && env->is_object())
        for (const auto& [key, value] : env->as_object())
          if (value.is_string()) spec.env[std::string(key)] = std::string(value.as_string());
      try {
        return http::Response::json(instance_status_json(supervisor->start(spec)), 201);
      } catch (const std::runtime_error& error) {
        fail(ErrorKind::unavailable, std::string("cannot start the instance: ") + error.what());
      }
    });
    router.get("/agent/v1/instances", [this](http::Request& request) {
      authorize(request);
      json::array out;
      for (const auto& s : supervisor->list()) out.push_back(instance_status_json(s));
      return http::Response::json(out);
    });
    router.get("/agent/v1/instances/:name", [this](http::Request& request) {
      authorize(request);
      std::string name = request.path_param("name");
      auto status = supervisor->status(name);
      if (!status && supervisor->held(name))
        return http::Response::json(json::object{{"name", name}, {"state", "stopped"}});
      if (!status) not_found("No such instance on this node");
      return http::Response::json(instance_status_json(*status));
    });
    router.del("/agent/v1/instances/:name", [this](http::Request& request) {
      authorize(request);
      bool known = supervisor->stop(request.path_param("name"), true);
      ops->remove_all(request.path_param("name"));
      return http::Response::json(json::object{{"removed", known}});
    });
  }

  std::string node_id_file() const { return options.data_dir + "/node-id"; }

  void load_node_id() {
    std::ifstream in(node_id_file());
    in >> node_id;
  }

  bool register_node() {
    json::object body{{"farm", options.farm},
                      {"country", options.country},
                      {"cpu", options.capacity.cpu},
                      {"memory_mb", options.capacity.memory_mb},
                      {"disk_gb", options.capacity.disk_gb},
                      {"agent_url", "http://" + options.listen},
                      {"address", options.address}};
    if (node_id) body["id"] = node_id;
    HttpOptions http_options{options.token, "", 5000};
    auto result = http_request("POST", options.control_url + "/api/grid/v1/agent/register",
                               json::serialize(body), http_options);
    if (result.status != 200) {
      log::warn("node registration refused: {}", result.error_message());
      return false;
    }
    node_id = result.json().at("id").to_number<std::int64_t>();
    std::ofstream(node_id_file()) << node_id << "\n";
    log::info("registered with {} as node {} (farm {}, country {})", options.control_url, node_id,
              options.farm, options.country);
    return true;
  }

  void send_heartbeat() {
    std::int64_t sent_at = now_unix_ms();
    json::array instances;
    for (const auto& s : supervisor->list())
      instances.push_back(
          json::object{{"name", s.name}, {"state", s.state}, {"restart_count", s.restart_count}});
    json::object body{{"id", node_id}, {"instances", instances}};
    HttpOptions http_options{options.token, "", 5000};
    auto result = http_request("POST", options.control_url + "/api/grid/v1/agent/heartbeat",
                               json::serialize(body), http_options);
    if (result.status == 404) {
      register_node();
      return;
    }
    if (result.status != 200) {
      log::warn("heartbeat refused: {}", result.error_message());
      return;
    }
    // Remove what the control plane no longer expects (deleted, or rolled back while this
    // agent was unreachable). Instances started after the heartbeat was sent are left alone.
    std::set<std::string> expected;
    auto reply = result.json();
    if (reply.is_object())
      if (auto* list = reply.as_object().if_contains("expected"); list && list->is_array())
        for (const auto& name : list->as_array())
          if (name.is_string()) expected.insert(std::string(name.as_string()));
    std::set<std::string> present;
    for (const auto& s : supervisor->list()) {
      present.insert(s.name);
      if (!expected.count(s.name) && s.created_at_ms < sent_at) {
        log::info("instance {} is not expected by the control plane: removing it", s.name);
        supervisor->stop(s.name, true);
      }
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options.data_dir + "/instances", ec)) {
      std::string name = entry.path().filename().string();
      if (!expected.count(name) && !present.count(name)) {
        log::info("removing the data of instance {} (not expected)", name);
        supervisor->stop(name, true);
      }
    }
  }

  void heartbeat_loop() {
    while (!stopping) {
      try {
        if (!node_id || !registered)
          registered = register_node();
        else
          send_heartbeat();
      } catch (const std::exception& error) {
        log::warn("control plane unreachable: {}", error.what());
      }
      for (int waited = 0; waited < options.heartbeat_ms && !stopping; waited += 50)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  bool registered = false;
};

Agent::Agent(AgentOptions options) : impl_(std::make_unique<Impl>()) {
  auto& o = impl_->options;
  o = std::move(options);
  auto [host, port] = split_host_port(o.listen);
  if (o.address.empty()) o.address = host == "0.0.0.0" ? "127.0.0.1" : host;
  fs::create_directories(o.data_dir);
  o.data_dir = fs::absolute(o.data_dir).lexically_normal().string();
  if (o.binaries_dir.empty()) o.binaries_dir = o.data_dir + "/binaries";
  fs::create_directories(o.binaries_dir);
  o.binaries_dir = fs::absolute(o.binaries_dir).lexically_normal().string();
  SupervisorOptions supervisor_options;
  supervisor_options.data_dir = o.data_dir;
  supervisor_options.address = o.address;
  auto env = current_environment();
  for (const char* key : {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"})
    if (env.count(key)) supervisor_options.base_env[key] = env[key];
  supervisor_options.disk_quota = o.disk_quota;
  supervisor_options.cgroups = detect_cgroups(o.cgroup_root, o.cgroup_parent);
  if (supervisor_options.cgroups->kind() == "none")
    log::warn("no usable cgroups under {}: cpu and memory limits are not enforced", o.cgroup_root);
  else
    log::info("cgroup {} backend under {} ({})", supervisor_options.cgroups->kind(), o.cgroup_root,
              o.cgroup_parent);
  impl_->supervisor = std::make_unique<Supervisor>(std::move(supervisor_options));
  impl_->ops = std::make_unique<InstanceOps>(*impl_->supervisor, o.data_dir + "/backups");
  impl_->routes();
  add_lifecycle_routes(
      impl_->router, *impl_->supervisor, *impl_->ops,
      [impl = impl_.get()](const http::Request& request) { impl->authorize(request); },
      o.health_timeout_ms, o.binaries_dir);
  http::ServerOptions server_options;
  server_options.bind = host;
  server_options.port = static_cast<std::uint16_t>(port);
  server_options.threads = 4;
  // An adopted instance's backup arrives in one JSON body (base64): up to 256 MiB for now.
  server_options.max_body_bytes = std::size_t{256} << 20;
  impl_->server = std::make_unique<http::Server>(server_options, api::make_dispatch(impl_->router));
  impl_->load_node_id();
  // Instances this node ran before the agent restarted start again; the first heartbeat
  // removes those the control plane no longer expects.
  for (const auto& name : impl_->supervisor->recover()) log::info("recovered instance {}", name);
}

Agent::~Agent() {
  stop();
  if (impl_->heartbeat.joinable()) impl_->heartbeat.join();
}

void Agent::listen() {
  impl_->server->listen();
}

void Agent::run() {
  impl_->heartbeat = std::thread([this] { impl_->heartbeat_loop(); });
  log::info("node agent on http://{} (instances on {}), control plane {}", impl_->options.listen,
            impl_->options.address, impl_->options.control_url);
  impl_->server->run();
  impl_->stopping = true;
  if (impl_->heartbeat.joinable()) impl_->heartbeat.join();
  impl_->supervisor.reset();  // stops the instances
}

void Agent::stop() {
  impl_->stopping = true;
  impl_->server->stop();
}

void add_node_command(CLI::App& grid, Action& run) {
  auto* command = grid.add_subcommand("node", "a node agent: runs instances for a control plane");
  auto o = std::make_shared<AgentOptions>();
  o->control_url = "http://127.0.0.1:7000";
  command->add_option("--control", o->control_url, "the control plane's URL")
      ->envname("HERD_GRID_URL")
      ->capture_default_str();
  command->add_option("--token", o->token, "the grid's node token")
      ->envname("HERD_GRID_NODE_TOKEN")
      ->required();
  command->add_option("--farm", o->farm, "the node's farm")->capture_default_str();
  command->add_option("--country", o->country, "the node's country")->capture_default_str();
  command->add_option("--cpu", o->capacity.cpu, "cpus it offers")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command->add_option("--memory-mb", o->capacity.memory_mb, "memory it offers (MB)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{64}, std::int64_t{1} << 40));
  command->add_option("--disk-gb", o->capacity.disk_gb, "disk it offers (GB)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
  command->add_option("--listen", o->listen, "the agent's ADDR:PORT")->capture_default_str();
  command->add_option("--address", o->address, "where instances listen (default: --listen's)");
  command->add_option("--data", o->data_dir, "state folder")->capture_default_str();
  command->add_option("--cgroup-root", o->cgroup_root, "the cgroup file systems")
      ->capture_default_str();
  command->add_option("--cgroup-parent", o->cgroup_parent, "instances' cgroups under this")
      ->capture_default_str();
  command->add_option("--heartbeat-ms", o->heartbeat_ms, "heartbeat interval")
      ->capture_default_str()
      ->check(CLI::Range(50, 600'000));
  command
      ->add_option("--disk-quota", o->disk_quota,
                   "check, or loop: each instance's data folder is a loop-mounted ext4 image of "
                   "its package's disk size")
      ->capture_default_str()
      ->check(CLI::IsMember({"check", "loop"}));
  command->add_option("--binaries", o->binaries_dir,
                      "herd binaries instances may be upgraded to (default DATA/binaries)");
  command->callback([o, &run] {
    run = [o] {
      try {
        Agent agent(*o);
        agent.listen();
        agent.run();
      } catch (const std::exception& error) {
        std::cerr << "herd grid node: " << error.what() << "\n";
        return 1;
      }
      return 0;
    };
  });
}

}  // namespace herd::grid
