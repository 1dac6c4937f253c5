// Suspension drills against a real core (issue 7; DOMAIN.md §6, §11.10–13): the scenario's
// suspensions — a pharmacy, a hospital department, a ward patient, a hospital under
// investigation — are opened in the core ahead, each to the second (Admin.Suspend on the admin
// clock), and read back into result.json with the amounts held. The facilities meet the
// refusals (E_FAC_SUSPENDED, E_DEPT_SUSPENDED, E_PSN_SUSPENDED); D6 reads every settlement back
// and checks that none of a suspended subject committed inside its suspension; the facility
// under investigation keeps settling, its fund share held. Whole yibao-sim runs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "sim/time_text.h"
#include "tests/sim/live/drill_run.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using nlohmann::json;

const json* by_scope(const json& listed, const std::string& scope, const std::string& mode) {
  for (const json& s : listed)
    if (s["scope"] == scope && s["mode"] == mode) return &s;
  return nullptr;
}

TEST(Suspension, SmallDrillIsEnforcedFromItsSecond) {
  TempDir dir;
  const json r = run_drill((repo_root() / "scenarios" / "suspension-midday-small.yaml").string(), dir.file("s"));
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["verdict"], "pass") << r["slo"].dump();
  expect_invariants(r);
  bool d6 = false;
  for (const json& inv : r["invariants"]) d6 = d6 || inv["id"] == "D6";
  EXPECT_TRUE(d6) << "suspensions make the checker run D6";

  // The suspensions as the core lists them: in force, each from a second inside its range.
  const json& s = r["suspensions"];
  ASSERT_EQ(s["suspensions"].size(), 4u) << s.dump();
  for (const json& x : s["suspensions"]) EXPECT_EQ(x["state"], "IN_FORCE") << x.dump();
  const json* pharmacy = by_scope(s["suspensions"], "facility", "refuse");
  const json* dept = by_scope(s["suspensions"], "department", "refuse");
  const json* person = by_scope(s["suspensions"], "person", "refuse");
  const json* hold = by_scope(s["suspensions"], "facility", "hold");
  ASSERT_TRUE(pharmacy && dept && person && hold) << s.dump();
  EXPECT_EQ((*pharmacy)["fixmedins_code"].get<std::string>().substr(0, 1), "P") << pharmacy->dump();
  EXPECT_GE((*pharmacy)["start"].get<std::string>(), "2024-03-04T09:10:00");
  EXPECT_LT((*pharmacy)["start"].get<std::string>(), "2024-03-04T09:20:00");
  EXPECT_FALSE((*dept)["dept_code"].get<std::string>().empty());
  EXPECT_FALSE((*person)["psn_no"].get<std::string>().empty());
  EXPECT_EQ((*hold)["start"], "2024-03-04T09:15:00");

  // Each refusing suspension met the calls it refuses; the held facility went on settling.
  const json& refusals = s["refusals"];
  EXPECT_GT(refusals.value("E_FAC_SUSPENDED", 0), 0) << refusals.dump();
  EXPECT_GT(refusals.value("E_DEPT_SUSPENDED", 0), 0) << refusals.dump();
  EXPECT_GT(refusals.value("E_PSN_SUSPENDED", 0), 0) << refusals.dump();
  ASSERT_EQ(s["held"].size(), 1u) << s.dump();
  EXPECT_EQ(s["held"][0]["fixmedins_code"], (*hold)["fixmedins_code"]);
  EXPECT_GT(s["held"][0]["held_fen"].get<int64_t>(), 0);
  EXPECT_GT(s["held"][0]["held_settlements"].get<int64_t>(), 0);
  // The ward patients' stays were warmed up before the first suspension: none refused.
  EXPECT_EQ(r["counts"]["in_house_at_start"]["failed"], 0) << r["counts"].dump();
}

}  // namespace
}  // namespace yibao::testing
