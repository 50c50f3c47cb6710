#include "core/startup_pages.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace herd {
namespace {

// Resident kB of this program's code (its executable mappings of /proc/self/exe).
std::size_t program_code_kb() {
  std::string exe;
  {
    char buffer[4096];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n > 0) exe.assign(buffer, static_cast<std::size_t>(n));
  }
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  std::size_t total = 0;
  while (std::getline(smaps, line)) {
    std::size_t dash = line.find('-'), space = line.find(' ');
    if (dash != std::string::npos && space != std::string::npos && dash < space &&
        line.find(':') > space) {
      inside = line.find(" r-xp ") != std::string::npos && line.ends_with(exe);
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      total += std::stoul(line.substr(4));
    }
  }
  return total;
}

int written = 1;                                        // a writable segment
const char* const relocated[] = {"relocated", "data"};  // made read-only after loading

TEST(StartupPagesTest, DropsCodePagesAndKeepsWrittenData) {
  written = 42;
  std::size_t code_before = program_code_kb();
  ASSERT_GT(code_before, 0u);
  std::size_t released = release_startup_pages();
  EXPECT_GT(released, 0u);
  EXPECT_LT(program_code_kb(), code_before);
  EXPECT_EQ(written, 42);
  EXPECT_EQ(std::string(relocated[0]) + relocated[1], "relocateddata");
  // Code and constants come back from the file when used: this goes on running.
  EXPECT_EQ(std::to_string(written * 2), "84");
}

}  // namespace
}  // namespace herd
