// Site names (unique, ASCII, used as SimGrid host names):
//   facility host   "f:<fixmedins_code>"        standby          "standby:<fixmedins_code>"
//   village clinics "villages:<county admdvs>"  other pharmacies "pharmacies:<county admdvs>"
//   county centre   "county:<county admdvs>"    municipal centre "municipal:<region admdvs>"
//   core            "core:<region admdvs>"
// Link names: "up:<site name>" for every uplink, "lan:<fixmedins_code>" for a standby's LAN edge,
// ExtraLink::name (default "extra:<from>-<to>") for extra links.
#include "sim/platform/topology.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <queue>
#include <utility>

#include "models/check.h"

namespace yibao::sim {
namespace {

constexpr double kMbit = 1e6 / 8;  // bytes per second in one Mbit/s

const char* kind_label(models::Level l) {
  switch (l) {
    case models::Level::kLevel3: return "level-3 hospital";
    case models::Level::kLevel2: return "level-2 hospital";
    case models::Level::kLevel1: return "level-1 hospital";
    case models::Level::kPrimary: return "township/community centre";
    case models::Level::kVillage: return "village clinics";
    case models::Level::kPharmacy: return "pharmacy";
  }
  return "facility";
}

Status bad(std::string message) { return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(message)); }

Status check_spec(const LinkSpec& s, const std::string& what) {
  if (!(s.bandwidth > 0) || !(s.bandwidth < std::numeric_limits<double>::infinity()))
    return bad(fmt::format("link {}: bandwidth must be a positive number of bytes/s", what));
  if (!(s.latency >= 0) || !(s.latency < std::numeric_limits<double>::infinity()))
    return bad(fmt::format("link {}: latency must be a non-negative number of seconds", what));
  return Status::Ok();
}

}  // namespace

const char* site_kind_name(SiteKind k) {
  switch (k) {
    case SiteKind::kFacilityHost: return "facility";
    case SiteKind::kSmallSites: return "small_sites";
    case SiteKind::kFepStandby: return "fep_standby";
    case SiteKind::kCounty: return "county";
    case SiteKind::kMunicipal: return "municipal";
    case SiteKind::kCore: return "core";
  }
  return "?";
}

const char* link_class_name(LinkClass c) {
  switch (c) {
    case LinkClass::kLan: return "lan";
    case LinkClass::kFepCounty: return "fep_county";
    case LinkClass::kPrivateLine: return "private_line";
    case LinkClass::kVillage: return "village";
    case LinkClass::kPharmacy: return "pharmacy";
    case LinkClass::kCountyMunicipal: return "county_municipal";
    case LinkClass::kMunicipalCore: return "municipal_core";
    case LinkClass::kExtra: return "extra";
  }
  return "?";
}

std::optional<LinkClass> link_class_from_name(std::string_view name) {
  for (int i = 0; i < kLinkClasses; ++i) {
    auto c = static_cast<LinkClass>(i);
    if (c != LinkClass::kExtra && name == link_class_name(c)) return c;
  }
  return std::nullopt;
}

LinkSpec in_series(LinkSpec a, LinkSpec b) { return {std::min(a.bandwidth, b.bandwidth), a.latency + b.latency}; }

std::array<LinkSpec, kLinkClasses> TopologyParams::default_links() {
  std::array<LinkSpec, kLinkClasses> l{};
  l[static_cast<size_t>(LinkClass::kLan)] = {100 * kMbit, 0.0005};
  l[static_cast<size_t>(LinkClass::kFepCounty)] = {20 * kMbit, 0.005};
  l[static_cast<size_t>(LinkClass::kPrivateLine)] = {20 * kMbit, 0.005};
  l[static_cast<size_t>(LinkClass::kVillage)] = {2 * kMbit, 0.040};
  l[static_cast<size_t>(LinkClass::kPharmacy)] = {10 * kMbit, 0.015};
  l[static_cast<size_t>(LinkClass::kCountyMunicipal)] = {100 * kMbit, 0.003};
  l[static_cast<size_t>(LinkClass::kMunicipalCore)] = {1000 * kMbit, 0.0002};
  l[static_cast<size_t>(LinkClass::kExtra)] = {100 * kMbit, 0.001};
  return l;
}

