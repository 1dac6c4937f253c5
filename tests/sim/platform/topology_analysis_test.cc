// sim/platform/topology_analysis: reachability, articulation points and bridges, first on small
// hand-made graphs whose answers are known, then on the county preset.
#include "sim/platform/topology_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "models/population.h"

namespace yibao::sim {
namespace {

constexpr LinkSpec kSpec{1e6, 0.001};

// A hand-made graph of one region: core <- municipal <- county <- sites.
class Hand {
 public:
  Hand() {
    core = site(SiteKind::kCore, "core", -1);
    mun = site(SiteKind::kMunicipal, "mun", -1);
    b.add_uplink(mun, core, LinkClass::kMunicipalCore, kSpec);
    county = site(SiteKind::kCounty, "county", 0);
    b.add_uplink(county, mun, LinkClass::kCountyMunicipal, kSpec);
  }
  VertexId site(SiteKind kind, const std::string& name, int32_t county_index, uint32_t facilities = 0) {
    Site s;
    s.kind = kind;
    s.name = name;
    s.region = 0;
    s.county = county_index;
    s.facility_begin = next_facility;
    s.facility_end = next_facility + facilities;
    next_facility += facilities;
    return b.add_site(s);
  }
  // A facility host (one facility) going up to `up`.
  VertexId facility(const std::string& name, VertexId up) {
    VertexId v = site(SiteKind::kFacilityHost, name, 0, 1);
    b.add_uplink(v, up, LinkClass::kFepCounty, kSpec);
    return v;
  }
  // A standby for facility host `f`, LAN to it and its own line to `up`.
  VertexId standby(VertexId f, VertexId up) {
    VertexId s = site(SiteKind::kFepStandby, "standby:" + b.site(f).name, 0);
    b.site(s).facility_begin = b.site(f).facility_begin;
    b.site(s).facility_end = b.site(f).facility_end;
    b.add_link(f, s, LinkClass::kLan, kSpec, "lan:" + b.site(f).name, true);
    b.add_uplink(s, up, LinkClass::kFepCounty, kSpec);
    b.site(f).standby = s;
    return s;
  }
  Topology finish() { return std::move(b).finish(); }

