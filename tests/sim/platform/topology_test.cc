// sim/platform/topology: what build_topology makes of the shipped presets and of overrides.
#include "sim/platform/topology.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "models/population.h"

namespace yibao::sim {
namespace {

using models::Level;

const models::Population& preset(const std::string& name) {
  static auto* cache = new std::map<std::string, models::Population>();
  auto it = cache->find(name);
  if (it == cache->end()) {
    auto p = models::Population::load(name, 7);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    it = cache->emplace(name, std::move(p).value()).first;
  }
  return it->second;
}

Topology build(const std::string& name, const TopologyParams& params = {}) {
  auto t = build_topology(preset(name), params);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// The first facility of a kind in the population.
uint32_t first_of(const models::Population& pop, Level kind) {
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    if (pop.facility_kind(j) == kind) return j;
  }
  ADD_FAILURE() << "no facility of that kind";
  return 0;
}

TEST(Topology, CountyPresetHasTheSitesOfDomain83) {
  const auto& pop = preset("county");
  Topology t = build("county");
  // 26 hospitals and centres + 4 pharmacies run their own FEP (presets.yaml: feps 30).
  EXPECT_EQ(t.count(SiteKind::kFacilityHost), 30);
  EXPECT_EQ(t.count(SiteKind::kFepStandby), 11);  // level-2 (3) and level-1 (8) hospitals
  EXPECT_EQ(t.count(SiteKind::kSmallSites), 2);   // villages, pharmacies without FEP
  EXPECT_EQ(t.count(SiteKind::kCounty), 1);
  EXPECT_EQ(t.count(SiteKind::kMunicipal), 1);
  EXPECT_EQ(t.count(SiteKind::kCore), 1);
  EXPECT_EQ(t.vertex_count(), 46);
  // 30 facility uplinks, 11 × (LAN + standby line), 2 small-site uplinks, county, municipal.
  EXPECT_EQ(t.edge_count(), 56);
  EXPECT_EQ(t.facility_count(), pop.facility_count());
  EXPECT_EQ(t.facility_count(), 376u);
}

TEST(Topology, FacilityHostsMatchOwnFepInEveryPreset) {
  for (const char* name : {"county", "city", "province"}) {
    SCOPED_TRACE(name);
    const auto& pop = preset(name);
    Topology t = build(name);
    EXPECT_EQ(static_cast<uint32_t>(t.count(SiteKind::kFacilityHost)), pop.preset().feps);
    EXPECT_EQ(t.count(SiteKind::kCounty), pop.county_count());
    EXPECT_EQ(t.count(SiteKind::kCore), pop.region_count());
    EXPECT_EQ(t.count(SiteKind::kMunicipal), pop.region_count());
    for (uint32_t j = 0; j < pop.facility_count(); ++j) {
      const Site& s = t.site(t.facility_vertex(j));
      ASSERT_TRUE(s.facility_begin <= j && j < s.facility_end) << j;
      ASSERT_EQ(s.kind == SiteKind::kFacilityHost, pop.has_own_fep(j)) << j;
      ASSERT_EQ(s.county, pop.county_of_facility(j)) << j;
      if (s.kind == SiteKind::kSmallSites) {
        ASSERT_EQ(s.level, pop.facility_kind(j)) << j;
      }
    }
  }
}

TEST(Topology, EveryPrimaryRouteEndsAtItsRegionsCore) {
  const auto& pop = preset("city");
  Topology t = build("city");
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    auto route = t.route_to_core(t.facility_vertex(j));
    int32_t region = pop.counties()[static_cast<size_t>(pop.county_of_facility(j))].region;
    ASSERT_EQ(route.back(), t.core_vertex(region)) << j;
    ASSERT_EQ(t.route_edges_to_core(t.facility_vertex(j)).size(), route.size() - 1);
  }
}

TEST(Topology, RoutesAndLinkFiguresFollowDomain84) {
  const auto& pop = preset("county");
  Topology t = build("county");
  const VertexId county = t.county_vertex(0);
  const VertexId mun = t.municipal_vertex(0);
  const VertexId core = t.core_vertex(0);

  // Level 2: private line straight to the municipal centre; LAN folded into the uplink.
  VertexId l2 = t.facility_vertex(first_of(pop, Level::kLevel2));
  EXPECT_EQ(t.route_to_core(l2), (std::vector<VertexId>{l2, mun, core}));
  const Link& pl = t.link(t.site(l2).uplink);
  EXPECT_EQ(pl.cls, LinkClass::kPrivateLine);
  EXPECT_DOUBLE_EQ(pl.spec.latency, 0.0005 + 0.005);
  EXPECT_DOUBLE_EQ(pl.spec.bandwidth, 20e6 / 8);

  // Level 1: leased line to the county centre.
  VertexId l1 = t.facility_vertex(first_of(pop, Level::kLevel1));
  EXPECT_EQ(t.route_to_core(l1), (std::vector<VertexId>{l1, county, mun, core}));
  EXPECT_DOUBLE_EQ(t.latency_of(t.route_edges_to_core(l1)), 0.0055 + 0.003 + 0.0002);
  EXPECT_EQ(t.link(t.site(l1).uplink).cls, LinkClass::kFepCounty);
  EXPECT_DOUBLE_EQ(t.link(t.site(county).uplink).spec.bandwidth, 100e6 / 8);
  EXPECT_DOUBLE_EQ(t.link(t.site(mun).uplink).spec.bandwidth, 1e9 / 8);

  // Village clinics share a host: 200 clinics × 2 Mbit/s, 40 ms.
  VertexId villages = t.facility_vertex(first_of(pop, Level::kVillage));
  EXPECT_EQ(t.site(villages).kind, SiteKind::kSmallSites);
  EXPECT_EQ(t.site(villages).stands_for(), 200u);
  EXPECT_DOUBLE_EQ(t.link(t.site(villages).uplink).spec.bandwidth, 200 * 2e6 / 8);
  EXPECT_DOUBLE_EQ(t.link(t.site(villages).uplink).spec.latency, 0.040);
  // 150 pharmacies, the first 4 with their own FEP: 146 on the shared host at 10 Mbit/s each.
  VertexId pharmacies = t.facility_vertex(pop.facility_count() - 1);
  EXPECT_EQ(t.site(pharmacies).stands_for(), 146u);
  EXPECT_DOUBLE_EQ(t.link(t.site(pharmacies).uplink).spec.bandwidth, 146 * 10e6 / 8);
  EXPECT_DOUBLE_EQ(t.link(t.site(pharmacies).uplink).spec.latency, 0.015);
}

TEST(Topology, StandbyFepHasItsOwnRouteToTheCore) {
  const auto& pop = preset("county");
  Topology t = build("county");
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    Level kind = pop.facility_kind(j);
    bool hospital = kind == Level::kLevel3 || kind == Level::kLevel2 || kind == Level::kLevel1;
    ASSERT_EQ(t.standby_vertex(j) >= 0, hospital && pop.has_own_fep(j)) << j;
    if (!hospital) continue;
    VertexId f = t.facility_vertex(j);
    VertexId s = t.standby_vertex(j);
    EXPECT_EQ(t.site(f).standby, s);
    EXPECT_EQ(t.site(s).kind, SiteKind::kFepStandby);
    // The standby's route: its own leased line to the county centre, never the facility's uplink.
    auto edges = t.route_edges_to_core(s);
    EXPECT_EQ(t.site(s).up, t.county_vertex(0));
    EXPECT_EQ(t.link(edges.front()).cls, LinkClass::kFepCounty);
    EXPECT_TRUE(t.link(edges.front()).redundant);
    for (EdgeId e : edges) EXPECT_NE(e, t.site(f).uplink);
    // With the facility's uplink cut, the facility still reaches the core, over the standby.
    std::vector<bool> down(static_cast<size_t>(t.edge_count()), false);
    down[static_cast<size_t>(t.site(f).uplink)] = true;
    auto path = t.shortest_path(f, t.core_vertex(0), down);
    ASSERT_FALSE(path.empty()) << j;
    EXPECT_EQ(path[1], s);
  }
}

