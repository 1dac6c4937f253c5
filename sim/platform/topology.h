// The network topology of the simulator (DESIGN.md §5 "Platform", DOMAIN.md §2.2 and §8.4): an
// undirected Boost.Graph whose vertices are sites (hosts) and whose edges are links, built from a
// models::Population plus scenario overrides (TopologyParams). sim/platform/sg_platform.* turns
// it into a SimGrid platform; topology_analysis.h finds unreachable facilities and single points
// of failure.
//
// Sites (one vertex each):
//   kFacilityHost  a facility with its own front-end processor (hospital, township/community
//                  centre, pharmacy with an FEP). The host IS the FEP host: its counters' actor
//                  runs there; the facility LAN is folded into its uplink (latency added,
//                  bandwidth the smaller of the two).
//   kSmallSites    per county, one host for all its village clinics and one for its pharmacies
//                  without an own FEP (small sites share hosts, DESIGN.md §5); it stands for a
//                  contiguous facility range and its uplink is the class link × that many sites
//                  (bandwidth multiplied, latency unchanged).
//   kFepStandby    the standby FEP of a facility host whose kind has one (TopologyParams::standby):
//                  LAN edge to the facility host plus its own leased line to the county centre.
//   kCounty        a county centre (county node).
//   kMunicipal     the municipal centre of a pooling region.
//   kCore          the core of a pooling region, behind its municipal centre (one per region).
// Regions are separate components: nothing links two regions (cross-region routing is not
// modelled).
//
// Primary routes. Every site but a core has one `up` neighbour and the `uplink` edge to it: a
// facility host goes to its county centre (or, for the kinds of TopologyParams::private_line,
// level-3 and level-2 hospitals by default, straight to the municipal centre), a small-sites host
// and a standby go to their county centre, a county to its municipal centre, a municipal centre to
// its core. Following `up` gives the primary route to the core, the one SimGrid uses. Edges that
// are on no primary route (standby LAN and leased line, extra links) carry `redundant = true`;
// they matter for the analysis, and a standby's uplink is the route of its standby host.
//
// Units: bandwidth in bytes per second, latency in seconds. Vertex and edge ids are dense
// int32_t indices (-1 = none), equal to the Boost vertex index and to Link::id.
// Thread safety: a Topology is immutable after build_topology(); const methods are thread-safe.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/entities.h"
#include "models/population.h"
#include "models/status.h"

namespace yibao::sim {

using VertexId = int32_t;
using EdgeId = int32_t;

enum class SiteKind : uint8_t { kFacilityHost = 0, kSmallSites, kFepStandby, kCounty, kMunicipal, kCore };
inline constexpr int kSiteKinds = 6;
// "facility", "small_sites", "fep_standby", "county", "municipal", "core".
const char* site_kind_name(SiteKind k);

// Link classes of DOMAIN.md §8.4; the names are the scenario's `links[].link_class` values.
enum class LinkClass : uint8_t {
  kLan = 0,          // "lan": facility LAN -> FEP (folded into facility uplinks; standby LAN edge)
  kFepCounty,        // "fep_county": FEP (or standby) -> county centre, leased line
  kPrivateLine,      // "private_line": city hospital FEP -> municipal centre
  kVillage,          // "village": village clinic 4G VPN (per clinic)
  kPharmacy,         // "pharmacy": pharmacy broadband VPN (per pharmacy)
  kCountyMunicipal,  // "county_municipal"
  kMunicipalCore,    // "municipal_core"
  kExtra,            // an extra redundant link of the scenario (no class default)
};
inline constexpr int kLinkClasses = 8;
const char* link_class_name(LinkClass c);
// The class of a scenario name ("fep_county"...); nullopt if unknown ("extra" is not accepted).
std::optional<LinkClass> link_class_from_name(std::string_view name);

struct LinkSpec {
  double bandwidth = 0;  // bytes per second
  double latency = 0;    // seconds
};
// Two links one after the other: latencies add, the narrower bandwidth wins.
LinkSpec in_series(LinkSpec a, LinkSpec b);

// An extra link a scenario adds between two sites named as Site::name ("county:450101"...).
struct ExtraLink {
  std::string from;
  std::string to;
  LinkSpec spec;
  std::string name;  // "" = "extra:<from>-<to>"
};

struct TopologyParams {
  // Per class (index = LinkClass), DOMAIN.md §8.4 defaults; kPrivateLine defaults to the leased
  // line's figures (the sources give none). kExtra is unused.
  std::array<LinkSpec, kLinkClasses> links = default_links();
  // Facility kinds (index = models::kind_index, kKindOrder) whose FEP has a standby; only
  // facilities with their own FEP get one. Default: hospitals of levels 3, 2 and 1.
  std::array<bool, models::kFacilityKinds> standby = {true, true, true, false, false, false};
  // Facility kinds whose FEP reaches the municipal centre by private line rather than the
  // county centre (DOMAIN.md §2.2 "city hospitals"). Default: levels 3 and 2.
  std::array<bool, models::kFacilityKinds> private_line = {true, true, false, false, false, false};
  std::vector<ExtraLink> extra_links;

