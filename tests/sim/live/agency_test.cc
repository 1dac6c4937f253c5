// The handling agency of a live drill (issue 7; DOMAIN.md §7.1, §7.3, §11.14–15, §11.18): its
// enrolment changes, filings and premiums are refused by the insurance_business and
// premium_channels windows of a real core, queued and applied after them; manual reimbursement
// claims of offline visits are entered through Admin.ManualReimburse (queued too while a window
// refuses them) and land in the ledger inside D3 and D7; the staleness figure reprices the
// settlements made while a change was queued. A whole yibao-sim run against a real yibao-core.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>

#include "tests/sim/live/drill_run.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using nlohmann::json;

constexpr const char* kScenario = R"(name: agency-small
question: Does the agency queue what the windows refuse, and enter the manual claims?
scale: {preset: county}
clock: {start: 2024-03-04 08:00:00, duration: 2h}
mode: live
seed: 1
core: {clock: admin}
pace: [{kind: max}]
switchover:
  - {scope: card_settlement, from: 2024-03-04 08:20:00, to: 2024-03-04 08:50:00, announced: true}
  - {scope: insurance_business, from: 2024-03-04 08:10:00, to: 2024-03-04 09:10:00}
  - {scope: premium_channels, from: 2024-03-04 08:00:00, to: 2024-03-04 09:30:00}
backfill: {rate_per_hour: 300, manual: 0.3, review: 30min}
agency:
  hours: ["08:00", "17:30"]
  enrolment_changes_per_day: 3000
  filings_per_day: 300
  premiums_per_day: 300
outputs: {report: false, timeseries: false}
)";

TEST(Agency, QueuesWhatTheWindowsRefuseAndEntersTheManualClaims) {
  TempDir dir;
  const std::string path = dir.file("agency-small.yaml");
  std::ofstream(path) << kScenario;
  const json r = run_drill(path, dir.file("out"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);  // D3 and D7 with the manual reimbursements in them
  ASSERT_TRUE(r.contains("agency")) << r.dump();
  const json& calls = r["agency"]["calls"];
  // Each kind: planned, some refused by its window and queued, every queued one applied after it
  // (no later than the window's end + the agency's 5-minute turn), nothing refused otherwise.
  const std::map<std::string, double> window_h = {{"retire", 1.0}, {"stop", 1.0}, {"assistance", 1.0},
                                                  {"chronic_filing", 1.0}, {"premium", 1.5}, {"manual", 1.0}};
  for (const auto& [what, hours] : window_h) {
    ASSERT_TRUE(calls.contains(what)) << what << " " << calls.dump();
    const json& k = calls[what];
    EXPECT_GT(k["planned"].get<int64_t>(), 0) << what;
    EXPECT_GT(k["queued_by_window"].get<int64_t>(), 0) << what << " " << k.dump();
    EXPECT_EQ(k["applied_after_queue"], k["queued_by_window"]) << what << " " << k.dump();
    EXPECT_EQ(k["applied"].get<int64_t>() + k["applied_after_queue"].get<int64_t>(), k["planned"].get<int64_t>())
        << what << " " << k.dump();
    EXPECT_EQ(k["refused"], 0) << what << " " << k.dump();
    EXPECT_EQ(k["pending"], 0) << what;
    EXPECT_LE(k["queue_wait_h"]["max"].get<double>(), hours + 0.1) << what << " " << k.dump();
  }
  // Manual claims: every one reimbursed, outside the back-fill, the patient paid back all but
  // the cash part.
  const json& o = r["outage"];
  const json& m = o["manual"];
  EXPECT_GT(m["claims"].get<int64_t>(), 20) << m.dump();
  EXPECT_EQ(m["reimbursed"], m["claims"]);
  EXPECT_EQ(m["pending"], 0);
  EXPECT_EQ(o["backlog"]["manual_pending"], 0);
  EXPECT_GT(m["owed_back_fen"].get<int64_t>(), 0);
  EXPECT_LT(m["owed_back_fen"].get<int64_t>(), m["paid_fen"].get<int64_t>());
  EXPECT_EQ(m["wait_h"]["count"], m["claims"]);
  // Persons whose enrolment the agency stopped make no more visits once the core has it, so no
  // back-fill meets a stopped enrolment.
  EXPECT_EQ(o["backlog"]["backfill_failed"], 0) << o["refusals_by_reason"].dump();
  EXPECT_EQ(o["backlog"]["backfilled"].get<int64_t>() + o["backlog"]["backfill_failed"].get<int64_t>() +
                m["claims"].get<int64_t>(),
            o["backlog"]["offline_visits"].get<int64_t>())
      << o["backlog"].dump();
  // Staleness: the changed persons' settlements are repriced by the shadow exactly as the core
  // priced them; those made while their change was queued are counted.
  const json& st = r["agency"]["staleness"];
  EXPECT_GT(st["tracked_persons"].get<int64_t>(), 100) << st.dump();
  EXPECT_GT(st["repriced"].get<int64_t>(), 0) << st.dump();
  EXPECT_EQ(st["unreproduced"], 0) << st.dump();
  EXPECT_GE(st["settlements_while_queued"].get<int64_t>(), st["altered"].get<int64_t>());
  if (st["altered"].get<int64_t>() > 0) EXPECT_GT(st["abs_diff_fen"].get<int64_t>(), 0) << st.dump();
}

}  // namespace
}  // namespace yibao::testing
