// herd: one binary, three jobs: `serve` (an instance), `admin` (shell administration),
// `grid` (the deployer).
#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <string>

#include "admin/admin.hpp"
#include "grid/cli.hpp"
#include "serve.hpp"

// jemalloc's settings (the binary is linked with jemalloc: the uncached timeline path is
// allocation-bound, see bench/RESULTS.md): unused dirty pages go back to the system after a
// second instead of ten, so that the resident size falls back after a burst. MALLOC_CONF in the
// environment still overrides them.
extern "C" {
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}

namespace {

void usage() {
  std::cout << "herd " HERD_VERSION
               " - a Mastodon-compatible, federated microblogging server\n\n"
               "Usage:\n"
               "  herd serve [--config FILE]   run an instance (herd serve --help for settings)\n"
               "  herd admin ...               shell administration (herd admin --help)\n"
               "  herd grid ...                deploy instances on a grid (herd grid --help)\n"
               "  herd version                 print the version\n";
}

int serve(int argc, char** argv) {
  CLI::App cli("Runs one instance: the Mastodon client API, ActivityPub and the web pages.",
               "herd serve");
  std::string config_path;
  cli.add_option("--config", config_path, "a TOML file with the settings (also HERD_CONFIG)")
      ->check(CLI::ExistingFile);
  cli.footer(herd::serve_settings_help());
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error) == 0 ? 0 : 2;
  }
  return herd::serve_main(config_path);
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
  if (command == "serve") return serve(argc - 1, argv + 1);
  if (command == "admin") return herd::admin::admin_main(argc - 1, argv + 1);
  if (command == "grid") return herd::grid::grid_main(argc - 1, argv + 1);
  std::cerr << "herd: unknown command " << command << "\n";
  usage();
  return 2;
}
