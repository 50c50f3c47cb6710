// `herd serve`: load configuration, open and migrate the database, create the admin on first
// start, and serve HTTP until SIGINT/SIGTERM. Returns the process exit code.
#pragma once
#include <string>

namespace herd {

int serve_main(const std::string& config_path);
// The settings herd serve reads, one per line with its meaning (for `herd serve --help`).
std::string serve_settings_help();

}  // namespace herd
