// sim/platform/sg_platform on the province preset (15 regions, 100 counties, ≈ 11,000 hosts):
// how long the topology and the SimGrid platform take to build (printed, not asserted), and that
// routes still follow the topology across the zone hierarchy. Its own binary: one Engine per
// process.
#include "sim/platform/sg_platform.h"

#include <gtest/gtest.h>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>

#include <chrono>
#include <cstdio>

#include "models/population.h"

namespace yibao::sim {
namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(SgPlatformProvince, BuildsAndRoutesFollowTheTopology) {
  static char name[] = "sg_platform_province_test";
  static char* argv[] = {name, nullptr};
  int argc = 1;
  simgrid::s4u::Engine engine(&argc, argv);

  auto t0 = std::chrono::steady_clock::now();
  auto pop = models::Population::load("province", 7);
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  double pop_s = since(t0);
  auto t1 = std::chrono::steady_clock::now();
  auto topology = build_topology(*pop, {});
  ASSERT_TRUE(topology.ok()) << topology.status().ToString();
  double topo_s = since(t1);
  auto t2 = std::chrono::steady_clock::now();
  auto platform = build_sg_platform(*topology);
  ASSERT_TRUE(platform.ok()) << platform.status().ToString();
  double sg_s = since(t2);
  const Topology& t = *topology;
  std::printf("province: %d sites, %d links; population %.3f s, topology %.3f s, SimGrid platform %.3f s\n",
              t.vertex_count(), t.edge_count(), pop_s, topo_s, sg_s);

  EXPECT_EQ(engine.get_host_count(), static_cast<size_t>(t.vertex_count()));
  // Every 97th facility (all kinds, all regions) routes to its core as the topology says.
  for (uint32_t j = 0; j < t.facility_count(); j += 97) {
    VertexId v = t.facility_vertex(j);
    auto edges = t.route_edges_to_core(v);
    SgRoute r = sg_route(platform->host(v), platform->host(t.core_of(v)));
    ASSERT_EQ(r.links.size(), edges.size()) << t.site(v).name;
    for (size_t i = 0; i < edges.size(); ++i) ASSERT_EQ(r.links[i], t.link(edges[i]).name) << t.site(v).name;
    ASSERT_NEAR(r.latency, t.latency_of(edges), 1e-12);
  }
  // Across regions the route has no links of its own between the regions.
  VertexId a = t.county_vertex(0);
  VertexId b = t.core_vertex(t.region_count() - 1);
  SgRoute cross = sg_route(platform->host(a), platform->host(b));
  EXPECT_EQ(cross.links.size(), 2u);  // county uplink, the other region's municipal -> core
}

}  // namespace
}  // namespace yibao::sim
