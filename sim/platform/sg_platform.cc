#include "sim/platform/sg_platform.h"

#include <fmt/format.h>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <exception>

#include "models/check.h"

namespace yibao::sim {
namespace sg = simgrid::s4u;
namespace {

Status bad(std::string message) { return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(message)); }

// Declares `point`'s links to the hub of a star zone (symmetrical: the same links back).
void star_route(sg::NetZone* zone, simgrid::kernel::routing::NetPoint* point, simgrid::kernel::routing::NetPoint* gateway,
                const std::vector<sg::Link*>& links) {
  std::vector<sg::LinkInRoute> route;
  route.reserve(links.size());
  for (sg::Link* l : links) route.emplace_back(l);
  zone->add_route(point, nullptr, gateway, nullptr, route, true);
}

// Checks that every primary route climbs site -> county or municipal -> municipal -> core, the
// shape the zones below can express.
Status check_shape(const Topology& t) {
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    const Site& s = t.site(v);
    if (s.kind == SiteKind::kCore) continue;
    const Site& up = t.site(s.up);
    if (s.kind == SiteKind::kMunicipal) {
      if (up.kind != SiteKind::kCore) return bad(fmt::format("{}: a municipal centre must go up to its core", s.name));
    } else if (s.kind == SiteKind::kCounty) {
      if (up.kind != SiteKind::kMunicipal) return bad(fmt::format("{}: a county must go up to its municipal centre", s.name));
    } else if (up.kind != SiteKind::kCounty && up.kind != SiteKind::kMunicipal) {
      return bad(fmt::format("{}: goes up to {}, neither a county nor a municipal centre", s.name, up.name));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SgPlatform> build_sg_platform(const Topology& t, const SgOptions& options) {
  sg::Engine* engine = sg::Engine::is_initialized() ? sg::Engine::get_instance() : nullptr;
  if (engine == nullptr) return Status(Code::kFailedPrecondition, reason::kInternal, "no SimGrid engine");
  if (engine->get_netzone_root() != nullptr)
    return Status(Code::kFailedPrecondition, reason::kInternal, "the SimGrid engine has a platform already");
  YB_RETURN_IF_ERROR(check_shape(t));

  SgPlatform p;
  p.hosts.assign(static_cast<size_t>(t.vertex_count()), nullptr);
  p.links.assign(static_cast<size_t>(t.edge_count()), nullptr);
  try {
    if (options.exact_network) {
      sg::Engine::set_config("network/latency-factor", 1.0);
      sg::Engine::set_config("network/bandwidth-factor", 1.0);
      sg::Engine::set_config("network/crosstraffic", false);
    }
    // The first zone created becomes the root. SimGrid 3.32 resolves a route wrongly when a
    // zone holds hosts next to sub-zones (a host of the sub-zone is looked up among the hosts of
    // the parent), so every host lives in a leaf zone: the hub zone of a region or a county zone.
    const int32_t regions = t.region_count();
    sg::NetZone* root = regions > 1 ? sg::create_star_zone("province") : nullptr;
    std::vector<sg::NetZone*> region_zone(static_cast<size_t>(regions), nullptr);
    std::vector<sg::NetZone*> hub_zone(static_cast<size_t>(regions), nullptr);
    std::vector<sg::NetZone*> county_zone(static_cast<size_t>(t.county_count()), nullptr);
    for (int32_t r = 0; r < regions; ++r) {
      const Site& mun = t.site(t.municipal_vertex(r));
      const std::string admdvs = mun.name.substr(mun.name.find(':') + 1);
      sg::NetZone* z = sg::create_star_zone("region:" + admdvs);
      if (root != nullptr) z->set_parent(root);
      region_zone[static_cast<size_t>(r)] = z;
      hub_zone[static_cast<size_t>(r)] = sg::create_star_zone(mun.name);
      hub_zone[static_cast<size_t>(r)]->set_parent(z);
    }
    if (root == nullptr) root = region_zone.front();
    for (int32_t c = 0; c < t.county_count(); ++c) {
      VertexId cv = t.county_vertex(c);
      if (cv < 0) continue;  // a hand-made topology may skip county numbers
      const Site& s = t.site(cv);
      county_zone[static_cast<size_t>(c)] = sg::create_star_zone(s.name);
      county_zone[static_cast<size_t>(c)]->set_parent(region_zone[static_cast<size_t>(s.region)]);
    }

    // The zone of a vertex's host: a county heads its county zone, a municipal centre its region's
    // hub zone, a core sits in the hub zone; every other site in the zone of the hub it goes up to.
    auto zone_of = [&](VertexId v) -> sg::NetZone* {
      const Site& s = t.site(v);
      switch (s.kind) {
        case SiteKind::kCounty: return county_zone[static_cast<size_t>(s.county)];
        case SiteKind::kMunicipal:
        case SiteKind::kCore: return hub_zone[static_cast<size_t>(s.region)];
        default: break;
      }
      const Site& up = t.site(s.up);
      return up.kind == SiteKind::kCounty ? county_zone[static_cast<size_t>(up.county)]
                                          : hub_zone[static_cast<size_t>(up.region)];
    };

    for (VertexId v = 0; v < t.vertex_count(); ++v) {
      p.hosts[static_cast<size_t>(v)] = zone_of(v)->create_host(t.site(v).name, options.host_speed)->seal();
    }
    for (EdgeId e = 0; e < t.edge_count(); ++e) {
      const Link& l = t.link(e);
      // The link lives in the zone of its first end (any zone would do: links are global).
      p.links[static_cast<size_t>(e)] =
          zone_of(t.ends(e).first)->create_link(l.name, l.spec.bandwidth)->set_latency(l.spec.latency)->seal();
    }

    // Routes: each host declares its links to the hub of its zone; each county zone its
    // county's uplink in the region zone, through the county host; each hub zone nothing,
    // through the municipal host.
    for (VertexId v = 0; v < t.vertex_count(); ++v) {
      const Site& s = t.site(v);
      sg::NetZone* z = zone_of(v);
      auto* point = p.hosts[static_cast<size_t>(v)]->get_netpoint();
      switch (s.kind) {
        case SiteKind::kMunicipal:
          star_route(z, point, nullptr, {});  // the hub itself
          star_route(region_zone[static_cast<size_t>(s.region)], z->get_netpoint(), point, {});
          if (regions > 1) star_route(root, region_zone[static_cast<size_t>(s.region)]->get_netpoint(), point, {});
          break;
        case SiteKind::kCore:  // reached from the hub over the municipal centre's uplink
          star_route(z, point, nullptr, {p.links[static_cast<size_t>(t.site(t.municipal_vertex(s.region)).uplink)]});
          break;
        case SiteKind::kCounty:
          star_route(z, point, nullptr, {});  // the hub of its own zone
          star_route(region_zone[static_cast<size_t>(s.region)], z->get_netpoint(), point,
                     {p.links[static_cast<size_t>(s.uplink)]});
          break;
        default:
          star_route(z, point, nullptr, {p.links[static_cast<size_t>(s.uplink)]});
          break;
      }
    }
    for (sg::NetZone* z : county_zone) {
      if (z != nullptr) z->seal();
    }
    for (sg::NetZone* z : hub_zone) z->seal();
    for (sg::NetZone* z : region_zone) z->seal();
    root->seal();
    p.root = root;
  } catch (const std::exception& e) {
    return Status(Code::kInternal, reason::kInternal, fmt::format("SimGrid refused the platform: {}", e.what()));
  }
  return p;
}

SgRoute sg_route(const sg::Host* from, const sg::Host* to) {
  SgRoute r;
  std::vector<sg::Link*> links;
  from->route_to(to, links, &r.latency);
  for (const sg::Link* l : links) r.links.push_back(l->get_name());
  return r;
}

}  // namespace yibao::sim
