// Tests of sim/result.h (and the Metrics behind it): the keys of DESIGN.md §5, SLO evaluation
// (pass, fail, too few samples, missing metric, the short path form), the verdict, warm-up
// exclusion, money net of cancels and reversals, and determinism (same input, same bytes).
#include "sim/result.h"

#include <gtest/gtest.h>

#include "sim/metrics.h"

namespace yibao::sim {
namespace {

using models::Level;
using nlohmann::json;

// A hand-filled run: 100 answered 2207s at 10..109 ms from a level-2 hospital, 10 pharmacy 2102s
// at 50 ms, one refusal, one deadline, queue samples, visits, and a journal with a settlement, a
// cancel and a reversal. Warm-up 60 s: the events at t < 60 must not count.
Metrics sample_metrics() {
  Metrics m(60, 60);
  // Warm-up traffic: excluded from figures.
  m.on_sent(2207, 10, false);
  m.on_call(2207, Level::kLevel2, 10, 10.5, 0, 0, "");
  m.on_visit(Level::kLevel2, true, 11);
  for (int i = 0; i < 100; ++i) {
    const double t = 100 + i;
    m.on_sent(2207, t, i == 0);
    m.on_call(2207, Level::kLevel2, t, t + (10 + i) / 1000.0, 0.002, 0, "");
    m.on_visit(Level::kLevel2, true, t + 1);
  }
  for (int i = 0; i < 10; ++i) {
    m.on_sent(2102, 200 + i, false);
    m.on_call(2102, Level::kPharmacy, 200 + i, 200 + i + 0.05, 0, 0, "");
  }
  m.on_sent(2207, 250, false);
  m.on_call(2207, Level::kLevel3, 250, 250.02, 0, 9, "E_STATE");
  m.on_sent(2304, 260, false);
  m.on_call(2304, Level::kLevel3, 260, 290, 0, 4, "DEADLINE_EXCEEDED");
  m.on_unknown(2304, 290);
  m.on_visit(Level::kLevel3, false, 291);
  m.on_open_visit(Level::kLevel3);
  m.on_queue("counters.level2", 120, 4);
  m.on_queue("counters.level2", 130, 7);
  m.on_queue("core", 140, 2);
  m.on_queue("counters.level2", 30, 99);  // warm-up: not in queues.max

  JournalEntry a;
  a.txn = 2207;
  a.msgid = "A";
  a.setl_id = "S1";
  a.mdtrt_id = "M1";
  a.medfee_sumamt = 10000;
  a.fund_pay_sumamt = 6000;
  a.acct_pay = 1000;
  a.psn_cash_pay = 3000;
  m.journal(a);
  JournalEntry b = a;
  b.msgid = "B";
  b.setl_id = "S2";
  b.mdtrt_id = "M2";
  m.journal(b);
  JournalEntry c = a;  // cancel of S2: negative amounts as the reply states them
  c.txn = 2208;
  c.msgid = "C";
  c.setl_id = "S3";
  c.omsgid = "S2";
  c.mdtrt_id = "M2";
  c.medfee_sumamt = -10000;
  c.fund_pay_sumamt = -6000;
  c.acct_pay = -1000;
  c.psn_cash_pay = -3000;
  m.journal(c);
  JournalEntry u;  // unknown outcome reversed: nets to nothing
  u.txn = 2207;
  u.msgid = "U";
  u.outcome = JournalEntry::Outcome::kUnknown;
  m.journal(u);
  JournalEntry rv;
  rv.txn = 2601;
  rv.msgid = "R";
  rv.omsgid = "U";
  m.journal(rv);
  m.set_end(360);
  return m;
}

Scenario sample_scenario() {
  Scenario s;
  s.file = "scenarios/test.yaml";
  s.name = "test";
  s.question = "does it add up?";
  s.seed = 7;
  s.clock.warmup_s = 60;
  auto slo = [](std::string name, std::string metric, std::string op, double threshold, uint64_t min) {
    Slo x;
    x.name = std::move(name);
    x.metric = std::move(metric);
    x.op = std::move(op);
    x.threshold = threshold;
    x.min_samples = min;
    return x;
  };
  s.slo = {slo("p99 fast", "latency_ms.by_txn.2207.p99", "<=", 500, 50),
           slo("short form", "latency_ms.2207.p50", "<", 100, 0),
           slo("throughput", "throughput_per_s.settlements", ">=", 0.1, 0)};
  return s;
}

const json& slo_named(const json& r, const std::string& name) {
  for (const json& s : r["slo"])
    if (s["name"] == name) return s;
  static const json kNone;
  ADD_FAILURE() << "no SLO " << name;
  return kNone;
}

TEST(Result, HasTheKeysOfDesign5) {
  const json r = make_result(sample_scenario(), sample_metrics(), RunInfo{});
  for (const char* k : {"schema_version", "scenario", "seed", "mode", "verdict", "slo", "invariants", "throughput_per_s",
                        "latency_ms", "counts", "spans", "wall_s", "wall_started", "money", "measured", "queues"})
    EXPECT_TRUE(r.contains(k)) << k;
  EXPECT_EQ(r["schema_version"], 1);
  EXPECT_EQ(r["scenario"]["name"], "test");
  EXPECT_EQ(r["scenario"]["file"], "scenarios/test.yaml");
  EXPECT_EQ(r["seed"], 7);
  EXPECT_EQ(r["mode"], "modelled");
  EXPECT_FALSE(r.contains("wall_lag_ms"));  // modelled, no lag samples
  for (const char* k : {"p50", "p95", "p99", "max", "count"}) EXPECT_TRUE(r["latency_ms"]["by_txn"]["2207"].contains(k));
  EXPECT_TRUE(r["latency_ms"]["by_facility_type"].contains("level2"));
  EXPECT_TRUE(r["latency_ms"]["by_facility_type"].contains("pharmacy"));
}

TEST(Result, CountsAndLatencyLeaveTheWarmUpOut) {
  const json r = make_result(sample_scenario(), sample_metrics(), RunInfo{});
  const json& c = r["counts"];
  EXPECT_EQ(c["sent"], 112);
  EXPECT_EQ(c["acknowledged"], 110);
  EXPECT_EQ(c["failed"], 2);
  EXPECT_EQ(c["unknown"], 1);
  EXPECT_EQ(c["late_sends"], 1);
  EXPECT_EQ(c["settlements"], 110);
  EXPECT_EQ(c["failed_by_reason"]["E_STATE"], 1);
  EXPECT_EQ(c["failed_by_reason"]["DEADLINE_EXCEEDED"], 1);
  EXPECT_EQ(c["visits"]["ok"], 100);
  EXPECT_EQ(c["visits"]["failed"], 1);
  EXPECT_EQ(c["visits"]["open"], 1);
  EXPECT_EQ(c["by_txn"]["2304"]["unknown"], 1);
  // 100 answered settlements + the E_STATE refusal; the deadline is counted, not timed.
  EXPECT_EQ(r["latency_ms"]["by_txn"]["2207"]["count"], 101);
  EXPECT_FALSE(r["latency_ms"]["by_txn"].contains("2304"));
  const double p50 = r["latency_ms"]["by_txn"]["2207"]["p50"];
  EXPECT_NEAR(p50, 59, 1.0);  // rank 51 of {10..109 ms, 20 ms}: 59 ms, within the histogram's 1 %
  EXPECT_NEAR(r["latency_ms"]["by_txn"]["2207"]["max"].get<double>(), 109, 0.01);
  EXPECT_EQ(r["queues"]["max"]["counters.level2"], 7);
  EXPECT_EQ(r["measured"]["span_s"], 300);
  EXPECT_NEAR(r["throughput_per_s"]["settlements"].get<double>(), 110.0 / 300, 0.001);
}

TEST(Result, MoneyIsNetOfCancelsAndReversals) {
  const json r = make_result(sample_scenario(), sample_metrics(), RunInfo{});
  EXPECT_EQ(r["money"]["medfee_sumamt"], 10000);
  EXPECT_EQ(r["money"]["fund_pay_sumamt"], 6000);
  EXPECT_EQ(r["money"]["acct_pay"], 1000);
  EXPECT_EQ(r["money"]["psn_cash_pay"], 3000);
  EXPECT_EQ(r["money"]["settlements"], 1);
}

TEST(Result, SlosPassFailAndNeedTheirSamples) {
  Scenario s = sample_scenario();
  json r = make_result(s, sample_metrics(), RunInfo{});
  EXPECT_TRUE(slo_named(r, "p99 fast")["pass"]);
  EXPECT_EQ(slo_named(r, "p99 fast")["samples"], 101);
  EXPECT_TRUE(slo_named(r, "short form")["pass"]);  // latency_ms.2207.p50 = by_txn.2207.p50
  EXPECT_TRUE(slo_named(r, "throughput")["pass"]);
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_TRUE(passed(r));

  s.slo[0].threshold = 50;  // p99 ≈ 108 ms
  r = make_result(s, sample_metrics(), RunInfo{});
  EXPECT_FALSE(slo_named(r, "p99 fast")["pass"]);
  EXPECT_EQ(r["verdict"], "fail");

  s = sample_scenario();
  s.slo[0].min_samples = 1000;  // only 101 behind it
  r = make_result(s, sample_metrics(), RunInfo{});
  EXPECT_FALSE(slo_named(r, "p99 fast")["pass"]);
  EXPECT_NE(slo_named(r, "p99 fast")["detail"].get<std::string>().find("too few samples"), std::string::npos);
  EXPECT_EQ(r["verdict"], "fail");

  s = sample_scenario();
  s.slo[0].metric = "latency_ms.by_txn.9999.p99";
  r = make_result(s, sample_metrics(), RunInfo{});
  EXPECT_FALSE(slo_named(r, "p99 fast")["pass"]);
  EXPECT_TRUE(slo_named(r, "p99 fast")["measured"].is_null());
}

TEST(Result, AFailedInvariantFailsTheVerdict) {
  RunInfo run;
  InvariantResult ok;
  ok.id = "D2";
  InvariantResult bad;
  bad.id = "D1";
  for (int i = 0; i < 25; ++i) add_offender(bad, "S" + std::to_string(i));
  run.invariants = {bad, ok};
  const json r = make_result(sample_scenario(), sample_metrics(), run);
  EXPECT_EQ(r["verdict"], "fail");
  EXPECT_EQ(r["invariants"][0]["id"], "D1");
  EXPECT_FALSE(r["invariants"][0]["pass"]);
  EXPECT_EQ(r["invariants"][0]["count"], 25);
  EXPECT_EQ(r["invariants"][0]["ids"].size(), kMaxInvariantIds);
  EXPECT_TRUE(r["invariants"][1]["pass"]);
}

TEST(Result, LiveRunsReportWallLagAndItsTolerance) {
  Scenario s = sample_scenario();
  s.mode = Mode::kLive;
  PaceSpan p;
  p.kind = "accelerated";
  p.speed = 60;
  s.pace = {p};
  Metrics m = sample_metrics();
  for (int i = 1; i <= 100; ++i) m.on_wall_lag(i);
  RunInfo run;
  run.lag_tolerance_ms = 50;
  run.wall_s = 12.3456;
  run.wall_started = "2026-12-02T17:00:00Z";
  const json r = make_result(s, m, run);
  ASSERT_TRUE(r.contains("wall_lag_ms"));
  EXPECT_NEAR(r["wall_lag_ms"]["p99"].get<double>(), 99, 1);
  EXPECT_FALSE(slo_named(r, "wall_lag")["pass"]);
  EXPECT_EQ(r["verdict"], "fail");
  EXPECT_EQ(r["wall_s"], 12.346);
  ASSERT_EQ(r["spans"].size(), 1u);
  EXPECT_EQ(r["spans"][0]["pace"], "accelerated");
  EXPECT_EQ(r["spans"][0]["speed"], 60);
}

TEST(Result, SameInputSameBytes) {
  const std::string a = dump_result(make_result(sample_scenario(), sample_metrics(), RunInfo{}));
  const std::string b = dump_result(make_result(sample_scenario(), sample_metrics(), RunInfo{}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.back(), '\n');
  // Nothing machine- or time-dependent outside the wall fields.
  const json r = json::parse(a);
  EXPECT_EQ(r["wall_started"], "");
}

TEST(Result, FindMetricWalksDottedPaths) {
  const json r = make_result(sample_scenario(), sample_metrics(), RunInfo{});
  ASSERT_NE(find_metric(r, "counts.failed_by_reason.E_STATE"), nullptr);
  EXPECT_EQ(*find_metric(r, "counts.failed_by_reason.E_STATE"), 1);
  EXPECT_EQ(find_metric(r, "counts.nope"), nullptr);
  EXPECT_EQ(find_metric(r, "latency_ms.2207.p99"), find_metric(r, "latency_ms.by_txn.2207.p99"));
}

TEST(Result, Round3IsStable) {
  EXPECT_EQ(round3(1.23449), 1.234);
  EXPECT_EQ(round3(-0.0001), 0.0);
  EXPECT_EQ(json(round3(-0.0001)).dump(), "0.0");
}

}  // namespace
}  // namespace yibao::sim
