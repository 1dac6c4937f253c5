// Pace spans and the admin clock of live runs (sim/live/pacer.h, sim/live_core.h), as whole
// yibao-sim runs (child processes: one SimGrid engine per process) against real cores:
//   - two spans (accelerated, then max) give result.json both spans and the same visits, calls
//     and money as one accelerated span of the same seed: pace changes no visit;
//   - with core.clock admin, the core's clock read back after the run (Admin.GetClock) is the
//     simulated end (the last span's `to`), and no call met an unset clock;
//   - core.clock admin against a core on the wall clock is an error (exit 1), not a silent run.
// No timing is asserted.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "grpc/client/client_pool.h"
#include "sim/live/core_process.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;
namespace v1 = yibao::settlement::v1;
using nlohmann::json;

constexpr uint64_t kSeed = 20240304;

std::string sim_binary() { return (fs::path(std::getenv("YB_BUILD_DIR")) / "sim" / "yibao-sim").string(); }

int run_sim(const std::vector<std::string>& args, std::string* out) {
  std::vector<std::string> argv{sim_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_program(argv, out, std::chrono::seconds(300));
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// A county's Monday from 08:00: 40 visits at most, begun in the first minutes and finished well
// before the end (so no visit's outcome depends on where the run stops).
std::string write_scenario(const testing::TempDir& dir, const std::string& name, const std::string& pace,
                           const std::string& core = {}) {
  const std::string path = dir.file(name + ".yaml");
  std::ofstream(path) << "name: " << name << "\n"
                      << "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 08:00:00, duration: 30min}\n"
                         "mode: live\n"
                         "seed: "
                      << kSeed << "\n"
                      << "workload: {volume_factor: 2.0, max_visits: 40}\n"
                      << core << "pace:\n"
                      << pace << "outputs: {report: false, timeseries: false}\n";
  return path;
}

const char* kTwoSpans =
    "  - {kind: accelerated, speed: 60, lag_tolerance: 5s}\n"
    "  - {from: 2024-03-04 08:03:00, kind: max}\n";

// What the visits did, wall figures aside. Attempts sent are left out: at speed 60 a facility
// waits 10 simulated seconds = 167 ms of wall for a sign-in before sending another, so on a busy
// machine the attempts may depend on the wall clock; the outcomes do not (at speed 240, 125 ms of
// wall for a settlement's three attempts, a loaded machine did change outcomes: 2601s).
json visit_figures(const json& r) {
  json c = r["counts"];
  json by_txn = c["by_txn"];
  for (auto& [txn, t] : by_txn.items()) t.erase("sent");
  return json{{"visits", c["visits"]},   {"acknowledged", c["acknowledged"]}, {"failed", c["failed"]},
              {"unknown", c["unknown"]}, {"settlements", c["settlements"]},   {"by_txn", by_txn},
              {"money", r["money"]}};
}

TEST(PaceSpans, AcceleratedThenMaxSimulatesTheSameVisitsAsOneSpan) {
  testing::TempDir dir;
  std::string out;
  const std::string two = write_scenario(dir, "two", kTwoSpans);
  ASSERT_EQ(run_sim({"run", two, "--out", dir.file("two"), "--quiet"}, &out), 0) << out;
  const std::string one = write_scenario(dir, "one", "  - {kind: accelerated, speed: 60, lag_tolerance: 5s}\n");
  ASSERT_EQ(run_sim({"run", one, "--out", dir.file("one"), "--quiet"}, &out), 0) << out;
  const json r2 = read_json(dir.file("two/result.json"));
  const json r1 = read_json(dir.file("one/result.json"));

  ASSERT_EQ(r2["spans"].size(), 2u) << r2["spans"].dump();
  const json& a = r2["spans"][0];
  const json& m = r2["spans"][1];
  EXPECT_EQ(a["pace"], "accelerated");
  EXPECT_EQ(a["speed"].get<double>(), 60);
  EXPECT_EQ(a["from"], "2024-03-04T08:00:00");
  EXPECT_EQ(a["to"], "2024-03-04T08:03:00");
  EXPECT_TRUE(a.contains("wall_lag_ms")) << a.dump();  // lag is measured in paced spans only
  EXPECT_TRUE(a.contains("wall_s"));
  EXPECT_EQ(m["pace"], "max");
  EXPECT_EQ(m["speed"].get<double>(), 0);
  EXPECT_EQ(m["from"], "2024-03-04T08:03:00");
  EXPECT_GE(m["to"].get<std::string>(), std::string("2024-03-04T08:30:00"));  // the end, drain included
  EXPECT_FALSE(m.contains("wall_lag_ms")) << m.dump();
  EXPECT_TRUE(m.contains("wall_s"));
  ASSERT_EQ(r1["spans"].size(), 1u);

  // Pace changes no visit.
  EXPECT_GT(r1["counts"]["settlements"].get<int64_t>(), 5) << r1["counts"].dump();
  EXPECT_EQ(visit_figures(r2), visit_figures(r1));
  // The per-span lag SLO is the accelerated span's; the max span has none.
  int lag_slos = 0;
  for (const json& slo : r2["slo"]) {
    if (slo["name"].get<std::string>().rfind("wall_lag", 0) != 0) continue;
    ++lag_slos;
    EXPECT_EQ(slo["metric"], "spans.0.wall_lag_ms.p99");
    EXPECT_TRUE(slo["pass"].get<bool>()) << slo.dump();
  }
  EXPECT_EQ(lag_slos, 1) << r2["slo"].dump();
}

// A core this test starts (sim's CoreProcess) with the county population of kSeed.
std::unique_ptr<CoreProcess> start_core(const std::string& clock) {
  CoreProcessOptions co;
  co.binary = testing::CoreProcess::binary("grpc/core/yibao-core");
  co.seed = kSeed;
  co.clock = clock;
  auto started = CoreProcess::start(co);
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  return started.ok() ? std::move(started).value() : nullptr;
}

TEST(PaceSpans, AdminClockEndsAtTheSimulatedEnd) {
  std::unique_ptr<CoreProcess> core = start_core("admin");
  ASSERT_NE(core, nullptr);
  testing::TempDir dir;
  const std::string path = write_scenario(dir, "admin", kTwoSpans, "core: {clock: admin}\n");
  std::string out;
  const int code = run_sim({"run", path, "--out", dir.file("admin"), "--quiet", "--core", core->address(),
                            "--admin-token", core->ledger() + ".admin-token"},
                           &out);
  ASSERT_EQ(code, 0) << out;
  const json r = read_json(dir.file("admin/result.json"));
  // A new ledger's admin clock is unset: a call before the first SetClock would have failed.
  EXPECT_EQ(r["counts"]["failed"].get<int64_t>(), 0) << r["counts"].dump();
  EXPECT_GT(r["counts"]["settlements"].get<int64_t>(), 5);

  client::ClientOptions po;
  po.target = core->address();
  po.admin_token = core->admin_token();
  std::unique_ptr<client::ClientPool> pool;
  ASSERT_TRUE(client::ClientPool::create(po, &pool).ok());
  ASSERT_TRUE(pool->wait_connected(std::chrono::seconds(10)));
  v1::ClockReply clock;
  const client::CallResult got = pool->call_sync(&client::AdminAsync::GetClock, v1::GetClockRequest(), &clock);
  ASSERT_TRUE(got.ok()) << got.status.error_message();
  EXPECT_EQ(clock.mode(), "admin");
  EXPECT_TRUE(clock.set());
  ASSERT_EQ(r["spans"].size(), 2u);
  EXPECT_EQ(clock.now(), r["spans"][1]["to"].get<std::string>());
}

TEST(PaceSpans, AdminClockAgainstAWallClockCoreIsAnError) {
  std::unique_ptr<CoreProcess> core = start_core("wall");
  ASSERT_NE(core, nullptr);
  testing::TempDir dir;
  const std::string path = write_scenario(dir, "wall", kTwoSpans, "core: {clock: admin}\n");
  std::string out;
  const int code = run_sim({"run", path, "--out", dir.file("wall"), "--quiet", "--core", core->address(),
                            "--admin-token", core->ledger() + ".admin-token"},
                           &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("--clock admin"), std::string::npos) << out;
}

}  // namespace
}  // namespace yibao::sim
