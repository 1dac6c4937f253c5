// The Topology as a SimGrid 3.32 platform: one of the two places that make SimGrid set-up calls
// (DESIGN.md §3; the other is sim/engine.*). Uses the 3.32 API (create_star_zone, create_host,
// create_link()->set_latency()->seal(), add_route with LinkInRoute).
//
// Zones, so that no route is ever listed pair by pair (a province has ≈ 11,000 hosts), all star
// zones (a star zone routes A -> B as A's links then B's links, so each member declares only its
// own links to the zone's hub):
//   root          "province", holding the region zones (gateway: the municipal host, no links:
//                 cross-region traffic is not modelled), or the region zone itself when there is
//                 one region;
//   region r      "region:<admdvs>", holding only zones: the hub zone (gateway: the municipal
//                 host, no links) and one zone per county (gateway: the county host, links: the
//                 county's uplink);
//   hub of r      "municipal:<admdvs>": the municipal host (no links), the core host (links: the
//                 municipal -> core link) and the private-line facility hosts (their uplink);
//   county c      "county:<admdvs>": the county host (no links) and every site whose primary
//                 route goes up to it (facility hosts, small-sites hosts, standby FEPs; their
//                 uplink).
// Hosts live only in leaf zones: SimGrid 3.32 resolves a route wrongly when a zone holds hosts
// next to sub-zones. SimGrid's route between two hosts is their primary routes joined where they
// meet: facility -> core = [facility uplink, county uplink, municipal -> core].
//
// Every topology edge becomes one SimGrid link (SHARED: both directions share the bandwidth),
// named as Link::name, with its bandwidth (bytes/s) and latency (s). Edges on no primary route
// (standby LAN edges, extra links) exist as links but carry no traffic in this version; a standby
// FEP's own line is on its standby host's route, so a facility switched to its standby sends
// from the standby host (e.g. its actor moved with s4u::Actor::set_host) and reaches the core
// without its failed uplink.
//
// Thread safety: call from the thread that owns the Engine, before Engine::run.
#pragma once

#include <string>
#include <vector>

#include "models/status.h"
#include "sim/platform/topology.h"

namespace simgrid::s4u {
class Host;
class Link;
class NetZone;
}  // namespace simgrid::s4u

namespace yibao::sim {

struct SgOptions {
  double host_speed = 1e9;  // flops of every host
  // Makes a link's figures the ones it is given: network/latency-factor 1 and bandwidth-factor 1
  // (the default LV08 model multiplies latency by 13.01 and bandwidth by 0.97) and no TCP
  // cross-traffic, so a lone transfer takes Σ latency + bytes / bottleneck bandwidth (below
  // network/TCP-gamma / (2 Σ latency)). Set before the first zone; false leaves the config alone.
  bool exact_network = true;
};

// The platform built; pointers are owned by SimGrid and live as long as the Engine.
struct SgPlatform {
  std::vector<simgrid::s4u::Host*> hosts;  // by VertexId
  std::vector<simgrid::s4u::Link*> links;  // by EdgeId
  simgrid::s4u::NetZone* root = nullptr;

  simgrid::s4u::Host* host(VertexId v) const { return hosts.at(static_cast<size_t>(v)); }
  simgrid::s4u::Link* link(EdgeId e) const { return links.at(static_cast<size_t>(e)); }
};

// Builds the platform of `t` in the current simgrid::s4u::Engine, which must exist and have no
// platform yet. FAILED_PRECONDITION without an engine or with a root zone already there;
// INVALID_ARGUMENT (E_BAD_REQUEST) when a site's primary route goes up to something other than
// a county or municipal centre (hand-made topologies), or a municipal centre's does not go to
// its core; INTERNAL if SimGrid refuses a call (its message included).
Result<SgPlatform> build_sg_platform(const Topology& t, const SgOptions& options = {});

// SimGrid's route between two hosts: its latency (s) and link names, in order (tests, reports).
struct SgRoute {
  double latency = 0;
  std::vector<std::string> links;
};
SgRoute sg_route(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);

}  // namespace yibao::sim