// ---- Topology accessors ---------------------------------------------------------------------

const Site& Topology::site(VertexId v) const {
  YB_CHECK(v >= 0 && v < vertex_count(), "vertex out of range");
  return g_[static_cast<size_t>(v)];
}

const Link& Topology::link(EdgeId e) const {
  YB_CHECK(e >= 0 && e < edge_count(), "edge out of range");
  return links_[static_cast<size_t>(e)];
}

std::pair<VertexId, VertexId> Topology::ends(EdgeId e) const {
  YB_CHECK(e >= 0 && e < edge_count(), "edge out of range");
  return ends_[static_cast<size_t>(e)];
}

VertexId Topology::other_end(EdgeId e, VertexId v) const {
  auto [a, b] = ends(e);
  YB_CHECK(a == v || b == v, "vertex is not an end of the edge");
  return a == v ? b : a;
}

VertexId Topology::facility_vertex(uint32_t j) const {
  YB_CHECK(j < facility_vertex_.size(), "facility out of range");
  return facility_vertex_[j];
}

VertexId Topology::standby_vertex(uint32_t j) const {
  YB_CHECK(j < facility_vertex_.size(), "facility out of range");
  auto it = standby_of_.find(j);
  return it == standby_of_.end() ? -1 : it->second;
}

VertexId Topology::county_vertex(int32_t c) const {
  YB_CHECK(c >= 0 && c < county_count(), "county out of range");
  return counties_[static_cast<size_t>(c)];
}

VertexId Topology::municipal_vertex(int32_t r) const {
  YB_CHECK(r >= 0 && r < region_count(), "region out of range");
  return municipals_[static_cast<size_t>(r)];
}

VertexId Topology::core_vertex(int32_t r) const {
  YB_CHECK(r >= 0 && r < region_count(), "region out of range");
  return cores_[static_cast<size_t>(r)];
}

