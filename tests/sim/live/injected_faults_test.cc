// Scheduled core faults in a live run (scenario `faults` with `slow` and `lose_replies`; issue 7):
// yibao-sim starts the core with --fault-injection, arms each fault with Admin.InjectFault when
// the simulation reaches its `at` (the pacer stops there, so it lands on the second even
// unpaced) and clears it at its `until`. The slow call's latency shows the added hold, the lost
// replies are retried or reversed, and the invariants pass. A given core without
// --fault-injection is refused before the run. Whole yibao-sim runs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "tests/sim/live/drill_run.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using nlohmann::json;

constexpr const char* kScenario =
    "name: injected-faults\n"
    "question: Do a slow settlement and lost sale replies leave the ledger exact?\n"
    "scale: {preset: county}\n"
    "clock: {start: 2024-03-04 08:00:00, duration: 20min}\n"
    "mode: live\n"
    "seed: 5\n"
    "workload: {inpatient: false}\n"
    "pace:\n  - {kind: max}\n"
    "faults:\n"
    "  - {at: 2024-03-04 08:05:00, slow: '2207', latency: 400ms, until: 2024-03-04 08:10:00}\n"
    "  - {at: 2024-03-04 08:12:00, lose_replies: '2102', count: 3}\n"
    "outputs: {timeseries: false, report: false}\n";

TEST(InjectedFaults, ArmedAtTheirSecondAndClearedAtUntil) {
  TempDir dir;
  const std::string path = dir.file("f.yaml");
  std::ofstream(path) << kScenario;
  const json r = run_drill(path, dir.file("out"));
  ASSERT_FALSE(r.is_null());
  expect_invariants(r);
  ASSERT_EQ(r["faults"].size(), 2u) << r["faults"].dump();
  const json& slow = r["faults"][0];
  EXPECT_EQ(slow["slow"], "2207");
  EXPECT_EQ(slow["applied_at"], "2024-03-04T08:05:00") << slow.dump();
  EXPECT_EQ(slow["cleared_at"], "2024-03-04T08:10:00") << slow.dump();
  EXPECT_FALSE(slow.contains("error")) << slow.dump();
  const json& lose = r["faults"][1];
  EXPECT_EQ(lose["applied_at"], "2024-03-04T08:12:00") << lose.dump();
  // The held replies are in 2207's latency; the other calls are not held.
  EXPECT_GE(r["latency_ms"]["by_txn"]["2207"]["max"].get<double>(), 400) << r["latency_ms"].dump();
  EXPECT_LT(r["latency_ms"]["by_txn"]["2101"]["max"].get<double>(), 400) << r["latency_ms"].dump();
  // Three 2102 replies lost: three failed calls, each retried or reversed (the invariants hold).
  const json& t = r["counts"]["by_txn"];
  EXPECT_EQ(t["2102"]["failed"], 3) << t.dump();
  EXPECT_EQ(r["counts"]["failed_by_reason"].value("grpc_14", 0), 3) << r["counts"].dump();
}

TEST(InjectedFaults, AGivenCoreWithoutFaultInjectionIsRefused) {
  TempDir dir;
  CoreProcess core({"--ledger", dir.file("l.db"), "--population", "county", "--seed", "5"});
  ASSERT_TRUE(core.start()) << core.error();
  const std::string path = dir.file("f.yaml");
  std::ofstream(path) << kScenario;
  std::string out;
  const int code = run_program({CoreProcess::binary("sim/yibao-sim"), "run", path, "--out", dir.file("out"), "--quiet",
                                "--core", core.address(), "--admin-token", dir.file("l.db") + ".admin-token"},
                               &out, std::chrono::seconds(120));
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("--fault-injection"), std::string::npos) << out;
  EXPECT_EQ(core.stop(), 0) << core.output();
}

}  // namespace
}  // namespace yibao::testing
