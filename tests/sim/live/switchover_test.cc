// Switchover drills against real cores (issue 7; DOMAIN.md §7.1–7.3): the scenario's windows are
// opened in the core (Admin.OpenWindow, on the admin clock) and read back into result.json; in a
// card_settlement window outpatient visits and sales go offline — not sent at all when the
// window is announced, refused with E_SWITCHOVER when it is not — and are back-filled after it
// with backfill_flag = 1 and their true care time; a share may be abandoned. Every offline
// visit ends counted once (back-filled, abandoned, failed or pending), each back-fill is on the
// ledger flagged with its care time (D4), nothing is committed inside a window (D6), and the ledger agrees with the journal (D1–D3, D5, D7). Whole yibao-sim runs (one SimGrid engine per process).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <string>
#include <vector>

#include "grpc/client/client_pool.h"
#include "models/population_yaml.h"
#include "sim/live_core.h"
#include "sim/scenario.h"
#include "tests/sim/live/drill_run.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(Switchover, SmallDrillBackfillsEveryOfflineVisit) {
  TempDir dir;
  const json r = run_drill((repo_root() / "scenarios" / "switchover-small.yaml").string(), dir.file("small"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);
  const json& o = r["outage"];
  // The window as the core lists it.
  ASSERT_EQ(o["windows"].size(), 1u) << o.dump();
  EXPECT_EQ(o["windows"][0]["scope"], "card_settlement");
  EXPECT_EQ(o["windows"][0]["start"], "2024-03-04T08:20:00");
  EXPECT_EQ(o["windows"][0]["end"], "2024-03-04T08:50:00");
  EXPECT_EQ(o["windows"][0]["state"], "ENDED");
  // Announced: nothing was refused, the visits went offline without calling.
  EXPECT_FALSE(r["counts"]["failed_by_reason"].contains("E_SWITCHOVER")) << r["counts"].dump();
  const json& b = o["backlog"];
  EXPECT_GT(b["offline_visits"].get<int64_t>(), 100) << b.dump();
  EXPECT_EQ(b["backfilled"], b["offline_visits"]) << b.dump();
  EXPECT_EQ(b["pending"], 0);
  EXPECT_GT(b["drain_time_h"].get<double>(), 0);
  const json& sp = o["self_pay"];
  EXPECT_EQ(sp["patients"], b["offline_visits"]);
  EXPECT_GT(sp["owed_back_fen"].get<int64_t>(), 0);
  EXPECT_LT(sp["owed_back_fen"].get<int64_t>(), sp["paid_fen"].get<int64_t>());
  // The care time is the visit's arrival (an outpatient visit arrived up to an hour before it
  // reached its settlement in the window); back-filled from 08:50 within the drain time.
  EXPECT_LE(sp["wait_h"]["p50"].get<double>(), 0.5 + b["drain_time_h"].get<double>()) << sp.dump();
  EXPECT_LE(sp["wait_h"]["max"].get<double>(), 1.5 + b["drain_time_h"].get<double>()) << sp.dump();
  EXPECT_EQ(sp["wait_h"]["count"], b["backfilled"]);
  // Who paid in full, by the kind of facility: outpatient counters and pharmacies, adding up.
  int64_t by_type = 0, by_type_fen = 0;
  for (const auto& [type, a] : o["affected_by_facility_type"].items()) {
    by_type += a["offline"].get<int64_t>();
    by_type_fen += a["paid_fen"].get<int64_t>();
  }
  EXPECT_EQ(by_type, b["offline_visits"].get<int64_t>()) << o["affected_by_facility_type"].dump();
  EXPECT_EQ(by_type_fen, sp["paid_fen"].get<int64_t>());
  EXPECT_TRUE(o["affected_by_facility_type"].contains("pharmacy")) << o["affected_by_facility_type"].dump();
  // D4: every back-fill is on the ledger as one, with the care time it was entered with: the
  // offline visits, and the stays admitted inside the window (their admission back-filled).
  bool d4 = false;
  for (const json& inv : r["invariants"])
    if (inv["id"] == "D4") {
      d4 = true;
      const std::string detail = inv["detail"].get<std::string>();
      const int64_t on_ledger = std::stoll(detail.substr(0, detail.find(' ')));
      EXPECT_GE(on_ledger, b["backfilled"].get<int64_t>()) << inv.dump();
      EXPECT_LE(on_ledger, b["backfilled"].get<int64_t>() + r["counts"]["by_txn"]["2304"]["acknowledged"].get<int64_t>())
          << inv.dump();
    }
  EXPECT_TRUE(d4) << r["invariants"].dump();
  // D6: nothing committed inside the window (checked against the window as the core lists it).
  bool d6 = false;
  for (const json& inv : r["invariants"]) d6 = d6 || (inv["id"] == "D6" && inv["pass"].get<bool>());
  EXPECT_TRUE(d6) << r["invariants"].dump();
  // The timeline: the backlog in timeseries.csv rises to every offline visit by the window's
  // end and falls back to none.
  std::ifstream ts(dir.file("small/timeseries.csv"));
  std::string line;
  ASSERT_TRUE(std::getline(ts, line));
  ASSERT_NE(line.find(",backlog"), std::string::npos) << line;
  int64_t peak = 0, last = -1;
  while (std::getline(ts, line)) {
    last = std::stoll(line.substr(line.rfind(',') + 1));
    peak = std::max(peak, last);
  }
  EXPECT_EQ(peak, b["offline_visits"].get<int64_t>());
  EXPECT_EQ(last, 0);
}

