// A fresh, empty database for a unit test that runs on both engines.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/ids.hpp"
#include "store/database.hpp"

namespace herd::testing {

// The URL of a new database no other test uses: a SQLite file in a new temporary folder, or a
// new database on the PostgreSQL server named by HERD_TEST_POSTGRES_URL ("" when that is not
// set: the caller skips). Names carry the process id as well as a snowflake, because ctest runs
// each test case in a process of its own, two at a time, and two processes can draw the same
// snowflake in the same millisecond.
inline std::string fresh_database_url(const std::string& backend, const std::string& prefix) {
  std::string unique =
      prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(herd::next_id());
  if (backend == "sqlite") {
    auto folder = std::filesystem::temp_directory_path() / unique;
    return "sqlite://" + folder.string() + "/test.sqlite3";
  }
  const char* url = std::getenv("HERD_TEST_POSTGRES_URL");
  if (!url) return "";
  auto admin = store::open_database(url, 1);
  admin->read([&](store::Connection& c) { c.exec_script("CREATE DATABASE " + unique); });
  std::string base(url);
  return base.substr(0, base.rfind('/') + 1) + unique;
}

}  // namespace herd::testing
