// Tests of sim/timeseries.h: the fixed columns, one row per bucket from 0 with the gaps filled,
// warm-up rows flagged, per-bucket figures and queue classes, stable bytes.
#include "sim/timeseries.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace yibao::sim {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string l;
  while (std::getline(ss, l)) out.push_back(l);
  return out;
}

Metrics sample() {
  Metrics m(60, 60);
  m.on_sent(2207, 5, false);
  m.on_call(2207, models::Level::kLevel2, 5, 5.01, 0, 0, "");
  // Nothing in minute 1; minute 2: two settlements, a refusal, queues.
  m.on_sent(2207, 130, true);
  m.on_call(2207, models::Level::kLevel2, 130, 130.02, 0, 0, "");
  m.on_sent(2102, 131, false);
  m.on_call(2102, models::Level::kPharmacy, 131, 131.04, 0, 0, "");
  m.on_sent(2207, 132, false);
  m.on_call(2207, models::Level::kLevel2, 132, 132.1, 0, 9, "E_STATE");
  m.on_visit(models::Level::kLevel2, true, 133);
  m.on_queue("counters.level2", 140, 3);
  m.on_queue("counters.village", 141, 5);
  m.on_queue("core", 142, 2);
  m.on_queue("mystery", 143, 8);
  return m;
}

TEST(Timeseries, FixedColumnsDocumentedInTheHeader) {
  const std::vector<std::string> cols = split(timeseries_header());
  const std::vector<std::string> expect = {
      "minute",         "start_s",        "warmup",           "sent",           "acknowledged",
      "failed",         "unknown",        "late_sends",       "settlements",    "visits_ok",
      "visits_failed",  "settlements_per_s", "messages_per_s", "latency_p50_ms", "latency_p99_ms",
      "latency_count",  "queue_max_counters", "queue_max_fep",  "queue_max_county", "queue_max_core",
      "queue_max_other", "offline",        "backfilled",       "backlog"};
  EXPECT_EQ(cols, expect);
}

// Switchover: offline visits and their back-fills per bucket, and the backlog at each bucket's end.
TEST(Timeseries, BacklogFollowsOfflineVisitsAndBackfills) {
  Metrics m(0, 60);
  for (int i = 0; i < 5; ++i) m.on_offline(models::Level::kPrimary, 1000, 10 + i);  // minute 0: 5 offline
  m.on_abandoned(70);                                      // minute 1: one abandoned
  m.on_backfill(true, 500, 3600, 130);                      // minute 2: two back-filled, one failed
  m.on_backfill(true, 500, 3600, 131);
  m.on_backfill(false, 0, 0, 132);
  const std::vector<std::string> rows = lines(timeseries_csv(m));
  ASSERT_EQ(rows.size(), 4u);
  auto tail3 = [](const std::string& row) {
    const std::vector<std::string> c = split(row);
    return std::vector<std::string>(c.end() - 3, c.end());
  };
  EXPECT_EQ(tail3(rows[1]), (std::vector<std::string>{"5", "0", "5"}));
  EXPECT_EQ(tail3(rows[2]), (std::vector<std::string>{"0", "0", "4"}));
  EXPECT_EQ(tail3(rows[3]), (std::vector<std::string>{"0", "2", "1"}));
}

TEST(Timeseries, OneRowPerMinuteGapsFilledWarmUpFlagged) {
  const std::vector<std::string> rows = lines(timeseries_csv(sample()));
  ASSERT_EQ(rows.size(), 4u);  // header + minutes 0, 1, 2
  const size_t ncols = split(timeseries_header()).size();
  for (const std::string& r : rows) EXPECT_EQ(split(r).size(), ncols) << r;
  const auto m0 = split(rows[1]), m1 = split(rows[2]), m2 = split(rows[3]);
  EXPECT_EQ(m0[0], "0");
  EXPECT_EQ(m0[2], "1");  // warm-up
  EXPECT_EQ(m0[3], "1");
  EXPECT_EQ(m1[1], "60.000");
  EXPECT_EQ(m1[2], "0");
  EXPECT_EQ(m1[3], "0");  // the gap
  EXPECT_EQ(m2[3], "3");  // sent
  EXPECT_EQ(m2[4], "2");  // acknowledged
  EXPECT_EQ(m2[5], "1");  // failed
  EXPECT_EQ(m2[7], "1");  // late
  EXPECT_EQ(m2[8], "2");  // settlements
  EXPECT_EQ(m2[9], "1");  // visits ok
  EXPECT_EQ(m2[11], "0.033");  // 2 settlements / 60 s
  EXPECT_EQ(m2[12], "0.050");  // 3 calls / 60 s
  EXPECT_EQ(m2[15], "3");      // answered calls timed
  EXPECT_NEAR(std::stod(m2[14]), 100, 1.5);  // p99 = the 100 ms refusal
  EXPECT_EQ(m2[16], "5");      // counters: the largest of its queues
  EXPECT_EQ(m2[19], "2");      // core
  EXPECT_EQ(m2[20], "8");      // an unknown class is "other"
}

TEST(Timeseries, SameMetricsSameBytes) { EXPECT_EQ(timeseries_csv(sample()), timeseries_csv(sample())); }

TEST(Timeseries, EmptyRunIsJustTheHeader) { EXPECT_EQ(timeseries_csv(Metrics()), timeseries_header() + "\n"); }

}  // namespace
}  // namespace yibao::sim