std::optional<VertexId> Topology::find_site(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<VertexId> Topology::route_to_core(VertexId v) const {
  std::vector<VertexId> route{v};
  // A primary route is at most facility -> county -> municipal -> core; the bound catches a cycle.
  while (site(route.back()).up >= 0) {
    route.push_back(site(route.back()).up);
    YB_CHECK(route.size() <= static_cast<size_t>(vertex_count()), "cycle in the primary routes");
  }
  return route;
}

std::vector<EdgeId> Topology::route_edges_to_core(VertexId v) const {
  std::vector<EdgeId> edges;
  for (VertexId x = v; site(x).up >= 0; x = site(x).up) {
    edges.push_back(site(x).uplink);
    YB_CHECK(edges.size() <= static_cast<size_t>(vertex_count()), "cycle in the primary routes");
  }
  return edges;
}

double Topology::latency_of(const std::vector<EdgeId>& edges) const {
  double sum = 0;
  for (EdgeId e : edges) sum += link(e).spec.latency;
  return sum;
}

std::vector<VertexId> Topology::shortest_path(VertexId from, VertexId to, const std::vector<bool>& down,
                                              const std::vector<bool>& down_vertices) const {
  const auto n = static_cast<size_t>(vertex_count());
  YB_CHECK(from >= 0 && static_cast<size_t>(from) < n && to >= 0 && static_cast<size_t>(to) < n, "vertex out of range");
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  std::vector<VertexId> prev(n, -1);
  using Item = std::pair<double, VertexId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[static_cast<size_t>(from)] = 0;
  queue.push({0.0, from});
  while (!queue.empty()) {
    auto [d, v] = queue.top();
    queue.pop();
    if (d > dist[static_cast<size_t>(v)]) continue;
    if (v == to) break;
    for (auto [it, end] = boost::out_edges(static_cast<size_t>(v), g_); it != end; ++it) {
      const Link& l = links_[static_cast<size_t>(g_[*it].id)];
      if (!down.empty() && down[static_cast<size_t>(l.id)]) continue;
      auto w = static_cast<VertexId>(boost::target(*it, g_));
      if (w != to && !down_vertices.empty() && down_vertices[static_cast<size_t>(w)]) continue;
      double nd = d + l.spec.latency;
      auto& dw = dist[static_cast<size_t>(w)];
      if (nd < dw || (nd == dw && v < prev[static_cast<size_t>(w)])) {
        dw = nd;
        prev[static_cast<size_t>(w)] = v;
        queue.push({nd, w});
      }
    }
  }
  if (dist[static_cast<size_t>(to)] == std::numeric_limits<double>::infinity()) return {};
  std::vector<VertexId> path;
  for (VertexId x = to; x != -1; x = x == from ? -1 : prev[static_cast<size_t>(x)]) path.push_back(x);
  std::reverse(path.begin(), path.end());
  return path;
}

EdgeId Topology::edge_between(VertexId a, VertexId b) const {
  EdgeId best = -1;
  for (auto [it, end] = boost::out_edges(static_cast<size_t>(a), g_); it != end; ++it) {
    if (static_cast<VertexId>(boost::target(*it, g_)) == b && (best < 0 || g_[*it].id < best)) best = g_[*it].id;
  }
  return best;
}

std::string Topology::describe(VertexId v) const {
  const Site& s = site(v);
  std::string what;
  switch (s.kind) {
    case SiteKind::kFacilityHost: what = fmt::format("{} FEP", kind_label(s.level)); break;
    case SiteKind::kSmallSites:
      what = fmt::format("{} {} ({} sites)", s.label, s.level == models::Level::kVillage ? "village clinics" : "pharmacies without FEP",
                         s.stands_for());
      break;
    case SiteKind::kFepStandby: what = fmt::format("standby FEP of a {}", kind_label(s.level)); break;
    case SiteKind::kCounty: what = fmt::format("county centre {}", s.label); break;
    case SiteKind::kMunicipal: what = fmt::format("municipal centre {}", s.label); break;
    case SiteKind::kCore: what = fmt::format("core of {}", s.label); break;
  }
  return fmt::format("{} ({})", what, s.name);
}

std::string Topology::describe_edge(EdgeId e) const {
  const Link& l = link(e);
  auto [a, b] = ends(e);
  return fmt::format("{} link {} ({} - {})", link_class_name(l.cls), l.name, site(a).name, site(b).name);
}

// ---- Building --------------------------------------------------------------------------------

VertexId TopologyBuilder::add_site(Site s) {
  auto v = static_cast<VertexId>(boost::num_vertices(t_.g_));
  bool fresh = t_.by_name_.emplace(s.name, v).second;
  YB_CHECK(fresh, "two sites with one name");
  ++t_.kind_count_[static_cast<size_t>(s.kind)];
  boost::add_vertex(std::move(s), t_.g_);
  return v;
}

EdgeId TopologyBuilder::add_link(VertexId a, VertexId b, LinkClass cls, LinkSpec spec, std::string name,
                                 bool redundant) {
  YB_CHECK(a >= 0 && a < t_.vertex_count() && b >= 0 && b < t_.vertex_count() && a != b, "bad link ends");
  bool fresh = t_.by_name_links_.insert(name).second;
  YB_CHECK(fresh, "two links with one name");
  Link l;
  l.id = t_.edge_count();
  l.cls = cls;
  l.spec = spec;
  l.name = std::move(name);
  l.redundant = redundant;
  auto [ed, added] = boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), LinkRef{l.id}, t_.g_);
  YB_CHECK(added, "edge not added");
  (void)ed;
  t_.links_.push_back(std::move(l));
  t_.ends_.emplace_back(a, b);
  return t_.links_.back().id;
}

EdgeId TopologyBuilder::add_uplink(VertexId v, VertexId up, LinkClass cls, LinkSpec spec) {
  EdgeId e = add_link(v, up, cls, spec, "up:" + site(v).name, false);
  site(v).up = up;
  site(v).uplink = e;
  return e;
}