  static std::array<LinkSpec, kLinkClasses> default_links();
  LinkSpec& link(LinkClass c) { return links[static_cast<size_t>(c)]; }
  const LinkSpec& link(LinkClass c) const { return links[static_cast<size_t>(c)]; }
};

struct Site {
  SiteKind kind = SiteKind::kFacilityHost;
  std::string name;          // unique, ASCII; the SimGrid host name (see file comment of .cc)
  std::string label;         // human label (county or region name, facility kind); may be ""
  int32_t region = -1;       // pooling region index
  int32_t county = -1;       // county index (-1 for municipal centres and cores)
  // Facilities it stands for, [facility_begin, facility_end): one for a facility host, a range
  // for small sites, the facility it backs up for a standby (stands_for() counts 0 for it).
  uint32_t facility_begin = 0;
  uint32_t facility_end = 0;
  models::Level level = models::Level::kLevel2;  // facility kind (facility, small sites, standby)
  VertexId up = -1;          // next site of the primary route to the core (-1 for a core)
  EdgeId uplink = -1;        // the edge to `up`
  VertexId standby = -1;     // facility host: its standby vertex, else -1

  // Facilities whose counters run on this host (0 for a standby and the centres).
  uint32_t stands_for() const {
    return kind == SiteKind::kFacilityHost || kind == SiteKind::kSmallSites ? facility_end - facility_begin : 0;
  }
};

struct Link {
  EdgeId id = -1;
  LinkClass cls = LinkClass::kFepCounty;
  LinkSpec spec;
  std::string name;          // unique, ASCII; the SimGrid link name
  bool redundant = false;    // on no primary route (standby LAN and line, extra links)
};

// The edge property of the graph: the id of its Link (Topology::link); the Links themselves live
// in a vector so that a Topology copies and moves safely.
struct LinkRef {
  EdgeId id = -1;
};

class Topology {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Site, LinkRef>;

  const Graph& graph() const { return g_; }
  int32_t vertex_count() const { return static_cast<int32_t>(boost::num_vertices(g_)); }
  int32_t edge_count() const { return static_cast<int32_t>(links_.size()); }
  const Site& site(VertexId v) const;
  const Link& link(EdgeId e) const;
  // The two ends of an edge, in the order it was added (for an uplink: the lower site first).
  std::pair<VertexId, VertexId> ends(EdgeId e) const;
  // The other end of `e` seen from `v` (YB_CHECK that v is an end).
  VertexId other_end(EdgeId e, VertexId v) const;