TEST(Switchover, UnannouncedWindowIsLearntFromRefusalsAndAbandonedVisitsAreCounted) {
  TempDir dir;
  const std::string path = dir.file("unannounced.yaml");
  std::ofstream(path) << "name: unannounced\n"
                         "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 08:00:00, duration: 1h}\n"
                         "mode: live\nseed: 5\n"
                         "workload: {inpatient: false}\n"
                         "core: {clock: admin}\n"
                         "pace:\n  - {kind: max}\n"
                         "switchover:\n"
                         "  - {from: 2024-03-04 08:10:00, to: 2024-03-04 08:25:00, announced: false}\n"
                         "backfill: {rate_per_hour: 600, abandoned: 0.2}\n"
                         "outputs: {report: false, timeseries: false}\n";
  const json r = run_drill(path, dir.file("u"));
  ASSERT_FALSE(r.is_null());
  expect_invariants(r);
  const json& c = r["counts"];
  ASSERT_TRUE(c["failed_by_reason"].contains("E_SWITCHOVER")) << c.dump();
  const json& b = r["outage"]["backlog"];
  const int64_t offline = b["offline_visits"].get<int64_t>();
  EXPECT_GT(offline, 50) << b.dump();
  // Each refusal sent a visit offline (no retry into the window): as many as the refusals.
  EXPECT_EQ(c["failed_by_reason"]["E_SWITCHOVER"].get<int64_t>(), offline) << c.dump();
  EXPECT_GT(b["abandoned"].get<int64_t>(), 0) << b.dump();
  EXPECT_LT(b["abandoned"].get<int64_t>(), offline / 2) << b.dump();
  EXPECT_EQ(b["backfilled"].get<int64_t>() + b["abandoned"].get<int64_t>() + b["backfill_failed"].get<int64_t>() +
                b["pending"].get<int64_t>(),
            offline)
      << b.dump();
  EXPECT_EQ(b["backfill_failed"], 0) << b.dump();
  EXPECT_EQ(b["pending"], 0) << b.dump();
  // D6 judged every refusal: each inside the window as the core lists it, of a kind it refuses.
  bool d6 = false;
  for (const json& inv : r["invariants"])
    if (inv["id"] == "D6") {
      d6 = true;
      EXPECT_NE(inv["detail"].get<std::string>().find(
                    "refused " + std::to_string(c["failed_by_reason"]["E_SWITCHOVER"].get<int64_t>()) + " calls"),
                std::string::npos)
          << inv.dump();
    }
  EXPECT_TRUE(d6);
}

