// herd: one binary, three jobs: `serve` (an instance), `admin` (shell administration),
// `grid` (the deployer).
#include <cstring>
#include <iostream>
#include <string>

#include "admin/admin.hpp"
#include "grid/cli.hpp"
#include "serve.hpp"

namespace {

void usage() {
  std::cout << "herd " HERD_VERSION " - a Mastodon-compatible, federated microblogging server\n\n"
               "Usage:\n"
               "  herd serve [--config FILE]   run an instance (herd serve --help for settings)\n"
               "  herd admin ...               shell administration (herd admin --help)\n"
               "  herd grid ...                deploy instances on a grid (herd grid --help)\n"
               "  herd version                 print the version\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "version" || command == "--version") {
    std::cout << "herd " HERD_VERSION "\n";
    return 0;
  }
  if (command == "serve") {
    std::string config_path;
    for (int i = 2; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        herd::print_serve_help();
        return 0;
      }
      if (arg == "--config" && i + 1 < argc) {
        config_path = argv[++i];
      } else if (arg.rfind("--config=", 0) == 0) {
        config_path = arg.substr(9);
      } else {
        std::cerr << "herd serve: unknown argument " << arg << "\n";
        return 2;
      }
    }
    return herd::serve_main(config_path);
  }
  if (command == "admin") return herd::admin::admin_main(argc - 1, argv + 1);
  if (command == "grid") return herd::grid::grid_main(argc - 1, argv + 1);
  std::cerr << "herd: unknown command " << command << "\n";
  usage();
  return 2;
}