Topology TopologyBuilder::finish() && {
  Topology& t = t_;
  uint32_t facilities = 0;
  int32_t regions = 0;
  int32_t counties = 0;
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    const Site& s = t.site(v);
    YB_CHECK(s.region >= 0, "a site without a region");
    regions = std::max(regions, s.region + 1);
    if (s.kind == SiteKind::kCounty) counties = std::max(counties, s.county + 1);
    if (s.stands_for() > 0) facilities = std::max(facilities, s.facility_end);
  }
  t.facility_vertex_.assign(facilities, -1);
  t.counties_.assign(static_cast<size_t>(counties), -1);
  t.municipals_.assign(static_cast<size_t>(regions), -1);
  t.cores_.assign(static_cast<size_t>(regions), -1);
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    const Site& s = t.site(v);
    for (uint32_t j = s.facility_begin; j < s.facility_begin + s.stands_for(); ++j) {
      YB_CHECK(t.facility_vertex_[j] < 0, "a facility on two hosts");
      t.facility_vertex_[j] = v;
    }
    if (s.kind == SiteKind::kFacilityHost && s.standby >= 0) t.standby_of_.emplace(s.facility_begin, s.standby);
    if (s.kind == SiteKind::kCounty) t.counties_[static_cast<size_t>(s.county)] = v;
    if (s.kind == SiteKind::kMunicipal) t.municipals_[static_cast<size_t>(s.region)] = v;
    if (s.kind == SiteKind::kCore) {
      YB_CHECK(t.cores_[static_cast<size_t>(s.region)] < 0, "two cores in one region");
      t.cores_[static_cast<size_t>(s.region)] = v;
    }
  }
  for (VertexId v : t.facility_vertex_) YB_CHECK(v >= 0, "a facility index no site stands for");
  for (VertexId v : t.cores_) YB_CHECK(v >= 0, "a region without a core");
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    auto route = t.route_to_core(v);  // YB_CHECKs a cycle
    const Site& end = t.site(route.back());
    YB_CHECK(end.kind == SiteKind::kCore && end.region == t.site(v).region,
             "a primary route that does not end at its region's core");
  }
  return std::move(t_);
}

