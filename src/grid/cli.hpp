// `herd grid ...`: the deployer's command line.
//   herd grid up        control plane + one local node + nginx gateway on this machine
//   herd grid control   the control plane alone;  herd grid node   a node agent
//   herd grid deploy|list|show NAME|delete NAME|nodes|gateways|farms   (client commands; they
//   find the control plane through HERD_GRID_URL and HERD_GRID_TOKEN, or --url / --token;
//   --json prints the API's JSON)
#pragma once

namespace herd::grid {

int grid_main(int argc, char** argv);
int up_main(int argc, char** argv);

}  // namespace herd::grid
