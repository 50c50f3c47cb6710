// Fills an instance with accounts, follows and statuses for benchmarks.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "app.hpp"

namespace herd::admin {

struct SeedOptions {
  std::size_t accounts = 1000;
  std::size_t statuses = 100000;
  std::size_t follows = 20;                  // per account
  std::optional<std::size_t> first_follows;  // the first account's (user1's); default `follows`
  std::string prefix = "user";
  std::string password = "password";  // every seeded user's password
  unsigned long random_seed = 42;
};

struct SeedStats {
  std::size_t accounts = 0, follows = 0, statuses = 0;
};

// Writes through bulk inserts (the statuses' and home feeds' secondary indexes dropped meanwhile
// and built at the end), then rebuilds home feeds and counters. Prints a progress bar (on a
// terminal) and each phase's duration (stderr). The same options and random seed give the same
// accounts and follow graph whatever the number of statuses. The statuses are left out of the
// search index (no background backfill by `herd serve` either): `herd admin search deploy` indexes
// them.
SeedStats seed(App& app, const SeedOptions& options);

}  // namespace herd::admin
