// Process-level tests of yibao-sim (sim/engine.*, sim/run.*): the command line and exit codes,
// a modelled run's outputs and its determinism by seed, an SLO failure turning into exit code 3,
// the M/M/c station against Erlang C, and the CI regression scenario live against a yibao-core
// that yibao-sim starts itself.
// One SimGrid engine per process: every run is a child process.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/testing/core_process.h"
#include "tests/testing/repo.h"
#include "tests/testing/temp_dir.h"

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::repo_root;
std::string sim_binary() { return (fs::path(std::getenv("YB_BUILD_DIR")) / "sim" / "yibao-sim").string(); }
std::string scenario(const std::string& name) { return (repo_root() / "scenarios" / name).string(); }

int run_sim(const std::vector<std::string>& args, std::string* out, int timeout_s = 300) {
  std::vector<std::string> argv{sim_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_program(argv, out, std::chrono::seconds(timeout_s));
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// result.json without the fields that depend on the wall clock or the machine.
json without_wall(const json& j) {
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key().find("wall") == std::string::npos) out[it.key()] = without_wall(it.value());
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& v : j) out.push_back(without_wall(v));
    return out;
  }
  return j;
}

// A small modelled scenario: a county's Monday 08:00-08:20.
std::string small_modelled(const testing::TempDir& dir, const std::string& extra = {}) {
  const std::string path = dir.file("small.yaml");
  std::ofstream(path) << "name: small\n"
                         "question: does a small modelled run work?\n"
                         "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 08:00:00, duration: 20min}\n"
                         "mode: modelled\n"
                         "seed: 7\n"
                         "core: {calibration: "
                      << scenario("calibration/default.yaml") << "}\n"
                      << extra;
  return path;
}

TEST(SimCommandLine, HelpAndBadFlags) {
  std::string out;
  EXPECT_EQ(run_sim({"--help"}, &out), 0) << out;
  EXPECT_NE(out.find("run"), std::string::npos);
  EXPECT_EQ(run_sim({"run", "--no-such-flag", scenario("quickstart.yaml")}, &out), 1) << out;
  EXPECT_EQ(run_sim({}, &out), 1) << out;
  EXPECT_EQ(run_sim({"run", "/nonexistent/scenario.yaml"}, &out), 1) << out;
  EXPECT_NE(out.find("/nonexistent/scenario.yaml"), std::string::npos) << out;
  EXPECT_EQ(run_sim({"run", scenario("quickstart.yaml"), "--mode", "sideways"}, &out), 1) << out;
}

