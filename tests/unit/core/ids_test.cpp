#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/ids.hpp"
#include "core/time.hpp"

using namespace herd;

TEST(Ids, IncreasingUniqueAndTimeSortable) {
  Id previous = next_id();
  for (int i = 0; i < 100000; ++i) {
    Id id = next_id();
    ASSERT_GT(id, previous);
    previous = id;
  }
  std::int64_t ms = id_unix_ms(previous);
  EXPECT_LE(std::abs(ms - now_unix_ms()), 5000);
  // Decimal strings of later ids sort after earlier ones by (length, text), as clients do.
  Id a = id_at(1700000000000), b = id_at(1700000000001);
  EXPECT_LT(std::to_string(a), std::to_string(b));
}

TEST(Ids, UniqueAcrossThreads) {
  std::vector<std::vector<Id>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& ids : per_thread)
    threads.emplace_back([&ids] {
      for (int i = 0; i < 20000; ++i) ids.push_back(next_id());
    });
  for (auto& t : threads) t.join();
  std::set<Id> all;
  for (auto& ids : per_thread) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), 80000u);
}

TEST(Ids, Parsing) {
  EXPECT_EQ(parse_id("110000000000000000"), 110000000000000000LL);
  EXPECT_EQ(parse_id(""), std::nullopt);
  EXPECT_EQ(parse_id("12a"), std::nullopt);
  EXPECT_EQ(parse_id("-5"), std::nullopt);
  EXPECT_EQ(parse_id("99999999999999999999"), std::nullopt);
}

TEST(Time, Rfc3339WithMilliseconds) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(1661895502123), "2022-08-30T21:38:22.123Z");
  EXPECT_EQ(parse_rfc3339("2022-08-30T21:38:22.123Z"), 1661895502123);
  EXPECT_EQ(parse_rfc3339("2022-08-30T23:38:22+02:00"), 1661895502000);
  EXPECT_EQ(parse_rfc3339("yesterday"), std::nullopt);
  EXPECT_EQ(rfc3339_date(1661895502123), "2022-08-30");
  EXPECT_EQ(http_date(1661895502123), "Tue, 30 Aug 2022 21:38:22 GMT");
  EXPECT_EQ(parse_http_date("Tue, 30 Aug 2022 21:38:22 GMT"), 1661895502000);
}
