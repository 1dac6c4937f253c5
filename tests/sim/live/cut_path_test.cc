// Cut-path drills against a real core (issue 7; DOMAIN.md §2.2, §7.2–7.4): a hospital's FEP dies
// and its standby is switched in by hand (fep-failover-small.yaml), a county centre's line to the
// city is cut for an hour (county-line-cut-small.yaml). The sites behind the cut lose their
// calls until the staff know, then charge by hand (or, for the FEP, let patients wait up to
// their patience), and back-fill after the path is back; the checker reads every settlement
// back (D1–D5, D7) and D4 finds each back-filled visit on the ledger with its backfill_flag.
// Whole yibao-sim runs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "tests/sim/live/drill_run.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using nlohmann::json;

bool has_invariant(const json& r, const std::string& id) {
  for (const json& inv : r["invariants"])
    if (inv["id"] == id) return inv["pass"].get<bool>();
  return false;
}

TEST(CutPath, SmallFepFailoverWaitsThenPaysOfflineAndBackfillsAfterTheSwitch) {
  TempDir dir;
  const json r = run_drill((repo_root() / "scenarios" / "fep-failover-small.yaml").string(), dir.file("f"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);
  EXPECT_TRUE(has_invariant(r, "D4")) << "offline visits make the checker run D4";

  const json& o = r["outage"];
  ASSERT_EQ(o["cuts"].size(), 1u) << o.dump();
  const json& cut = o["cuts"][0];
  EXPECT_EQ(cut["kind"], "fep");
  EXPECT_EQ(cut["standby"], true);
  EXPECT_EQ(cut["detected"], "2024-03-04T09:35:00");
  EXPECT_EQ(cut["restored"], "2024-03-04T10:15:00");
  EXPECT_EQ(cut["facilities"], 1);
  // Calls went out on the dead FEP before anyone knew; patients who waited past 30 minutes paid
  // in full (only that hospital's), and every one of them was back-filled after the switch.
  EXPECT_GT(o["lost_to_cut"].get<int>(), 0) << o.dump();
  EXPECT_GT(o["backlog"]["offline_visits"].get<int>(), 0) << o.dump();
  EXPECT_EQ(o["backlog"]["pending"], 0) << o.dump();
  EXPECT_EQ(o["backlog"]["backfilled"], o["backlog"]["offline_visits"]) << o.dump();
  ASSERT_EQ(o["affected_by_facility_type"].size(), 1u) << o.dump();
  EXPECT_TRUE(o["affected_by_facility_type"].contains("level2")) << o.dump();
  EXPECT_FALSE(o["backlog"]["drain_time_h"].is_null()) << o.dump();
  // A patient pays offline only once patience ran out (30 min after 09:35 at the earliest) and is
  // back-filled after 10:15: each waited more than 40 minutes from the care time.
  EXPECT_GT(o["self_pay"]["wait_h"]["p50"].get<double>(), 0.5) << o.dump();
  // Every unknown outcome was resolved by an acknowledged 2601.
  const json& c = r["counts"];
  if (c["unknown"].get<int>() > 0) {
    ASSERT_TRUE(c["by_txn"].contains("2601")) << c.dump();
    EXPECT_GE(c["by_txn"]["2601"]["acknowledged"].get<int>(), c["unknown"].get<int>()) << c.dump();
  }
}

TEST(CutPath, SmallCountyLineCutChargesByHandAndEntersEveryVisitAfter) {
  TempDir dir;
  const json r = run_drill((repo_root() / "scenarios" / "county-line-cut-small.yaml").string(), dir.file("l"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);
  EXPECT_TRUE(has_invariant(r, "D4"));

  const json& o = r["outage"];
  ASSERT_EQ(o["cuts"].size(), 1u) << o.dump();
  const json& cut = o["cuts"][0];
  EXPECT_EQ(cut["kind"], "line");
  EXPECT_EQ(cut["target"], "up:county:450101");
  EXPECT_EQ(cut["restored"], "2024-03-04T10:20:00");
  // Behind the county centre: everything but the level-2 hospitals (private lines to the city).
  EXPECT_FALSE(cut["by_facility_type"].contains("level2")) << cut.dump();
  const std::set<std::string> behind = {"level1", "primary", "village", "pharmacy"};
  for (const auto& [type, n] : o["affected_by_facility_type"].items()) EXPECT_TRUE(behind.count(type)) << type;
  EXPECT_GT(o["backlog"]["offline_visits"].get<int>(), 0) << o.dump();
  EXPECT_EQ(o["backlog"]["pending"], 0) << o.dump();
  EXPECT_EQ(o["backlog"]["backfill_failed"], 0) << o.dump();
  // A visit registered before the cut had its registration cancelled (2202) before its back-fill.
  const json& by_txn = r["counts"]["by_txn"];
  ASSERT_TRUE(by_txn.contains("2202")) << by_txn.dump();
  EXPECT_GT(by_txn["2202"]["acknowledged"].get<int>(), 0);
  EXPECT_EQ(by_txn["2202"]["failed"], 0);
  // The level-2 hospitals kept settling through the cut.
  EXPECT_GT(r["counts"]["visits"]["by_facility_type"]["level2"]["ok"].get<int>(), 0);
}

}  // namespace
}  // namespace yibao::testing