TEST(Topology, ShortestPathPrefersLowLatencyAndHonoursDownVertices) {
  const auto& pop = preset("county");
  Topology t = build("county");
  VertexId l2 = t.facility_vertex(first_of(pop, Level::kLevel2));
  VertexId core = t.core_vertex(0);
  // Private line (5.5 ms) + 0.2 ms beats standby (0.5 + 5 + 3 + 0.2 ms).
  EXPECT_EQ(t.shortest_path(l2, core), t.route_to_core(l2));
  std::vector<bool> down_v(static_cast<size_t>(t.vertex_count()), false);
  down_v[static_cast<size_t>(t.municipal_vertex(0))] = true;
  EXPECT_TRUE(t.shortest_path(l2, core, {}, down_v).empty());  // every path crosses the municipal
  down_v.assign(down_v.size(), false);
  down_v[static_cast<size_t>(t.county_vertex(0))] = true;
  VertexId l1 = t.facility_vertex(first_of(pop, Level::kLevel1));
  EXPECT_TRUE(t.shortest_path(l1, core, {}, down_v).empty());
  EXPECT_FALSE(t.shortest_path(l2, core, {}, down_v).empty());
}

TEST(Topology, OverridesChangeLinksStandbysAndPrivateLines) {
  const auto& pop = preset("county");
  TopologyParams p;
  p.link(LinkClass::kVillage) = {1000, 0.1};
  p.link(LinkClass::kLan) = {50e6 / 8, 0.001};
  p.standby.fill(false);
  p.private_line.fill(false);
  Topology t = build("county", p);
  EXPECT_EQ(t.count(SiteKind::kFepStandby), 0);
  VertexId villages = t.facility_vertex(first_of(pop, Level::kVillage));
  EXPECT_DOUBLE_EQ(t.link(t.site(villages).uplink).spec.bandwidth, 200 * 1000.0);
  EXPECT_DOUBLE_EQ(t.link(t.site(villages).uplink).spec.latency, 0.1);
  VertexId l2 = t.facility_vertex(first_of(pop, Level::kLevel2));
  EXPECT_EQ(t.site(l2).up, t.county_vertex(0));
  EXPECT_EQ(t.link(t.site(l2).uplink).cls, LinkClass::kFepCounty);
  EXPECT_DOUBLE_EQ(t.link(t.site(l2).uplink).spec.latency, 0.001 + 0.005);
  EXPECT_DOUBLE_EQ(t.link(t.site(l2).uplink).spec.bandwidth, 20e6 / 8);  // the narrower of the two
}

