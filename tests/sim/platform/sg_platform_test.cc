// sim/platform/sg_platform on the county preset: SimGrid's routes are the topology's primary
// routes, link for link, and a transfer takes Σ latency + bytes / bottleneck bandwidth.
// SimGrid allows one Engine per process: this binary builds one platform, shared by its tests.
#include "sim/platform/sg_platform.h"

#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "models/population.h"

namespace yibao::sim {
namespace {

struct Shared {
  std::unique_ptr<simgrid::s4u::Engine> engine;
  std::unique_ptr<models::Population> pop;
  std::unique_ptr<Topology> topology;
  SgPlatform platform;
};

Shared& shared() {
  static Shared* s = [] {
    auto* x = new Shared;
    static char name[] = "sg_platform_test";
    static char* argv[] = {name, nullptr};
    int argc = 1;
    x->engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
    auto pop = models::Population::load("county", 7);
    EXPECT_TRUE(pop.ok()) << pop.status().ToString();
    x->pop = std::make_unique<models::Population>(std::move(pop).value());
    auto t = build_topology(*x->pop, {});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    x->topology = std::make_unique<Topology>(std::move(t).value());
    auto p = build_sg_platform(*x->topology);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (p.ok()) x->platform = std::move(p).value();
    return x;
  }();
  return *s;
}

TEST(SgPlatform, OneHostPerSiteOneLinkPerEdge) {
  const Shared& s = shared();
  const Topology& t = *s.topology;
  ASSERT_EQ(s.platform.hosts.size(), static_cast<size_t>(t.vertex_count()));
  EXPECT_EQ(s.engine->get_host_count(), static_cast<size_t>(t.vertex_count()));
  for (VertexId v = 0; v < t.vertex_count(); ++v) EXPECT_EQ(s.platform.host(v)->get_name(), t.site(v).name);
  for (EdgeId e = 0; e < t.edge_count(); ++e) {
    EXPECT_EQ(s.platform.link(e)->get_name(), t.link(e).name);
    EXPECT_DOUBLE_EQ(s.platform.link(e)->get_bandwidth(), t.link(e).spec.bandwidth);
    EXPECT_DOUBLE_EQ(s.platform.link(e)->get_latency(), t.link(e).spec.latency);
  }
}

TEST(SgPlatform, RouteToTheCoreIsThePrimaryRoute) {
  const Shared& s = shared();
  const Topology& t = *s.topology;
  const auto* core = s.platform.host(t.core_vertex(0));
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    if (v == t.core_vertex(0)) continue;
    SCOPED_TRACE(t.site(v).name);
    auto edges = t.route_edges_to_core(v);
    std::vector<std::string> names;
    for (EdgeId e : edges) names.push_back(t.link(e).name);
    SgRoute up = sg_route(s.platform.host(v), core);
    EXPECT_EQ(up.links, names);
    EXPECT_NEAR(up.latency, t.latency_of(edges), 1e-12);
    // And back the same way.
    SgRoute down = sg_route(core, s.platform.host(v));
    EXPECT_NEAR(down.latency, up.latency, 1e-12);
    EXPECT_EQ(down.links.size(), names.size());
  }
}

TEST(SgPlatform, RoutesBetweenSitesMeetAtTheirHub) {
  const Shared& s = shared();
  const Topology& t = *s.topology;
  const auto& pop = *s.pop;
  uint32_t l1 = 0, l2 = 0;
  for (uint32_t j = pop.facility_count(); j-- > 0;) {
    if (pop.facility_kind(j) == models::Level::kLevel1) l1 = j;
    if (pop.facility_kind(j) == models::Level::kLevel2) l2 = j;
  }
  VertexId villages = t.facility_vertex(pop.counties()[0].facility_begin + pop.counties()[0].kind_begin[4]);
  VertexId f1 = t.facility_vertex(l1);
  // Two sites of one county: up one, down the other.
  EXPECT_EQ(sg_route(s.platform.host(f1), s.platform.host(villages)).links,
            (std::vector<std::string>{t.link(t.site(f1).uplink).name, t.link(t.site(villages).uplink).name}));
  // A level-2 hospital (private line) to a county site: through the municipal hub.
  VertexId f2 = t.facility_vertex(l2);
  EXPECT_EQ(sg_route(s.platform.host(f2), s.platform.host(f1)).links,
            (std::vector<std::string>{t.link(t.site(f2).uplink).name, t.link(t.site(t.county_vertex(0)).uplink).name,
                                      t.link(t.site(f1).uplink).name}));
  // The standby of f1 reaches the core without f1's uplink.
  VertexId sb = t.standby_vertex(l1);
  ASSERT_GE(sb, 0);
  auto route = sg_route(s.platform.host(sb), s.platform.host(t.core_vertex(0))).links;
  EXPECT_EQ(route.front(), "up:" + t.site(sb).name);
  EXPECT_EQ(std::count(route.begin(), route.end(), t.link(t.site(f1).uplink).name), 0);
}

TEST(SgPlatform, SecondPlatformIsRefused) {
  const Shared& s = shared();
  auto again = build_sg_platform(*s.topology);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
}

TEST(SgPlatform, TransferTakesLatencyPlusSizeOverBottleneck) {
  Shared& s = shared();
  const Topology& t = *s.topology;
  uint32_t l1 = 0;
  while (s.pop->facility_kind(l1) != models::Level::kLevel1) ++l1;
  VertexId f = t.facility_vertex(l1);
  const double bytes = 100000;
  auto edges = t.route_edges_to_core(f);
  double bottleneck = 1e300;
  for (EdgeId e : edges) bottleneck = std::min(bottleneck, t.link(e).spec.bandwidth);
  const double expected = t.latency_of(edges) + bytes / bottleneck;

  double arrived = -1;
  auto* box = simgrid::s4u::Mailbox::by_name("core");
  simgrid::s4u::Actor::create("sender", s.platform.host(f), [box, bytes] {
    static int payload = 1;
    box->put(&payload, static_cast<uint64_t>(bytes));
  });
  simgrid::s4u::Actor::create("receiver", s.platform.host(t.core_vertex(0)), [box, &arrived] {
    box->get<int>();
    arrived = simgrid::s4u::Engine::get_clock();
  });
  s.engine->run();
  EXPECT_NEAR(arrived, expected, expected * 1e-6) << "latency " << t.latency_of(edges) << " s";
}

}  // namespace
}  // namespace yibao::sim
