// `herd serve`: load configuration, open and migrate the database, create the admin on first
// start, and serve HTTP until SIGINT/SIGTERM. Returns the process exit code.
#pragma once
#include <string>

namespace herd {

int serve_main(const std::string& config_path);
void print_serve_help();

}  // namespace herd
