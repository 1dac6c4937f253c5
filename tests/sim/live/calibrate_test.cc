// sim/live/calibrate: the stats -> calibration arithmetic on made-up GetStats replies, and one
// short real calibration (a started core, yibao-load for two seconds).
#include "sim/live/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "grpc/convert/histogram.h"
#include "tests/testing/core_process.h"

namespace yibao::sim {
namespace {

namespace v1 = yibao::settlement::v1;

models::Histogram filled(std::initializer_list<std::pair<double, int>> values_us) {
  models::Histogram h;
  for (const auto& [v, n] : values_us)
    for (int i = 0; i < n; ++i) h.add(v);
  return h;
}

void add_rpc(v1::GetStatsReply* s, const std::string& infno, const models::Histogram& h) {
  auto* r = s->add_rpcs();
  r->set_infno(infno);
  r->set_ok(h.count());
  convert::to_proto(h, r->mutable_latency());
}

TEST(CalibrateTest, FromStatsTakesMediansSigmaAndCommit) {
  v1::GetStatsReply after;
  // 2207: p50 ≈ 6 ms, p90 ≈ 10 ms; commits of 5 ms each, batches of 1.
  add_rpc(&after, "2207", filled({{6000, 50}, {7000, 30}, {10000, 20}}));
  add_rpc(&after, "1101", filled({{5500, 5}}));  // too few samples
  add_rpc(&after, "Echo", filled({{50, 100}}));  // not a transaction code
  after.set_commit_batches(100);
  convert::to_proto(filled({{5000, 100}}), after.mutable_commit_time());
  convert::to_proto(filled({{1, 100}}), after.mutable_commit_batch_size());

  CalibrateOptions o;
  o.min_samples = 20;
  Calibration c;
  ASSERT_TRUE(calibration_from_stats(v1::GetStatsReply(), after, o, "test machine", &c).ok());
  ASSERT_EQ(c.service.size(), 1u);
  const ServiceDist& d = c.service.at(2207);
  EXPECT_NEAR(d.median_s, 0.001, 0.0002);  // 6 ms − 5 ms of commit
  EXPECT_NEAR(d.sigma, std::log(5.0 / 1.0) / 1.2816, 0.15);  // (10 − 5) / (6 − 5)
  EXPECT_NEAR(c.commit_a_s, 0.005, 0.0002);
  EXPECT_GT(c.commit_b_s, 0);
  EXPECT_EQ(c.machine, "test machine");
  EXPECT_EQ(c.workers, 8);
}

TEST(CalibrateTest, OnlyTheWindowBetweenTwoReadsCounts) {
  v1::GetStatsReply before, after;
  add_rpc(&before, "2201", filled({{1000, 100}}));
  add_rpc(&after, "2201", filled({{1000, 100}, {3000, 100}}));
  CalibrateOptions o;
  Calibration c;
  ASSERT_TRUE(calibration_from_stats(before, after, o, "m", &c).ok());
  EXPECT_NEAR(c.service.at(2201).median_s, 0.003, 0.0001);  // no commit figures: latency as is
  // Nothing new in the window: refused, naming the remedy.
  Status s = calibration_from_stats(after, after, o, "m", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("run longer"), std::string::npos);
}

TEST(CalibrateTest, ShortRealCalibration) {
  const std::string load = testing::CoreProcess::binary("bench/load/yibao-load");
  if (!std::filesystem::exists(load)) GTEST_FAIL() << "yibao-load is not built: " << load;
  CalibrateOptions o;
  o.core_binary = testing::CoreProcess::binary("grpc/core/yibao-core");
  o.load_binary = load;
  o.seed = 5;
  o.seconds = 2;
  o.rate = 40;
  o.facilities = 20;
  o.min_samples = 10;
  Calibration c;
  const Status s = run_calibration(o, &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(c.service.count(2207) == 1 || c.service.count(2102) == 1);
  EXPECT_TRUE(c.service.count(1101) == 1);
  EXPECT_TRUE(validate_calibration(c).ok());
  EXPECT_NE(c.machine.find("yibao-sim calibrate"), std::string::npos);
}

TEST(CalibrateTest, UnreachableCoreIsOneLine) {
  CalibrateOptions o;
  o.core_address = "127.0.0.1:1";
  o.admin_token_file = "/nonexistent/token";
  o.load_binary = testing::CoreProcess::binary("bench/load/yibao-load");
  Calibration c;
  const Status s = run_calibration(o, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace yibao::sim
