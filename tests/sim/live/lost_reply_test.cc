// Lost replies in a live run (sim/actors/site.cc, DOMAIN.md §3.4): the core commits a pharmacy
// settlement (2102) and then answers UNAVAILABLE with no reason code (Admin.InjectFault
// LOSE_REPLY). The outcome is unknown, not refused: the site sends the same msgid again (the core
// replays the committed answer) or, with no retries left, reverses it with 2601. Either way the
// simulator's journal and the core's ledger agree (the invariants pass) and every lost reply is
// counted once, as a failed call with reason grpc_14.
// Whole yibao-sim runs (child processes: one SimGrid engine per process) against a core this test
// starts with --fault-injection. No timing is asserted.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

namespace v1 = yibao::settlement::v1;
using nlohmann::json;

constexpr uint64_t kSeed = 20240304;
constexpr int kLost = 5;


int64_t count_of(const json& by_txn, const char* txn, const char* what) {
  if (!by_txn.contains(txn)) return 0;
  return by_txn[txn].value(what, int64_t{0});
}

// Runs a pharmacy-only county morning at `speed` against a fresh core with `faults` armed;
// returns result.json.
json run_with_faults(const std::vector<v1::InjectFaultRequest>& faults, int retries, int speed) {
  CoreProcessOptions co;
  co.binary = testing::CoreProcess::binary("grpc/core/yibao-core");
  co.seed = kSeed;
  co.extra_args = {"--fault-injection"};
  auto started = CoreProcess::start(co);
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  if (!started.ok()) return json();
  std::unique_ptr<CoreProcess> core = std::move(started).value();

  client::ClientOptions po;
  po.target = core->address();
  po.admin_token = core->admin_token();
  std::unique_ptr<client::ClientPool> pool;
  EXPECT_TRUE(client::ClientPool::create(po, &pool).ok());
  if (!pool) return json();
  EXPECT_TRUE(pool->wait_connected(std::chrono::seconds(10)));
  for (const v1::InjectFaultRequest& fault : faults) {
    v1::FaultsReply armed;
    const client::CallResult got = pool->call_sync(&client::AdminAsync::InjectFault, fault, &armed);
    EXPECT_TRUE(got.ok()) << got.status.error_message();
  }

  testing::TempDir dir;
  const std::string path = dir.file("lost.yaml");
  std::ofstream(path) << "name: lost-replies\n"
                         "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 08:00:00, duration: 20min}\n"
                         "mode: live\n"
                         "seed: "
                      << kSeed
                      << "\n"
                         "workload: {outpatient: false, inpatient: false}\n"
                         "core: {retries: "
                      << retries
                      << "}\n"
                         "pace:\n  - {kind: accelerated, speed: "
                      << speed
                      << ", lag_tolerance: 5s}\n"
                         "outputs: {report: false, timeseries: false}\n";
  std::string out;
  const std::vector<std::string> argv{testing::CoreProcess::binary("sim/yibao-sim"), "run",     path,           "--out",
                                      dir.file("out"), "--quiet", "--core",       core->address(),
                                      "--admin-token", core->ledger() + ".admin-token"};
  const int code = testing::run_program(argv, &out, std::chrono::seconds(300));
  EXPECT_EQ(code, 0) << out;
  std::ifstream in(dir.file("out/result.json"));
  if (!in) {
    ADD_FAILURE() << "no result.json: " << out;
    return json();
  }
  return json::parse(in);
}

// The next kLost 2102 replies are lost.
json run_with_lost_replies(int retries) {
  v1::InjectFaultRequest fault;
  fault.set_kind("2102");
  fault.set_action(v1::InjectFaultRequest::LOSE_REPLY);
  fault.set_count(kLost);
  return run_with_faults({fault}, retries, 60);
}

