// Child processes for the grid: commands run to completion with their output (nginx -t), and
// long-running children (instances, nginx) started with their own environment, log file, cgroups
// and a parent-death signal, so that nothing outlives the agent that supervises it.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace herd::grid {

// Runs argv[0] (searched in PATH) with argv (inheriting no descriptor but 0, 1 and 2); returns its
// exit status (or 128+signal) and fills output with its stdout and stderr. Throws
// std::runtime_error when it cannot start.
int run_command(const std::vector<std::string>& argv, std::string* output = nullptr);

struct SpawnOptions {
  std::vector<std::string> argv;           // argv[0] is an absolute path or searched in PATH
  std::map<std::string, std::string> env;  // the whole environment of the child
  std::string log_path;                    // stdout and stderr appended here ("" = inherit)
  std::vector<std::string> cgroup_procs;   // cgroup.procs files the child joins before exec
  bool die_with_parent = true;             // PR_SET_PDEATHSIG(SIGTERM)
};

// The child (of spawn and of run_command) inherits only stdin, stdout and stderr: every other
// descriptor of this process is closed before exec, whether or not it was close-on-exec.
// Starts the child; returns its pid. Throws std::runtime_error when fork fails. A failure to
// join a cgroup or exec makes the child exit with status 127 (reason in its log).
pid_t spawn(const SpawnOptions& options);

// The running binary's absolute path (/proc/self/exe).
std::string self_executable();
// A TCP port free on address at the time of the call (bind to port 0).
int free_port(const std::string& address);
// Total size of the regular files under path, in bytes (0 when missing).
std::int64_t directory_size(const std::string& path);
// This process's environment as a map.
std::map<std::string, std::string> current_environment();

}  // namespace herd::grid