TEST(SimCommandLine, ValidateEveryShippedScenario) {
  for (const auto& e : fs::directory_iterator(repo_root() / "scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    std::string out;
    EXPECT_EQ(run_sim({"validate", e.path().string()}, &out), 0) << e.path() << "\n" << out;
    EXPECT_NE(out.find("valid"), std::string::npos) << out;
  }
}

TEST(SimCommandLine, ValidateReportsFileAndLine) {
  testing::TempDir dir;
  const std::string bad = dir.file("bad.yaml");
  std::ofstream(bad) << "name: bad\nquestion: q\nscale: {preset: county}\nclock: {start: 2024-03-04 08:00:00, "
                        "duration: 1h}\nmode: modelled\nseed: 1\nworkload: {volume_factor: -2}\n";
  std::string out;
  EXPECT_EQ(run_sim({"validate", bad}, &out), 1) << out;
  EXPECT_NE(out.find("bad.yaml:7"), std::string::npos) << out;
}

TEST(ModelledRun, WritesTheRunDirectoryAndIsAFunctionOfTheSeed) {
  testing::TempDir dir;
  const std::string sc = small_modelled(dir);
  std::string out;
  ASSERT_EQ(run_sim({"run", sc, "--out", dir.file("a"), "--quiet"}, &out), 0) << out;
  ASSERT_EQ(run_sim({"run", sc, "--out", dir.file("b"), "--quiet"}, &out), 0) << out;
  ASSERT_EQ(run_sim({"run", sc, "--out", dir.file("c"), "--seed", "8", "--quiet"}, &out), 0) << out;
  for (const char* f : {"result.json", "timeseries.csv", "report.html"})
    EXPECT_TRUE(fs::exists(dir.file(std::string("a/") + f))) << f;

  const json a = read_json(dir.file("a/result.json"));
  const json b = read_json(dir.file("b/result.json"));
  const json c = read_json(dir.file("c/result.json"));
  EXPECT_EQ(a["schema_version"], 1);
  EXPECT_EQ(a["mode"], "modelled");
  EXPECT_EQ(a["verdict"], "pass");
  EXPECT_GT(a["counts"]["settlements"].get<int64_t>(), 50) << a["counts"].dump();
  EXPECT_GT(a["money"]["fund_pay_sumamt"].get<int64_t>(), 0) << a["money"].dump();
  EXPECT_TRUE(a["latency_ms"]["by_txn"].contains("2207")) << a["latency_ms"].dump();
  for (const auto& inv : a["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
  // Same scenario and seed: the same result, bit for bit, apart from the wall-clock fields.
  EXPECT_EQ(without_wall(a).dump(), without_wall(b).dump());
  // Another seed: other visits.
  EXPECT_NE(without_wall(a)["counts"].dump(), without_wall(c)["counts"].dump());
}

TEST(ModelledRun, AFailedSloExitsWithThree) {
  testing::TempDir dir;
  const std::string sc = small_modelled(
      dir, "slo:\n  - {name: impossible, metric: latency_ms.2207.p99, op: \"<\", threshold: 0.001, min_samples: 1}\n");
  std::string out;
  EXPECT_EQ(run_sim({"run", sc, "--out", dir.file("r")}, &out), 3) << out;
  const json r = read_json(dir.file("r/result.json"));
  EXPECT_EQ(r["verdict"], "fail");
  ASSERT_EQ(r["slo"].size(), 1u);
  EXPECT_FALSE(r["slo"][0]["pass"].get<bool>());
  EXPECT_NE(out.find("FAIL"), std::string::npos) << out;
}

// A card-reader storm (DOMAIN.md §9 "Card-read error storm"): from 08:05 a fifth of the card
// reads at pharmacies read a bad card; each costs a refused 1101 and the ID card's 5 s. Modelled:
// the model core refuses the bad card's serial as the real one does (tests/e2e).
TEST(ModelledRun, ACardReaderStormCostsARefused1101AndTheIdCard) {
  testing::TempDir dir;
  auto run = [&](const std::string& name, const std::string& extra) {
    const std::string sc = small_modelled(dir, "outputs: {report: false, timeseries: false}\n" + extra);
    std::string out;
    EXPECT_EQ(run_sim({"run", sc, "--out", dir.file(name), "--quiet"}, &out), 0) << out;
    return read_json(dir.file(name + "/result.json"));
  };
  const json calm = run("calm", "");
  const json storm = run("storm", "faults:\n  - {at: 2024-03-04 08:02:00, card_reader: 0.2}\n");
  EXPECT_FALSE(calm.contains("card_reader"));
  ASSERT_TRUE(storm.contains("card_reader")) << storm.dump();
  const json& c = storm["card_reader"];
  const double reads = c["reads"].get<double>(), failed = c["failed_reads"].get<double>();
  EXPECT_GT(reads, 200) << c.dump();
  EXPECT_GT(failed / reads, 0.12) << c.dump();
  EXPECT_LT(failed / reads, 0.28) << c.dump();
  // Each bad card met at a window by the end is one refused 1101 (a few still queue at the end).
  const int64_t refused = c["refused_1101"].get<int64_t>();
  EXPECT_LE(refused, c["failed_reads"].get<int64_t>());
  EXPECT_GE(refused, c["failed_reads"].get<int64_t>() * 3 / 4) << c.dump();
  EXPECT_NEAR(c["extra_s_per_read"].get<double>(), 5.0 * failed / reads, 0.01);
  // The same arrivals (the storm draws nothing more), one more 1101 per refused bad card (give
  // or take the visits whose slower windows reach 1101 after the end).
  const double calm_1101 = calm["counts"]["by_txn"]["1101"]["sent"].get<double>();
  EXPECT_NEAR(storm["counts"]["by_txn"]["1101"]["sent"].get<double>() - static_cast<double>(refused), calm_1101,
              calm_1101 * 0.05);
  EXPECT_EQ(storm["counts"]["failed_by_reason"]["E_PSN_NOT_FOUND"].get<int64_t>(), refused);
  EXPECT_EQ(storm["counts"]["visits"]["failed"], calm["counts"]["visits"]["failed"]) << "no visit fails for it";
}

// Back-fill after a cut path in a modelled run (DOMAIN.md §7.3): the counters enter offline
// visits only in their opening hours, at a rate per facility type. A line cut from 16:30 to 18:00
// leaves its back-fill to the next morning when the counters close at 17:30.
TEST(ModelledRun, BackfillKeepsTheCountersOpeningHoursAndRatesByType) {
  testing::TempDir dir;
  auto run = [&](const std::string& name, const std::string& backfill) {
    const std::string path = dir.file(name + ".yaml");
    std::ofstream(path) << "name: " << name
                        << "\nscale: {preset: county}\n"
                           "clock: {start: 2024-03-04 16:00:00, duration: 18h}\n"
                           "mode: modelled\nseed: 2\n"
                           "workload: {inpatient: false}\n"
                           "core: {calibration: "
                        << scenario("calibration/default.yaml") << "}\n"
                        << "faults:\n  - {at: 2024-03-04 16:30:00, line: \"county:450101\", until: 2024-03-04 18:00:00}\n"
                        << "backfill: " << backfill << "\noutputs: {report: false, timeseries: false}\n";
    std::string out;
    EXPECT_EQ(run_sim({"run", path, "--out", dir.file(name), "--quiet"}, &out), 0) << out;
    return read_json(dir.file(name + "/result.json"));
  };
  const json any_time = run("any", "{rate_per_hour: 60}");
  const json opening = run("opening", "{rate_per_hour: 60, hours: [\"08:00\", \"17:30\"]}");
  const json slow_pharmacies = run("slow", "{rate_per_hour: {default: 60, pharmacy: 2}}");
  for (const json* r : {&any_time, &opening, &slow_pharmacies}) {
    EXPECT_EQ((*r)["verdict"], "pass");
    EXPECT_GT((*r)["outage"]["backlog"]["offline_visits"].get<int64_t>(), 100);
    EXPECT_EQ((*r)["outage"]["backlog"]["pending"], 0) << (*r)["outage"].dump();
  }
  // Any time: drained within the evening. Opening hours: from 08:00 the next day (14 h after 18:00).
  EXPECT_LT(any_time["outage"]["backlog"]["drain_time_h"].get<double>(), 2.0);
  EXPECT_GT(opening["outage"]["backlog"]["drain_time_h"].get<double>(), 14.0);
  EXPECT_LT(opening["outage"]["backlog"]["drain_time_h"].get<double>(), 16.0);
  EXPECT_GT(opening["outage"]["self_pay"]["wait_h"]["p50"].get<double>(), 14.0);
  // A quarter claimed at the agency (manual reimbursement): in review at the horizon, reported
  // apart; the rest back-filled at the counters.
  const json manual = run("manual", "{rate_per_hour: 60, manual: 0.25}");
  const json& b = manual["outage"]["backlog"];
  const double offline = b["offline_visits"].get<double>(), claims = manual["outage"]["manual"]["claims"].get<double>();
  EXPECT_NEAR(claims / offline, 0.25, 0.06) << manual["outage"].dump();
  EXPECT_EQ(b["manual_pending"], manual["outage"]["manual"]["claims"]);
  EXPECT_EQ(b["pending"], 0);
  EXPECT_EQ(b["backfilled"].get<double>() + claims, offline);
  EXPECT_GT(manual["outage"]["manual"]["paid_fen"].get<int64_t>(), 0);
  // Two an hour at each pharmacy: the pharmacies' backlog drains hours later than the others'.
  EXPECT_GT(slow_pharmacies["outage"]["backlog"]["drain_time_h"].get<double>(),
            any_time["outage"]["backlog"]["drain_time_h"].get<double>() + 1.0);
}

// Warm wards: a county's morning starts with its stays in progress (Little's law: 60 admissions
// a day × ~9 days), so discharges settle (2304) within hours; without them no stay is old enough.
// The warm-up calls are counted apart, not in the run's figures.
TEST(ModelledRun, WarmWardsDischargeFromTheFirstMorning) {
  testing::TempDir dir;
  auto morning = [&](const std::string& name, const std::string& workload) {
    const std::string path = dir.file(name + ".yaml");
    std::ofstream(path) << "name: " << name
                        << "\nscale: {preset: county}\n"
                           "clock: {start: 2024-03-04 09:00:00, duration: 2h}\n"
                           "mode: modelled\nseed: 3\n"
                           "core: {calibration: "
                        << scenario("calibration/default.yaml") << "}\n"
                        << workload << "outputs: {report: false, timeseries: false}\n";
    std::string out;
    EXPECT_EQ(run_sim({"run", path, "--out", dir.file(name), "--quiet"}, &out), 0) << out;
    return read_json(dir.file(name + "/result.json"));
  };
  const json warm = morning("warm", "");
  const json cold = morning("cold", "workload: {in_house_at_start: false}\n");
  const json& w = warm["counts"];
  EXPECT_GT(w["in_house_at_start"]["stays"].get<int64_t>(), 300) << w.dump();
  EXPECT_LT(w["in_house_at_start"]["stays"].get<int64_t>(), 900) << w.dump();
  // Stays with a call in the morning warmed up first (an admission, catch-up uploads); none refused.
  EXPECT_GT(w["in_house_at_start"]["warm_up_calls"].get<int64_t>(), 100) << w.dump();
  EXPECT_EQ(w["in_house_at_start"]["failed"].get<int64_t>(), 0) << w.dump();
  EXPECT_EQ(w["failed"].get<int64_t>(), 0) << w.dump();
  ASSERT_TRUE(w["by_txn"].contains("2304")) << w.dump();
  EXPECT_GT(w["by_txn"]["2304"]["acknowledged"].get<int64_t>(), 5) << w.dump();
  for (const auto& inv : warm["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
  // The warm-up is left out of the figures: 2401s counted are the morning's own admissions.
  const int64_t admitted_warm = warm["counts"]["by_txn"].value("2401", json::object()).value("sent", int64_t{0});
  const int64_t admitted_cold = cold["counts"]["by_txn"].value("2401", json::object()).value("sent", int64_t{0});
  EXPECT_EQ(admitted_warm, admitted_cold);
  const json& c = cold["counts"];
  EXPECT_EQ(c["in_house_at_start"]["stays"].get<int64_t>(), 0);
  EXPECT_FALSE(c["by_txn"].contains("2304")) << c.dump();
}

// issue 6: the simulated M/M/c station against Erlang C, mean wait over 10 seeds × 100,000
// customers within 2.5 %.
TEST(MmcStation, MeanWaitMatchesErlangC) {
  testing::TempDir dir;
  double sum_wait = 0, erlang = 0;
  for (int seed = 1; seed <= 10; ++seed) {
    std::string out;
    const std::string run_dir = dir.file("mmc" + std::to_string(seed));
    ASSERT_EQ(run_sim({"run", scenario("mmc-validation.yaml"), "--seed", std::to_string(seed), "--out", run_dir}, &out),
              0)
        << out;
    const json r = read_json(run_dir + "/result.json");
    ASSERT_EQ(r["mmc"]["served"].get<uint64_t>(), 100000u);
    sum_wait += r["mmc"]["mean_wait_s"].get<double>();
    erlang = r["mmc"]["erlang_c_wait_s"].get<double>();
  }
  const double mean = sum_wait / 10;
  EXPECT_NEAR(mean / erlang, 1.0, 0.025) << "simulated " << mean << " s, Erlang C " << erlang << " s";
}

// The CI regression scenario, live: yibao-sim starts yibao-core on a temporary ledger, drives
// it, reads the ledger back; every acknowledged settlement is in the ledger, none twice.
TEST(LiveRun, CiRegressionPasses) {
  testing::TempDir dir;
  std::string out;
  const int code = run_sim({"run", scenario("ci-regression.yaml"), "--out", dir.file("ci")}, &out, 600);
  ASSERT_TRUE(fs::exists(dir.file("ci/result.json"))) << out;
  const json r = read_json(dir.file("ci/result.json"));
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(r["mode"], "live");
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump() << r["invariants"].dump();
  std::vector<std::string> ids;
  for (const auto& inv : r["invariants"]) {
    ids.push_back(inv["id"].get<std::string>());
    EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
  }
  for (const char* d : {"D1", "D2", "D3", "D5", "D7"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), d), ids.end()) << d;
  EXPECT_TRUE(r.contains("wall_lag_ms")) << r.dump();
  EXPECT_GT(r["counts"]["settlements"].get<int64_t>(), 100);
}

}  // namespace
}  // namespace yibao::sim
