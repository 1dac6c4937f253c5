// The crash drill (issue 7; DOMAIN.md §7.4): scenarios/core-crash-small.yaml kills the live core
// with kill -9 mid-run and restarts it on the same ledger and port; calls meanwhile fail
// (UNAVAILABLE), facilities retry, reverse unknown outcomes (a 2601 is sent again until the core
// answers), and after the restart settle again. The verdict: every acknowledged settlement on
// the ledger once, funds, reconciliation and accumulators agreeing (D1, D2, D3, D5, D7).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/core_process.h"
#include "tests/testing/repo.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(CoreCrash, SmallDrillLosesNothingAcknowledged) {
  const fs::path root = repo_root();
  const std::string sim = CoreProcess::binary("sim/yibao-sim");
  TempDir dir;
  std::string out;
  const int code = run_program({sim, "run", (root / "scenarios" / "core-crash-small.yaml").string(), "--out",
                                dir.file("crash")},
                               &out, std::chrono::seconds(300));
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("killed yibao-core (kill -9) at 2024-03-04T08:05:00"), std::string::npos) << out;
  EXPECT_NE(out.find("listening again"), std::string::npos) << out;
  std::ifstream in(dir.file("crash/result.json"));
  const json r = json::parse(in);
  EXPECT_EQ(r["verdict"], "pass");
  for (const json& inv : r["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
  // The crash as it ran: killed at its time, back after the down time (at speed 30, 5 wall
  // seconds are about 150 simulated ones).
  ASSERT_EQ(r["faults"].size(), 1u) << r.dump();
  const json& f = r["faults"][0];
  EXPECT_EQ(f["killed_at"], "2024-03-04T08:05:00");
  EXPECT_GT(f["restarted_at"].get<std::string>(), std::string("2024-03-04T08:06:00")) << f.dump();
  EXPECT_LT(f["restarted_at"].get<std::string>(), std::string("2024-03-04T08:12:00")) << f.dump();
  const json& c = r["counts"];
  // Calls failed while the core was down, and the run settled before and after.
  EXPECT_GT(c["failed_by_reason"].value("grpc_14", int64_t{0}), 0) << c.dump();
  EXPECT_GT(c["settlements"].get<int64_t>(), 50) << c.dump();
  // Every unknown outcome was reversed once the core was back.
  const int64_t unknown = c["unknown"].get<int64_t>();
  const int64_t reversed = c["by_txn"].contains("2601") ? c["by_txn"]["2601"].value("acknowledged", int64_t{0}) : 0;
  EXPECT_EQ(reversed, unknown) << c.dump();
}

}  // namespace
}  // namespace yibao::testing
