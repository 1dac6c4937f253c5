#include "sim/platform/sg_platform.h"

#include <fmt/format.h>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
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

// "450100" of region r (from its municipal centre's name "municipal:450100").
std::string admdvs_of(const Topology& t, int32_t r) {
  const std::string& name = t.site(t.municipal_vertex(r)).name;
  return name.substr(name.find(':') + 1);
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
    //
    // Every other zone is filled while still detached and attached afterwards: 3.32 checks a new
    // host's name against every zone attached to the root, and lists every host under the root
    // to seal a zone, which makes building with the zones attached O(hosts × zones) (the nation
    // preset: hours). A detached zone gets the root's models by hand, as set_parent would.
    const int32_t regions = t.region_count();
    sg::NetZone* root = sg::create_star_zone(regions > 1 ? std::string("province") : "region:" + admdvs_of(t, 0));
    auto detached = [root](const std::string& name) {
      sg::NetZone* z = sg::create_star_zone(name);
      auto* impl = z->get_impl();
      const auto* from = root->get_impl();
      impl->set_network_model(from->get_network_model());
      impl->set_cpu_pm_model(from->get_cpu_pm_model());
      impl->set_cpu_vm_model(from->get_cpu_vm_model());
      impl->set_disk_model(from->get_disk_model());
      impl->set_host_model(from->get_host_model());
      return z;
    };
    std::vector<sg::NetZone*> region_zone(static_cast<size_t>(regions), nullptr);
    std::vector<sg::NetZone*> hub_zone(static_cast<size_t>(regions), nullptr);
    std::vector<sg::NetZone*> county_zone(static_cast<size_t>(t.county_count()), nullptr);
    for (int32_t r = 0; r < regions; ++r) {
      region_zone[static_cast<size_t>(r)] = regions > 1 ? detached("region:" + admdvs_of(t, r)) : root;
      hub_zone[static_cast<size_t>(r)] = detached(t.site(t.municipal_vertex(r)).name);
    }
    for (int32_t c = 0; c < t.county_count(); ++c) {
      VertexId cv = t.county_vertex(c);  // -1: a hand-made topology may skip county numbers
      if (cv >= 0) county_zone[static_cast<size_t>(c)] = detached(t.site(cv).name);
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

    // Attach hubs and counties to their region (still detached from the root when there are
    // several), so that sealing them below scans few hosts: 3.32 seals a zone after listing
    // every host under the root, O(hosts) per zone.
    for (int32_t r = 0; r < regions; ++r) hub_zone[static_cast<size_t>(r)]->set_parent(region_zone[static_cast<size_t>(r)]);
    for (int32_t c = 0; c < t.county_count(); ++c) {
      VertexId cv = t.county_vertex(c);
      if (cv >= 0) county_zone[static_cast<size_t>(c)]->set_parent(region_zone[static_cast<size_t>(t.site(cv).region)]);
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
    // Then the regions to the root, which seals them (one host listing per region).
    if (regions > 1) {
      for (int32_t r = 0; r < regions; ++r) {
        region_zone[static_cast<size_t>(r)]->set_parent(root);
        star_route(root, region_zone[static_cast<size_t>(r)]->get_netpoint(),
                   p.hosts[static_cast<size_t>(t.municipal_vertex(r))]->get_netpoint(), {});
      }
    }
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