void expect_invariants_pass(const json& r) {
  ASSERT_TRUE(r.contains("invariants")) << r.dump();
  ASSERT_FALSE(r["invariants"].empty());
  for (const json& inv : r["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
}

TEST(LiveRun, LostRepliesAreRetriedAndCountedOnce) {
  const json r = run_with_lost_replies(/*retries=*/2);
  ASSERT_FALSE(r.is_null());
  expect_invariants_pass(r);
  const json& c = r["counts"];
  const json& t = c["by_txn"];
  // Each lost reply is one failed call. The fault takes the next kLost 2102 calls whoever sends
  // them, retries included: a visit whose three attempts all lost their reply is unknown and
  // reversed; the others got the committed answer on a retry with the same msgid.
  EXPECT_EQ(count_of(t, "2102", "failed"), kLost) << c.dump();
  EXPECT_EQ(c["failed_by_reason"].value("grpc_14", int64_t{0}), kLost) << c.dump();
  EXPECT_EQ(count_of(t, "2102", "sent"), count_of(t, "2102", "acknowledged") + kLost) << c.dump();
  const int64_t unknown = count_of(t, "2102", "unknown");
  EXPECT_LE(unknown * 3, kLost) << c.dump();
  EXPECT_EQ(count_of(t, "2601", "acknowledged"), unknown) << c.dump();
  // A retry after a lost reply waits its backoff (2 simulated s) first: at least one settlement
  // acknowledged on a retry took that long from its first attempt.
  EXPECT_GE(r["latency_ms"]["by_txn"]["2102"]["max"].get<double>(), 2000) << r["latency_ms"].dump();
  // Every pre-settled sale settled or was reversed; none was counted twice.
  EXPECT_GT(count_of(t, "2101", "acknowledged"), 3 * kLost) << c.dump();
  EXPECT_EQ(count_of(t, "2102", "acknowledged") + unknown, count_of(t, "2101", "acknowledged")) << c.dump();
  EXPECT_EQ(c["settlements"].get<int64_t>(), count_of(t, "2102", "acknowledged"));
  EXPECT_EQ(r["money"]["settlements"].get<int64_t>(), count_of(t, "2102", "acknowledged"));
}

TEST(LiveRun, LostRepliesWithoutRetriesAreReversed) {
  const json r = run_with_lost_replies(/*retries=*/0);
  ASSERT_FALSE(r.is_null());
  expect_invariants_pass(r);
  const json& c = r["counts"];
  const json& t = c["by_txn"];
  EXPECT_EQ(count_of(t, "2102", "failed"), kLost) << c.dump();
  EXPECT_EQ(count_of(t, "2102", "unknown"), kLost) << c.dump();
  // The settlement committed but its answer was lost: 2601 undoes it, and the visit is not settled.
  EXPECT_EQ(count_of(t, "2601", "acknowledged"), kLost) << c.dump();
  EXPECT_EQ(count_of(t, "2102", "acknowledged") + kLost, count_of(t, "2101", "acknowledged")) << c.dump();
  EXPECT_EQ(r["money"]["settlements"].get<int64_t>(), count_of(t, "2102", "acknowledged"));
}

// A core slower than the facilities' simulated waits in wall time (speed 240: a 10 s wait is
// 42 ms of wall, a 30 s one 125 ms) but well inside the bridge's gRPC deadline (2 s of wall at
// least): every sign-in and settlement is answered once. The facility's own timer is a backstop
// past the bridge's deadline (sim/live/live_bridge.h); when it was the one that decided, each
// sign-in was sent again while the first was still held and no sign-in ever got through, and
// settlements went to 2601. (The first 40 sign-ins are slow: the checker's own sign-ins are not.)
TEST(LiveRun, ACoreSlowerThanTheScaledWaitIsWaitedFor) {
  std::vector<v1::InjectFaultRequest> faults(2);
  faults[0].set_kind("9001");
  faults[0].set_latency_ms(300);
  faults[0].set_count(40);
  faults[1].set_kind("2102");
  faults[1].set_latency_ms(300);
  const json r = run_with_faults(faults, /*retries=*/2, /*speed=*/240);
  ASSERT_FALSE(r.is_null());
  expect_invariants_pass(r);
  const json& c = r["counts"];
  const json& t = c["by_txn"];
  EXPECT_GT(count_of(t, "9001", "acknowledged"), 0) << c.dump();
  EXPECT_EQ(count_of(t, "9001", "sent"), count_of(t, "9001", "acknowledged")) << c.dump();
  EXPECT_GT(count_of(t, "2102", "acknowledged"), 10) << c.dump();
  EXPECT_EQ(count_of(t, "2102", "sent"), count_of(t, "2102", "acknowledged")) << c.dump();
  EXPECT_EQ(c["failed"].get<int64_t>(), 0) << c.dump();
  EXPECT_EQ(c["unknown"].get<int64_t>(), 0) << c.dump();
  EXPECT_EQ(count_of(t, "2601", "sent"), 0) << c.dump();
  // Every sale begun settled: none was left in flight when the run ended.
  EXPECT_EQ(c["visits"]["open"].get<int64_t>(), 0) << c.dump();
}

}  // namespace
}  // namespace yibao::sim
