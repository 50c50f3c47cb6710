#include "grid/cgroups.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace herd::grid {
namespace {

TEST(GridCgroups, LimitsFollowThePackage) {
  CgroupLimits l = limits_for({2, 4096, 50});
  EXPECT_EQ(l.memory_bytes, 4096LL * 1024 * 1024);
  EXPECT_EQ(l.cpu_period_us, 100000);
  EXPECT_EQ(l.cpu_quota_us, 200000);
}

TEST(GridCgroups, V1PathsAndValues) {
  auto v1 = make_cgroup_v1("/sys/fs/cgroup", "herd");
  EXPECT_EQ(v1->kind(), "v1");
  auto writes = v1->limit_writes("mytoot", limits_for({1, 2048, 10}));
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[0].path, "/sys/fs/cgroup/memory/herd/mytoot/memory.limit_in_bytes");
  EXPECT_EQ(writes[0].value, "2147483648");
  EXPECT_EQ(writes[1].path, "/sys/fs/cgroup/cpu/herd/mytoot/cpu.cfs_period_us");
  EXPECT_EQ(writes[1].value, "100000");
  EXPECT_EQ(writes[2].path, "/sys/fs/cgroup/cpu/herd/mytoot/cpu.cfs_quota_us");
  EXPECT_EQ(writes[2].value, "100000");
  EXPECT_EQ(v1->procs_files("mytoot")[0], "/sys/fs/cgroup/memory/herd/mytoot/cgroup.procs");
}

TEST(GridCgroups, V2PathsAndValues) {
  auto v2 = make_cgroup_v2("/sys/fs/cgroup", "herd");
  auto writes = v2->limit_writes("big", limits_for({4, 4096, 100}));
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].path, "/sys/fs/cgroup/herd/big/memory.max");
  EXPECT_EQ(writes[0].value, "4294967296");
  EXPECT_EQ(writes[1].path, "/sys/fs/cgroup/herd/big/cpu.max");
  EXPECT_EQ(writes[1].value, "400000 100000");
}

TEST(GridCgroups, DetectsV2FromItsControllersAndCreatesIntoAFakeRoot) {
  auto root =
      std::filesystem::temp_directory_path() / ("herd-cgroup-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "cgroup.controllers") << "cpuset cpu io memory pids\n";
  auto backend = detect_cgroups(root.string(), "herd");
  EXPECT_EQ(backend->kind(), "v2");
  backend->create("x1", limits_for({1, 256, 1}));
  std::ifstream in(root / "herd" / "x1" / "memory.max");
  std::string value;
  in >> value;
  EXPECT_EQ(value, "268435456");
  std::filesystem::remove_all(root);
  auto none = detect_cgroups("/nonexistent-herd-root", "herd");
  EXPECT_EQ(none->kind(), "none");
}

}  // namespace
}  // namespace herd::grid
