// `herd grid up`: the embedded default. One process runs the control plane (API and deploy form
// on 127.0.0.1:7000), the nginx gateway (http://localhost:8080, instances at
// http://<name><owner id>.localhost:8080) and one node agent (127.0.0.1:7001) whose capacity is
// this machine's, all with their state under one data folder (./grid-data).
#include <sys/statvfs.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/log.hpp"
#include "grid/agent.hpp"
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

// Runs what `herd grid up` starts; capacity: this machine's unless given.
int run_up(ControlOptions control_options, AgentOptions agent_options, Resources given,
           bool cpu_given, bool memory_given, bool disk_given);

void add_up_command(CLI::App& grid, Action& run) {
  auto* command = grid.add_subcommand(
      "up",
      "control plane, one local node and the nginx gateway on this machine (open "
      "http://localhost:8080 and deploy from the form); takes the options of control too");
  auto flags = std::make_shared<ControlFlags>();
  flags->options.gateway.domain = "localhost";
  flags->options.gateway.port = 8080;
  add_control_options(*command, *flags);
  auto agent = std::make_shared<AgentOptions>();
  agent->farm = "local";
  agent->listen = "127.0.0.1:7001";
  auto capacity = std::make_shared<Resources>();
  command->add_option("--farm", agent->farm, "the local node's farm")->capture_default_str();
  command->add_option("--country", agent->country, "its country")->capture_default_str();
  auto* cpu =
      command->add_option("--cpu", capacity->cpu, "cpus it offers (default: this machine's)")
          ->check(CLI::Range(1, 4096));
  auto* memory = command->add_option("--memory-mb", capacity->memory_mb, "memory it offers (MB)")
                     ->check(CLI::Range(std::int64_t{64}, std::int64_t{1} << 40));
  auto* disk = command->add_option("--disk-gb", capacity->disk_gb, "disk it offers (GB)")
                   ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
  command->add_option("--node-listen", agent->listen, "the local node's ADDR:PORT")
      ->capture_default_str();
  command->add_option("--cgroup-parent", agent->cgroup_parent, "instances' cgroups under this")
      ->capture_default_str();
  command->add_option("--disk-quota", agent->disk_quota, "check or loop")
      ->capture_default_str()
      ->check(CLI::IsMember({"check", "loop"}));
  command->callback([=, &run] {
    finish_control_options(*flags);
    run = [=] {
      return run_up(flags->options, *agent, *capacity, cpu->count() > 0, memory->count() > 0,
                    disk->count() > 0);
    };
  });
}

int run_up(ControlOptions control_options, AgentOptions agent_options, Resources given,
           bool cpu_given, bool memory_given, bool disk_given) {
  try {
    std::filesystem::create_directories(control_options.data_dir);
    Resources machine = machine_capacity(control_options.data_dir);
    agent_options.capacity = {cpu_given ? given.cpu : machine.cpu,
                              memory_given ? given.memory_mb : machine.memory_mb,
                              disk_given ? given.disk_gb : machine.disk_gb};
    agent_options.data_dir = control_options.data_dir + "/node";
  } catch (const std::exception& error) {
    std::cerr << "herd grid up: " << error.what() << "\n";
    return 1;
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
