// `herd grid up`: the embedded default. One process runs the control plane (API and deploy form
// on 127.0.0.1:7000), the nginx gateway (http://localhost:8080, instances at
// http://<name><owner id>.localhost:8080) and one node agent (127.0.0.1:7001) whose capacity is
// this machine's, all with their state under one data folder (./grid-data).
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "core/log.hpp"
#include "grid/agent.hpp"
#include "grid/args.hpp"
#include "grid/cli.hpp"
#include "grid/control_plane.hpp"

namespace herd::grid {

namespace {

Resources machine_capacity(const std::string& folder) {
  Resources r;
  r.cpu = std::max<long>(1, ::sysconf(_SC_NPROCESSORS_ONLN));
  r.memory_mb = static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE) /
                (1024 * 1024);
  struct statvfs fs {};
  if (::statvfs(folder.c_str(), &fs) == 0)
    r.disk_gb = static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize) /
                (1024LL * 1024 * 1024);
  if (r.disk_gb < 10) r.disk_gb = 10;
  return r;
}

}  // namespace

int up_main(int argc, char** argv) {
  Args args(argc, argv);
  if (args.flag("help")) {
    std::cout << "Usage: herd grid up [--data DIR] [--gateway-listen [ADDR:]PORT]\n"
                 "         [--listen ADDR:PORT (control plane)] [--node-listen ADDR:PORT]\n"
                 "         [--farm F] [--country C] [--cpu N] [--memory-mb M] [--disk-gb D]\n"
                 "         [--disk-quota check|loop]\n"
                 "         and the options of `herd grid control`\n";
    return 0;
  }
  ControlOptions control_options;
  control_options.gateway.domain = "localhost";
  control_options.gateway.port = 8080;
  AgentOptions agent_options;
  try {
    read_control_options(args, control_options);
    std::filesystem::create_directories(control_options.data_dir);
    Resources capacity = machine_capacity(control_options.data_dir);
    agent_options.farm = args.get("farm", "local");
    agent_options.country = args.get("country", "BE");
    agent_options.capacity = {args.integer("cpu", capacity.cpu),
                              args.integer("memory-mb", capacity.memory_mb),
                              args.integer("disk-gb", capacity.disk_gb)};
    agent_options.listen = args.get("node-listen", "127.0.0.1:7001");
    agent_options.data_dir = control_options.data_dir + "/node";
    agent_options.cgroup_parent = args.get("cgroup-parent", "herd");
    agent_options.disk_quota = args.get("disk-quota", "check");
    args.check_all_used();
  } catch (const std::exception& error) {
    std::cerr << "herd grid up: " << error.what() << "\n";
    return 2;
  }
  try {
    ControlPlane control(control_options);
    control.start();
    agent_options.control_url = control.url();
    agent_options.token = control.node_token();
    Agent agent(agent_options);
    agent.listen();
    std::thread agent_thread([&agent] { agent.run(); });
    const auto& g = control_options.gateway;
    std::string base = "http://" + g.domain + ":" + std::to_string(g.port);
    std::cout << "\nherd grid is up.\n"
              << "  Deploy form:   " << base << "/#token=" << control.owner_token() << "\n"
              << "  Instances:     http://<name>1." << g.domain << ":" << g.port << "\n"
              << "  CLI:           export HERD_GRID_URL=" << base
              << " HERD_GRID_TOKEN=" << control.owner_token() << "\n"
              << "  Data:          " << std::filesystem::absolute(control_options.data_dir).string()
              << "\nPress Ctrl-C to stop (instances stop too; their data is kept).\n\n"
              << std::flush;
    control.run();
    agent.stop();
    agent_thread.join();
  } catch (const std::exception& error) {
    std::cerr << "herd grid up: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace herd::grid