  TopologyBuilder b;
  uint32_t next_facility = 0;
  VertexId core = -1, mun = -1, county = -1;
};

std::set<VertexId> points(const TopologyReport& r) {
  std::set<VertexId> s;
  for (const auto& p : r.articulation_points) s.insert(p.vertex);
  return s;
}
std::set<std::string> bridges(const Topology& t, const TopologyReport& r) {
  std::set<std::string> s;
  for (const auto& p : r.bridges) s.insert(t.link(p.edge).name);
  return s;
}
uint32_t cut_by_vertex(const TopologyReport& r, VertexId v) {
  for (const auto& p : r.articulation_points) {
    if (p.vertex == v) return p.facilities_cut;
  }
  return 0;
}

TEST(TopologyAnalysis, TreeEveryInnerVertexIsAPointEveryEdgeABridge) {
  Hand h;
  VertexId f1 = h.facility("f1", h.county);
  h.facility("f2", h.county);
  VertexId small = h.site(SiteKind::kSmallSites, "villages", 0, 5);
  h.b.add_uplink(small, h.county, LinkClass::kVillage, kSpec);
  Topology t = h.finish();
  TopologyReport r = analyse(t);
  EXPECT_TRUE(r.unreachable_facilities.empty());
  EXPECT_EQ(r.facilities, 7u);
  EXPECT_EQ(points(r), (std::set<VertexId>{h.mun, h.county}));
  EXPECT_EQ(bridges(t, r), (std::set<std::string>{"up:mun", "up:county", "up:f1", "up:f2", "up:villages"}));
  EXPECT_EQ(r.biconnected_components, 5);
  EXPECT_EQ(cut_by_vertex(r, h.mun), 7u);
  EXPECT_EQ(cut_by_vertex(r, h.county), 7u);
  // Worst first: the municipal -> core and county links cut all 7, then villages 5, then 1 each.
  ASSERT_EQ(r.bridges.size(), 5u);
  EXPECT_EQ(r.bridges[0].facilities_cut, 7u);
  EXPECT_EQ(r.bridges[1].facilities_cut, 7u);
  EXPECT_EQ(r.bridges[2].facilities_cut, 5u);
  EXPECT_EQ(t.link(r.bridges[2].edge).name, "up:villages");
  EXPECT_EQ(r.bridges[4].facilities_cut, 1u);
  (void)f1;
}

TEST(TopologyAnalysis, StandbyMakesTheFacilityNoPointAndItsUplinkNoBridge) {
  Hand h;
  VertexId f1 = h.facility("f1", h.county);
  h.standby(f1, h.county);
  h.facility("f2", h.county);
  Topology t = h.finish();
  TopologyReport r = analyse(t);
  // f1 - county and f1 - standby - county form a cycle: no point, no bridge there.
  EXPECT_EQ(points(r), (std::set<VertexId>{h.mun, h.county}));
  EXPECT_EQ(bridges(t, r), (std::set<std::string>{"up:mun", "up:county", "up:f2"}));
  EXPECT_EQ(r.facilities_with_standby, 1u);
  EXPECT_EQ(r.biconnected_components, 4);
  // The county still cuts both facilities off: the standby's line ends there too.
  EXPECT_EQ(cut_by_vertex(r, h.county), 2u);
}

TEST(TopologyAnalysis, StandbyToAnotherHubRemovesTheCountyAsPointForThatFacility) {
  Hand h;
  // f1 goes to the municipal centre directly, its standby to the county: a ring
  // mun - f1 - standby - county - mun. Nothing on the ring is a point or a bridge; f2 hangs off
  // the county, so the county still is a point, cutting f2 only.
  VertexId f1 = h.facility("f1", h.mun);
  h.standby(f1, h.county);
  h.facility("f2", h.county);
  Topology t = h.finish();
  TopologyReport r = analyse(t);
  EXPECT_EQ(points(r), (std::set<VertexId>{h.mun, h.county}));
  EXPECT_EQ(bridges(t, r), (std::set<std::string>{"up:mun", "up:f2"}));
  EXPECT_EQ(cut_by_vertex(r, h.county), 1u);
  EXPECT_EQ(cut_by_vertex(r, h.mun), 2u);
}

TEST(TopologyAnalysis, ExtraLinkClosesARing) {
  Hand h;
  VertexId county2 = h.site(SiteKind::kCounty, "county2", 1);
  h.b.add_uplink(county2, h.mun, LinkClass::kCountyMunicipal, kSpec);
  VertexId f1 = h.facility("f1", h.county);
  VertexId f2 = h.facility("f2", county2);
  Topology before = Hand(h).finish();
  EXPECT_EQ(points(analyse(before)), (std::set<VertexId>{h.mun, h.county, county2}));
  // A line between the two facilities: f1 - county - mun - county2 - f2 - f1 is a ring.
  h.b.add_link(f1, f2, LinkClass::kExtra, kSpec, "extra", true);
  Topology t = h.finish();
  TopologyReport r = analyse(t);
  EXPECT_EQ(points(r), (std::set<VertexId>{h.mun}));
  EXPECT_EQ(bridges(t, r), (std::set<std::string>{"up:mun"}));
  EXPECT_EQ(r.redundant_links, 1);
}

TEST(TopologyAnalysis, TextReportAndLinesForTheHtmlReport) {
  Hand h;
  for (const char* name : {"f0", "f1", "f2", "f3", "f4"}) h.facility(name, h.county);
  Topology t = h.finish();
  TopologyReport r = analyse(t);
  auto lines = single_points_of_failure(r, 2);
  // 2 points shown in full; bridges: 2 shown (the 5-facility ones), the rest summed.
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find("articulation point: municipal centre"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("cuts 5 facilities off"), std::string::npos) << lines[0];
  EXPECT_NE(lines[2].find("bridge: municipal_core link up:mun"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[4], "… and 5 more bridges cutting off 1 facility each");
  std::string text = format_report(r, 2);
  EXPECT_NE(text.find("Topology: 8 sites (5 facility, 0 small_sites, 0 fep_standby, 1 county, 1 municipal, 1 core)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("unreachable from their core: 0"), std::string::npos) << text;
  EXPECT_NE(text.find("2 articulation points, 7 bridges"), std::string::npos) << text;
}

TEST(TopologyAnalysis, CountyPreset) {
  auto pop = models::Population::load("county", 7);
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  auto built = build_topology(*pop, {});
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const Topology& t = *built;
  TopologyReport r = analyse(t);
  EXPECT_TRUE(r.unreachable_facilities.empty());
  EXPECT_EQ(r.facilities, 376u);
  EXPECT_EQ(r.facilities_with_standby, 11u);
  EXPECT_EQ(points(r), (std::set<VertexId>{t.county_vertex(0), t.municipal_vertex(0)}));
  // The county cuts everything but the 3 level-2 hospitals (private line to the municipal).
  EXPECT_EQ(cut_by_vertex(r, t.county_vertex(0)), 373u);
  EXPECT_EQ(cut_by_vertex(r, t.municipal_vertex(0)), 376u);
  // Bridges: municipal -> core, 15 centres and 4 pharmacies without standby, the 2 small-site
  // hosts. The county's own uplink is no bridge: the level-2 standbys close a ring through it.
  EXPECT_EQ(r.bridges.size(), 22u);
  EXPECT_EQ(r.bridges[0].facilities_cut, 376u);
  EXPECT_EQ(r.bridges[1].facilities_cut, 200u);
  EXPECT_EQ(r.bridges[2].facilities_cut, 146u);
  for (uint32_t j = 0; j < t.facility_count(); ++j) {
    VertexId f = t.facility_vertex(j);
    if (t.standby_vertex(j) < 0) continue;
    EXPECT_EQ(cut_by_vertex(r, f), 0u) << "a facility with standby is no articulation point";
    for (const auto& b : r.bridges) EXPECT_NE(b.edge, t.site(f).uplink);
  }
}

TEST(TopologyAnalysis, ProvincePresetTime) {
  auto pop = models::Population::load("province", 7);
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  auto built = build_topology(*pop, {});
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  auto start = std::chrono::steady_clock::now();
  TopologyReport r = analyse(*built);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("province analysis in %.3f s:\n%s", s, format_report(r, 5).c_str());
  EXPECT_TRUE(r.unreachable_facilities.empty());
  EXPECT_EQ(r.facilities, pop->facility_count());
}

}  // namespace
}  // namespace yibao::sim
