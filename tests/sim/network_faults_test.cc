// sim/network_faults: which simulated sites a cut path holds, from when, until when (scenario
// `faults` entries with fep, line, link, host), on the county preset's topology.
#include "sim/network_faults.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/metrics.h"
#include "sim/time_text.h"

namespace yibao::sim {
namespace {

const CivilTime kStart = *parse_civil("2024-03-04T09:00:00");

struct County {
  models::Population pop;
  Topology topo;
  std::vector<SiteSpec> sites;  // every host standing for facilities (the run's site actors)
};

const County& county() {
  static const County* c = [] {
    auto pop = models::Population::load("county", 7);
    EXPECT_TRUE(pop.ok()) << pop.status().ToString();
    auto topo = build_topology(*pop, TopologyParams{});
    EXPECT_TRUE(topo.ok()) << topo.status().ToString();
    auto* out = new County{std::move(pop).value(), std::move(topo).value(), {}};
    for (VertexId v = 0; v < out->topo.vertex_count(); ++v) {
      const Site& s = out->topo.site(v);
      if (s.stands_for() == 0) continue;
      SiteSpec spec;
      spec.name = s.name;
      spec.vertex = v;
      for (uint32_t j = s.facility_begin; j < s.facility_end; ++j) spec.facilities.push_back(j);
      out->sites.push_back(std::move(spec));
    }
    return out;
  }();
  return *c;
}

NetworkFaultSpec spec(const std::string& kind, const std::string& target, const std::string& at) {
  NetworkFaultSpec s;
  s.kind = kind;
  s.target = target;
  s.at = *parse_civil(at);
  s.line = 7;
  return s;
}

Result<PathCuts> resolve(const std::vector<NetworkFaultSpec>& specs, uint64_t seed = 1) {
  const County& c = county();
  return resolve_cuts(specs, c.topo, c.pop, c.sites, kStart, seed, "drill.yaml");
}

TEST(PathCuts, ACountyLineHoldsEverySiteRoutedThroughTheCountyCentre) {
  NetworkFaultSpec s = spec("line", "county:450101", "2024-03-04T09:20:00");
  s.until = *parse_civil("2024-03-04T10:20:00");
  s.detect_s = 120;
  auto cuts = resolve({s});
  ASSERT_TRUE(cuts.ok()) << cuts.status().ToString();
  const County& c = county();
  const VertexId county_v = c.topo.county_vertex(0);
  int held = 0, free = 0;
  for (const SiteSpec& site : c.sites) {
    bool via_county = false;
    for (VertexId u : c.topo.route_to_core(site.vertex)) via_county = via_county || u == county_v;
    const PathCut* at = cuts->at(site.vertex, 1500);
    EXPECT_EQ(at != nullptr, via_county) << site.name;
    if (!via_county) {
      ++free;
      continue;
    }
    ++held;
    EXPECT_EQ(at->at_s, 1200);
    EXPECT_EQ(at->detected_s, 1320);
    EXPECT_EQ(at->restore_s, 4800);
    EXPECT_EQ(at->patience_s, 0);
    EXPECT_EQ(cuts->at(site.vertex, 1199.9), nullptr) << "not before at";
    EXPECT_EQ(cuts->at(site.vertex, 4800), nullptr) << "back at until";
  }
  EXPECT_GT(held, 0);
  EXPECT_GT(free, 0) << "the level-2 hospitals' private lines bypass the county centre";
  const nlohmann::json r = cuts->report();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["target"], "up:county:450101");
  EXPECT_EQ(r[0]["restored"], "2024-03-04T10:20:00");
  EXPECT_FALSE(r[0]["by_facility_type"].contains("level2")) << r.dump();
  EXPECT_EQ(cuts->last_restore_s(), 4800);
}

TEST(PathCuts, AnFepWithAStandbyIsBackAfterDetectionAndTheSwitch) {
  NetworkFaultSpec s = spec("fep", "", "2024-03-04T09:30:00");
  s.facility_type = "level2";
  s.detect_s = 300;
  s.switch_s = 2400;
  s.patience_s = 1800;
  auto cuts = resolve({s}, 3);
  ASSERT_TRUE(cuts.ok()) << cuts.status().ToString();
  const nlohmann::json r = cuts->report();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["sites"], 1);
  EXPECT_EQ(r[0]["facilities"], 1);
  EXPECT_EQ(r[0]["standby"], true);
  EXPECT_EQ(r[0]["restored"], "2024-03-04T10:15:00");
  const County& c = county();
  const std::optional<uint32_t> j = c.pop.find_facility(r[0]["target"].get<std::string>());
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(facility_type_name(c.pop.facility_kind(*j)), "level2");
  const PathCut* at = cuts->at(c.topo.facility_vertex(*j), 2000);
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(at->detected_s, 2100);
  EXPECT_EQ(at->restore_s, 4500);
  EXPECT_EQ(at->patience_s, 1800);
  // The same seed draws the same hospital.
  auto again = resolve({s}, 3);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->report()[0]["target"], r[0]["target"]);
}

TEST(PathCuts, AnFepWithoutAStandbyWaitsForItsRepairOrTheEnd) {
  NetworkFaultSpec s = spec("fep", "", "2024-03-04T09:30:00");
  s.facility_type = "primary";  // township centres have no standby (TopologyParams::standby)
  auto cuts = resolve({s});
  ASSERT_TRUE(cuts.ok()) << cuts.status().ToString();
  EXPECT_EQ(cuts->report()[0]["standby"], false);
  EXPECT_TRUE(cuts->report()[0]["restored"].is_null());
  EXPECT_TRUE(std::isinf(cuts->last_restore_s()));
  s.repair_s = 7200;
  cuts = resolve({s});
  ASSERT_TRUE(cuts.ok());
  EXPECT_EQ(cuts->report()[0]["restored"], "2024-03-04T11:30:00");
}

TEST(PathCuts, BadTargetsNameTheScenarioLine) {
  const County& c = county();
  uint32_t village = 0;
  while (c.pop.facility_kind(village) != models::Level::kVillage) ++village;
  struct Case {
    NetworkFaultSpec s;
    std::string message;
  };
  NetworkFaultSpec by_type = spec("fep", "", "2024-03-04T09:30:00");
  by_type.facility_type = "level3";
  const std::vector<Case> cases = {
      {spec("link", "up:nowhere", "2024-03-04T09:30:00"), "drill.yaml:7: up:nowhere is not a link of the topology"},
      {spec("host", "county:999999", "2024-03-04T09:30:00"), "drill.yaml:7: county:999999 is not a site of the topology"},
      {spec("fep", "H000", "2024-03-04T09:30:00"), "drill.yaml:7: facility H000 is not in the population"},
      {spec("fep", c.pop.facility_code(village), "2024-03-04T09:30:00"), "has no FEP or line of its own"},
      {by_type, "drill.yaml:7: no simulated facility of type level3 has an FEP of its own"},
  };
  for (const Case& k : cases) {
    auto r = resolve({k.s});
    ASSERT_FALSE(r.ok()) << k.message;
    EXPECT_NE(r.status().ToString().find(k.message), std::string::npos) << r.status().ToString();
  }
}

}  // namespace
}  // namespace yibao::sim
