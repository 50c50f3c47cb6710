// `herd grid ...`: the deployer's command line (CLI11; every command has --help, unknown
// options and bad values are errors, exit code 2, before anything runs).
//   herd grid up        control plane + one local node + nginx gateway on this machine
//   herd grid control   the control plane alone;  herd grid node   a node agent
//   herd grid deploy|list|show|delete|stop|start|backup|backups|restore|upgrade|resize|move|
//             domain|nodes|gateways|farms   (client commands; they find the control plane
//   through HERD_GRID_URL and HERD_GRID_TOKEN, or --url / --token; --json prints the API's JSON)
#pragma once
#include <functional>

namespace CLI {
class App;
}

namespace herd::grid {

int grid_main(int argc, char** argv);

// What a parsed command runs; returns the exit code.
using Action = std::function<int()>;
// The commands that run a grid (up.cpp, control_plane.cpp, agent.cpp): each adds its subcommand
// and, when it is the one parsed, sets `run`.
void add_up_command(CLI::App& grid, Action& run);
void add_control_command(CLI::App& grid, Action& run);
void add_node_command(CLI::App& grid, Action& run);

}  // namespace herd::grid