Result<Topology> build_topology(const models::Population& pop, const TopologyParams& params) {
  for (int i = 0; i < kLinkClasses; ++i) {
    auto c = static_cast<LinkClass>(i);
    if (c != LinkClass::kExtra) YB_RETURN_IF_ERROR(check_spec(params.links[static_cast<size_t>(i)], link_class_name(c)));
  }

  TopologyBuilder b;
  const auto& spec = [&](LinkClass c) { return params.link(c); };

  for (int32_t r = 0; r < pop.region_count(); ++r) {
    const models::Region& region = pop.regions()[static_cast<size_t>(r)];
    Site core;
    core.kind = SiteKind::kCore;
    core.name = "core:" + region.admdvs;
    core.label = region.name;
    core.region = r;
    VertexId core_v = b.add_site(core);
    Site mun = core;
    mun.kind = SiteKind::kMunicipal;
    mun.name = "municipal:" + region.admdvs;
    VertexId mun_v = b.add_site(mun);
    b.add_uplink(mun_v, core_v, LinkClass::kMunicipalCore, spec(LinkClass::kMunicipalCore));

    for (int32_t c = region.county_begin; c < region.county_end; ++c) {
      const models::County& county = pop.counties()[static_cast<size_t>(c)];
      Site cs;
      cs.kind = SiteKind::kCounty;
      cs.name = "county:" + county.admdvs;
      cs.label = county.name;
      cs.region = r;
      cs.county = c;
      VertexId county_v = b.add_site(cs);
      b.add_uplink(county_v, mun_v, LinkClass::kCountyMunicipal, spec(LinkClass::kCountyMunicipal));

      // Small-sites hosts, created when their first facility comes (at most one per kind).
      VertexId small_village = -1;
      VertexId small_pharmacy = -1;
      for (uint32_t j = county.facility_begin; j < county.facility_end; ++j) {
        models::Level level = pop.facility_kind(j);
        const auto ki = static_cast<size_t>(models::kind_index(level));
        if (pop.has_own_fep(j)) {
          Site fs;
          fs.kind = SiteKind::kFacilityHost;
          std::string code = pop.facility_code(j);
          fs.name = "f:" + code;
          fs.region = r;
          fs.county = c;
          fs.facility_begin = j;
          fs.facility_end = j + 1;
          fs.level = level;
          VertexId fv = b.add_site(fs);
          bool private_line = params.private_line[ki];
          LinkClass cls = private_line ? LinkClass::kPrivateLine : LinkClass::kFepCounty;
          b.add_uplink(fv, private_line ? mun_v : county_v, cls, in_series(spec(LinkClass::kLan), spec(cls)));
          if (params.standby[ki]) {
            Site ss = fs;
            ss.kind = SiteKind::kFepStandby;
            ss.name = "standby:" + code;
            VertexId sv = b.add_site(ss);
            b.add_link(fv, sv, LinkClass::kLan, spec(LinkClass::kLan), "lan:" + code, true);
            // The standby's own line: its host's primary route, but no facility's.
            EdgeId line =
                b.add_link(sv, county_v, LinkClass::kFepCounty, spec(LinkClass::kFepCounty), "up:" + ss.name, true);
            b.site(sv).up = county_v;
            b.site(sv).uplink = line;
            b.site(fv).standby = sv;
          }
          continue;
        }
        // Without an own FEP: a village clinic or a pharmacy on its county's shared host.
        YB_CHECK(level == models::Level::kVillage || level == models::Level::kPharmacy,
                 "a facility without FEP that is neither a village clinic nor a pharmacy");
        VertexId& small = level == models::Level::kVillage ? small_village : small_pharmacy;
        if (small < 0) {
          Site ss;
          ss.kind = SiteKind::kSmallSites;
          ss.name = (level == models::Level::kVillage ? "villages:" : "pharmacies:") + county.admdvs;
          ss.label = county.name;
          ss.region = r;
          ss.county = c;
          ss.facility_begin = j;
          ss.facility_end = j;
          ss.level = level;
          small = b.add_site(ss);
        }
        Site& s = b.site(small);
        YB_CHECK(s.facility_end == j, "the facilities of a small-sites host are not contiguous");
        s.facility_end = j + 1;
      }
      for (VertexId small : {small_village, small_pharmacy}) {
        if (small < 0) continue;
        const Site& s = b.site(small);
        LinkClass cls = s.level == models::Level::kVillage ? LinkClass::kVillage : LinkClass::kPharmacy;
        LinkSpec one = spec(cls);
        b.add_uplink(small, county_v, cls, {one.bandwidth * s.stands_for(), one.latency});
      }
    }
  }

  for (const ExtraLink& x : params.extra_links) {
    auto from = b.find_site(x.from);
    auto to = b.find_site(x.to);
    if (!from) return bad(fmt::format("extra link: unknown site '{}'", x.from));
    if (!to) return bad(fmt::format("extra link: unknown site '{}'", x.to));
    if (*from == *to) return bad(fmt::format("extra link: '{}' to itself", x.from));
    if (b.site(*from).region != b.site(*to).region)
      return bad(fmt::format("extra link: '{}' and '{}' are in different regions", x.from, x.to));
    std::string name = x.name.empty() ? fmt::format("extra:{}-{}", x.from, x.to) : x.name;
    YB_RETURN_IF_ERROR(check_spec(x.spec, name));
    if (b.has_link_name(name)) return bad(fmt::format("extra link: the name '{}' is taken", name));
    b.add_link(*from, *to, LinkClass::kExtra, x.spec, std::move(name), true);
  }
  Topology t = std::move(b).finish();
  YB_CHECK(t.facility_count() == pop.facility_count(), "facility count differs from the population's");
  return t;
}

}  // namespace yibao::sim