TEST(Topology, ExtraLinksAreRedundantAndChecked) {
  TopologyParams p;
  p.extra_links.push_back({"villages:450101", "pharmacies:450101", {1e6, 0.01}, ""});
  Topology t = build("county", p);
  EXPECT_EQ(t.edge_count(), 57);
  const Link& x = t.link(56);
  EXPECT_EQ(x.cls, LinkClass::kExtra);
  EXPECT_TRUE(x.redundant);
  EXPECT_EQ(x.name, "extra:villages:450101-pharmacies:450101");
  EXPECT_EQ(t.edge_between(*t.find_site("villages:450101"), *t.find_site("pharmacies:450101")), 56);

  const auto& pop = preset("county");
  auto refused = [&](TopologyParams q, const char* what) {
    auto r = build_topology(pop, q);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << what;
    EXPECT_NE(r.status().message().find(what), std::string_view::npos) << r.status().ToString();
  };
  TopologyParams q;
  q.extra_links.push_back({"county:450101", "nowhere", {1e6, 0.01}, ""});
  refused(q, "nowhere");
  q.extra_links[0] = {"county:450101", "county:450101", {1e6, 0.01}, ""};
  refused(q, "to itself");
  q.extra_links[0] = {"county:450101", "core:450100", {1e6, 0.01}, "up:county:450101"};
  refused(q, "is taken");
  q.extra_links[0] = {"county:450101", "core:450100", {0, 0.01}, "x"};
  refused(q, "bandwidth");
  TopologyParams r;
  r.link(LinkClass::kPharmacy).latency = -1;
  refused(r, "pharmacy");
}

TEST(Topology, NamesAndDescriptions) {
  const auto& pop = preset("county");
  Topology t = build("county");
  EXPECT_EQ(t.site(t.core_vertex(0)).name, "core:450100");
  EXPECT_EQ(t.find_site("county:450101"), t.county_vertex(0));
  EXPECT_EQ(t.find_site("f:" + pop.facility_code(0)), t.facility_vertex(0));
  EXPECT_FALSE(t.find_site("f:nope").has_value());
  EXPECT_NE(t.describe(t.county_vertex(0)).find("county centre"), std::string::npos);
  EXPECT_NE(t.describe_edge(t.site(t.county_vertex(0)).uplink).find("county_municipal"), std::string::npos);
  EXPECT_EQ(link_class_from_name("fep_county"), LinkClass::kFepCounty);
  EXPECT_EQ(link_class_from_name("extra"), std::nullopt);
  for (int i = 0; i < kLinkClasses - 1; ++i) {
    auto c = static_cast<LinkClass>(i);
    EXPECT_EQ(link_class_from_name(link_class_name(c)), c);
  }
}

TEST(Topology, ProvinceBuildTime) {
  const auto& pop = preset("province");
  auto start = std::chrono::steady_clock::now();
  Topology t = build("province");
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("province topology: %d sites, %d links, built in %.3f s\n", t.vertex_count(), t.edge_count(), s);
  EXPECT_EQ(t.facility_count(), pop.facility_count());
  EXPECT_EQ(t.region_count(), 15);
}

}  // namespace
}  // namespace yibao::sim