// Stays across an announced window (DOMAIN.md §7.1, §7.3 "convert to self-pay"): 30 minutes
// before it the stays in progress are converted (2404: the insured stay closed with no money);
// after it each is admitted again as a back-fill with its true admission time and its fees
// uploaded again; a stay discharged inside the window pays in full and is settled after it with
// the true discharge time; an admission inside the window is back-filled after it. The checker's
// D4 finds every such settlement flagged on the ledger with its care time.
TEST(Switchover, StaysAreConvertedToSelfPayBeforeTheWindowAndBackfilledAfter) {
  TempDir dir;
  const std::string path = dir.file("conversion.yaml");
  std::ofstream(path) << "name: conversion\n"
                         "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 07:00:00, duration: 3h}\n"
                         "mode: live\nseed: 9\n"
                         "workload: {in_house_at_start: true, volume_factor: 2.0}\n"
                         "core: {clock: admin}\n"
                         "pace:\n  - {kind: max}\n"
                         "switchover:\n"
                         "  - {scope: card_settlement, from: 2024-03-04 08:00:00, to: 2024-03-04 09:00:00, announced: true}\n"
                         "backfill: {rate_per_hour: 300}\n"
                         "outputs: {report: false, timeseries: false}\n";
  const json r = run_drill(path, dir.file("c"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);
  const json& o = r["outage"];
  const json& by_txn = r["counts"]["by_txn"];
  // Every warm ward was admitted before 07:30; (nearly) every stay then in progress converted.
  const int64_t converted = o["converted_stays"].get<int64_t>();
  EXPECT_GT(converted, r["counts"]["in_house_at_start"]["stays"].get<int64_t>() / 2) << o.dump();
  ASSERT_TRUE(by_txn.contains("2404")) << by_txn.dump();
  EXPECT_EQ(by_txn["2404"]["acknowledged"].get<int64_t>(), converted);
  // After the window: back-filled admissions (converted stays at their next call, admissions
  // made inside the window) and discharges settled; none refused.
  EXPECT_GT(by_txn["2401"]["acknowledged"].get<int64_t>(), 0);
  EXPECT_EQ(by_txn["2401"]["failed"], 0);
  EXPECT_GT(by_txn["2304"]["acknowledged"].get<int64_t>(), 0);
  EXPECT_EQ(by_txn["2304"]["failed"], 0);
  EXPECT_EQ(o["backlog"]["pending"], 0) << o.dump();
  bool d4 = false;
  for (const json& inv : r["invariants"]) d4 = d4 || (inv["id"] == "D4" && inv["pass"].get<bool>());
  EXPECT_TRUE(d4);
}

// The notice's timeline as the core holds it: the windows of switchover-2020.yaml opened in a
// real core on the admin clock (as a run opens them) and read back through Admin.ListWindows.
TEST(Switchover, The2020WindowsMatchTheNoticeToTheMinute) {
  auto s = sim::load_scenario((repo_root() / "scenarios" / "switchover-2020.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  TempDir dir;
  write_file(dir.file("token"), "switchover-2020-token-0123456789\n");
  CoreProcess core({"--ledger", "memory", "--clock", "admin", "--admin-token", dir.file("token")});
  ASSERT_TRUE(core.start()) << core.error();
  client::ClientOptions o;
  o.target = core.address();
  o.admin_token = "switchover-2020-token-0123456789";
  std::unique_ptr<client::ClientPool> pool;
  ASSERT_TRUE(client::ClientPool::create(o, &pool).ok());
  ASSERT_TRUE(pool->wait_connected(std::chrono::seconds(10)));
  settlement::v1::SetClockRequest clock;
  clock.set_time("2020-05-08T16:00:00");  // the run's start
  settlement::v1::ClockReply at;
  ASSERT_TRUE(pool->call_sync(&client::AdminAsync::SetClock, clock, &at).ok());
  const Status opened = sim::open_windows(*pool, *s);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  settlement::v1::ListWindowsReply listed;
  ASSERT_TRUE(pool->call_sync(&client::AdminAsync::ListWindows, settlement::v1::ListWindowsRequest(), &listed).ok());
  std::map<std::string, std::pair<std::string, std::string>> by_scope;
  for (const auto& w : listed.windows()) by_scope[w.scope()] = {w.start(), w.end()};
  ASSERT_EQ(by_scope.size(), 3u) << listed.DebugString();
  EXPECT_EQ(by_scope["card_settlement"], std::make_pair(std::string("2020-05-08T18:00:00"), std::string("2020-05-11T08:00:00")));
  EXPECT_EQ(by_scope["insurance_business"],
            std::make_pair(std::string("2020-05-08T18:00:00"), std::string("2020-05-14T08:00:00")));
  EXPECT_EQ(by_scope["premium_channels"].first, "2020-04-30T18:00:00");  // its end is our assumption
  for (const auto& w : listed.windows())
    EXPECT_EQ(w.state(), w.scope() == "premium_channels" ? "IN_FORCE" : "SCHEDULED") << w.DebugString();
  EXPECT_EQ(core.stop(), 0);
}

}  // namespace
}  // namespace yibao::testing
