// Analysis of a Topology before a run (DESIGN.md §5 "Platform"): does every facility reach its
// core, and which sites and links are single points of failure (articulation points and bridges,
// from Boost.Graph's biconnected components). Each single point carries the number of facilities
// that lose their core when it fails, so a report can rank them.
//
// TopologyReport is a plain value; analyse() is pure and thread-safe on a const Topology.
// format_report() gives a small text table; single_points_of_failure() the lines report.html
// shows (ReportInputs::single_points_of_failure in sim/report.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/platform/topology.h"

namespace yibao::sim {

// One articulation point (vertex >= 0) or bridge (edge >= 0).
struct SinglePoint {
  VertexId vertex = -1;
  EdgeId edge = -1;
  uint32_t facilities_cut = 0;  // facilities that lose their core when it fails (its own included)
  std::string what;             // Topology::describe / describe_edge
};

struct TopologyReport {
  int32_t sites = 0;
  int32_t links = 0;
  int32_t redundant_links = 0;
  std::array<int32_t, kSiteKinds> sites_by_kind{};  // index = SiteKind
  uint32_t facilities = 0;
  uint32_t facilities_with_standby = 0;
  // Facilities (population indices) whose host has no path to their region's core; none expected.
  std::vector<uint32_t> unreachable_facilities;
  int32_t biconnected_components = 0;
  // Sorted by facilities_cut, largest first, then by id.
  std::vector<SinglePoint> articulation_points;
  std::vector<SinglePoint> bridges;
};

TopologyReport analyse(const Topology& t);

// A small text table: counts, reachability, then the single points of failure with the most
// facilities cut off (single_points_of_failure(r, max_rows)).
std::string format_report(const TopologyReport& r, int max_rows = 20);
// One line per single point of failure: the `max_rows` worst of each sort, then one line for the
// rest of that sort ("… and 5,250 more bridges cutting off 1 to 304 facilities each").
std::vector<std::string> single_points_of_failure(const TopologyReport& r, int max_rows = 20);

}  // namespace yibao::sim