  int32_t region_count() const { return static_cast<int32_t>(cores_.size()); }
  int32_t county_count() const { return static_cast<int32_t>(counties_.size()); }
  uint32_t facility_count() const { return static_cast<uint32_t>(facility_vertex_.size()); }
  // The host vertex of facility j (its facility host, or the small-sites host standing for it).
  VertexId facility_vertex(uint32_t j) const;
  // Its standby FEP vertex, or -1 when it has none.
  VertexId standby_vertex(uint32_t j) const;
  VertexId county_vertex(int32_t c) const;
  VertexId municipal_vertex(int32_t r) const;
  VertexId core_vertex(int32_t r) const;
  // The core of the region `v` belongs to.
  VertexId core_of(VertexId v) const { return core_vertex(site(v).region); }
  // A site by its name; nullopt if none.
  std::optional<VertexId> find_site(std::string_view name) const;
  // Number of vertices of a kind.
  int32_t count(SiteKind k) const { return kind_count_[static_cast<size_t>(k)]; }

  // The primary route: v, up(v), ..., its core (the route SimGrid uses). Vertices, and the
  // edges between them (one fewer).
  std::vector<VertexId> route_to_core(VertexId v) const;
  std::vector<EdgeId> route_edges_to_core(VertexId v) const;
  // Sum of the latencies of `edges`, seconds.
  double latency_of(const std::vector<EdgeId>& edges) const;
  // The lowest-latency path from `from` to `to` avoiding the edges marked in `down` (indexed by
  // EdgeId; empty = none down) and the vertices marked in `down_vertices` (same; `from` and `to`
  // are never skipped). Empty if `to` cannot be reached. Ties break towards lower vertex ids.
  std::vector<VertexId> shortest_path(VertexId from, VertexId to, const std::vector<bool>& down = {},
                                      const std::vector<bool>& down_vertices = {}) const;
  // The edge between two adjacent vertices (the first added), or -1.
  EdgeId edge_between(VertexId a, VertexId b) const;
  // "county centre 安平县 (county:450101)", for reports.
  std::string describe(VertexId v) const;
  std::string describe_edge(EdgeId e) const;

 private:
  friend class TopologyBuilder;
  Topology() = default;
  Graph g_;
  std::vector<Link> links_;                             // by EdgeId
  std::vector<std::pair<VertexId, VertexId>> ends_;     // by EdgeId
  std::vector<VertexId> facility_vertex_;
  std::unordered_map<uint32_t, VertexId> standby_of_;
  std::vector<VertexId> counties_;
  std::vector<VertexId> municipals_;
  std::vector<VertexId> cores_;
  std::unordered_map<std::string, VertexId> by_name_;
  std::unordered_set<std::string> by_name_links_;
  std::array<int32_t, kSiteKinds> kind_count_{};
};

// Assembles a Topology site by site: build_topology() uses it, and so do tests and hand-made
// what-if graphs. finish() derives the look-ups from the sites: facility j's vertex from the
// facility and small-sites ranges, standbys from Site::standby, counties, municipal centres and
// cores from their kinds and indices. Broken input is YB_CHECK (a duplicate name, a region
// without a core, a facility index no site stands for, a primary route with a cycle).
class TopologyBuilder {
 public:
  VertexId add_site(Site s);
  EdgeId add_link(VertexId a, VertexId b, LinkClass cls, LinkSpec spec, std::string name, bool redundant = false);
  // Adds the link "up:<v's name>" and makes it v's primary route (Site::up, Site::uplink).
  EdgeId add_uplink(VertexId v, VertexId up, LinkClass cls, LinkSpec spec);
  bool has_link_name(const std::string& name) const { return t_.by_name_links_.count(name) != 0; }
  Site& site(VertexId v) { return t_.g_[static_cast<size_t>(v)]; }
  std::optional<VertexId> find_site(std::string_view name) const { return t_.find_site(name); }
  Topology finish() &&;

 private:
  Topology t_;
};

// Builds the topology of `pop` under `params`. INVALID_ARGUMENT (reason E_BAD_REQUEST) for a
// non-positive bandwidth or negative latency, or an extra link naming an unknown site, a site
// twice, or sites of two regions.
Result<Topology> build_topology(const models::Population& pop, const TopologyParams& params);

}  // namespace yibao::sim
