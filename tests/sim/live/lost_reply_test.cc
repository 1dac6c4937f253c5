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

// Runs a pharmacy-only county morning against a fresh core whose next kLost 2102 replies are
// lost; returns result.json.
json run_with_lost_replies(int retries) {
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
  v1::InjectFaultRequest fault;
  fault.set_kind("2102");
  fault.set_action(v1::InjectFaultRequest::LOSE_REPLY);
  fault.set_count(kLost);
  v1::FaultsReply armed;
  const client::CallResult got = pool->call_sync(&client::AdminAsync::InjectFault, fault, &armed);
  EXPECT_TRUE(got.ok()) << got.status.error_message();

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
                         "pace:\n  - {kind: accelerated, speed: 60, lag_tolerance: 5s}\n"
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

}  // namespace
}  // namespace yibao::sim
