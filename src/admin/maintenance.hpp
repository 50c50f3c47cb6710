// tootctl's maintenance verbs on `herd admin`: `statuses remove`, `media remove`, `domains purge`,
// `cache clear`. Registered on the admin command line; each sets the action run once the
// instance is open. Long jobs draw a progress bar when stdout is a terminal.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

#include "app.hpp"

namespace herd::admin {

void add_maintenance_commands(CLI::App& cli, std::function<int(App&)>& action);

}  // namespace herd::admin
