// Claiming jobs (store::claim_jobs) on both engines: a claim takes at most the number of jobs
// asked for, the oldest due first, and leaves the others to the next claim, also when
// PostgreSQL's planner rescans the pick for each row of the table (a nested-loop semi join, which
// it may choose from its statistics: then `id IN (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED)`
// claimed every due job, and the mail queue, which runs the one job it asked for, left the others
// locked for minutes). PostgreSQL when HERD_TEST_POSTGRES_URL is set.
#include <gtest/gtest.h>

#include "../fresh_database.hpp"
#include "core/ids.hpp"
#include "store/database.hpp"
#include "store/federation.hpp"

using namespace herd;
using namespace herd::store;

namespace {

class JobsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url = herd::testing::fresh_database_url(GetParam(), "herd_jobs");
    if (url.empty()) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    db = open_database(url, 2);
    migrate(*db);
  }
  std::string url;
  std::unique_ptr<Database> db;
};

TEST_P(JobsTest, AClaimTakesAtMostTheJobsAskedForOldestFirst) {
  std::vector<Id> ids;
  db->write([&](Connection& c) {
    for (int i = 0; i < 20; ++i) {
      ids.push_back(next_id());
      insert_job(c, ids.back(), "mail", "{}", 1000 + i, 1000);
    }
  });
  const std::int64_t now = 5000, lock = 60'000;
  for (int round = 0; round < 3; ++round) {
    std::vector<Job> claimed;
    db->write_unversioned([&](Connection& c) {
      if (c.dialect() == Dialect::postgres)  // the plan that rescans the pick
        c.exec_script(
            "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
            "SET LOCAL enable_hashagg = off; SET LOCAL enable_sort = off; "
            "SET LOCAL enable_material = off");
      claimed = claim_jobs(c, "mail", now, lock, 1);
    });
    ASSERT_EQ(claimed.size(), 1u) << "round " << round;
    EXPECT_EQ(claimed.front().id, ids[static_cast<std::size_t>(round)]) << "oldest due first";
  }
  // Three claimed, seventeen left for the next claims: a batch of 16, then the last one.
  std::vector<Job> batch;
  db->write_unversioned([&](Connection& c) { batch = claim_jobs(c, "mail", now, lock, 16); });
  EXPECT_EQ(batch.size(), 16u);
  db->write_unversioned([&](Connection& c) { batch = claim_jobs(c, "mail", now, lock, 16); });
  EXPECT_EQ(batch.size(), 1u);
  db->write_unversioned([&](Connection& c) { batch = claim_jobs(c, "mail", now, lock, 16); });
  EXPECT_TRUE(batch.empty()) << "every job is claimed until its lock ends";
  db->write_unversioned(
      [&](Connection& c) { batch = claim_jobs(c, "mail", now + lock + 1, lock, 100); });
  EXPECT_EQ(batch.size(), 20u) << "claimable again once the locks ended";
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
