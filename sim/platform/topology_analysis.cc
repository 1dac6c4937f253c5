#include "sim/platform/topology_analysis.h"

#include <boost/graph/biconnected_components.hpp>
#include <boost/property_map/property_map.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "models/check.h"

namespace yibao::sim {
namespace {

// Searches from a core with one vertex or edge taken out; reuses its marks between searches so
// that a search costs the size of one region, not of the whole graph.
class Searcher {
 public:
  explicit Searcher(const Topology& t) : t_(t), mark_(static_cast<size_t>(t.vertex_count()), 0) {
    region_vertices_.resize(static_cast<size_t>(t.region_count()));
    for (VertexId v = 0; v < t.vertex_count(); ++v) region_vertices_[static_cast<size_t>(t.site(v).region)].push_back(v);
  }

  // Marks the vertices reached from `from` without crossing vertex `skip` or edge `skip_edge`
  // (-1 = none); reached(v) tells afterwards.
  void search(VertexId from, VertexId skip, EdgeId skip_edge) {
    const auto& g = t_.graph();
    ++stamp_;
    stack_.assign(1, from);
    mark_[static_cast<size_t>(from)] = stamp_;
    while (!stack_.empty()) {
      VertexId v = stack_.back();
      stack_.pop_back();
      for (auto [it, end] = boost::out_edges(static_cast<size_t>(v), g); it != end; ++it) {
        if (g[*it].id == skip_edge) continue;
        auto w = static_cast<VertexId>(boost::target(*it, g));
        if (w == skip || mark_[static_cast<size_t>(w)] == stamp_) continue;
        mark_[static_cast<size_t>(w)] = stamp_;
        stack_.push_back(w);
      }
    }
  }
  const std::vector<VertexId>& region(int32_t r) const { return region_vertices_[static_cast<size_t>(r)]; }
  bool reached(VertexId v) const { return mark_[static_cast<size_t>(v)] == stamp_; }
  // Facilities of region `r` standing on a vertex the last search did not reach.
  uint32_t cut_off(int32_t r) const {
    uint32_t n = 0;
    for (VertexId v : region_vertices_[static_cast<size_t>(r)]) n += reached(v) ? 0 : t_.site(v).stands_for();
    return n;
  }

 private:
  const Topology& t_;
  std::vector<uint32_t> mark_;
  uint32_t stamp_ = 0;
  std::vector<VertexId> stack_;
  std::vector<std::vector<VertexId>> region_vertices_;
};

void sort_worst_first(std::vector<SinglePoint>& v) {
  std::sort(v.begin(), v.end(), [](const SinglePoint& a, const SinglePoint& b) {
    if (a.facilities_cut != b.facilities_cut) return a.facilities_cut > b.facilities_cut;
    return a.vertex != b.vertex ? a.vertex < b.vertex : a.edge < b.edge;
  });
}

// "1,234"
std::string grouped(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The lines of one sort: the first `max_rows` in full, the rest summed by facilities cut.
void list_points(const std::vector<SinglePoint>& points, const char* noun, int max_rows,
                 std::vector<std::string>& out) {
  size_t shown = std::min(points.size(), static_cast<size_t>(std::max(max_rows, 0)));
  for (size_t i = 0; i < shown; ++i) {
    const SinglePoint& p = points[i];
    out.push_back(fmt::format("{}: {} — cuts {} facilit{} off the core", noun, p.what, grouped(p.facilities_cut),
                              p.facilities_cut == 1 ? "y" : "ies"));
  }
  if (shown == points.size()) return;
  // The rest on one line (sorted worst first, so the first left is the largest cut).
  const uint32_t most = points[shown].facilities_cut;
  const uint32_t least = points.back().facilities_cut;
  const std::string each = most == least ? grouped(most) : grouped(least) + " to " + grouped(most);
  out.push_back(fmt::format("… and {} more {}s cutting off {} facilit{} each", grouped(points.size() - shown), noun,
                            each, most == 1 ? "y" : "ies"));
}

}  // namespace

TopologyReport analyse(const Topology& t) {
  TopologyReport r;
  const auto& g = t.graph();
  r.sites = t.vertex_count();
  r.links = t.edge_count();
  for (EdgeId e = 0; e < t.edge_count(); ++e) r.redundant_links += t.link(e).redundant ? 1 : 0;
  for (int k = 0; k < kSiteKinds; ++k) r.sites_by_kind[static_cast<size_t>(k)] = t.count(static_cast<SiteKind>(k));
  r.facilities = t.facility_count();
  for (uint32_t j = 0; j < t.facility_count(); ++j) r.facilities_with_standby += t.standby_vertex(j) >= 0 ? 1 : 0;

  // Reachability: one search per core (regions are separate components).
  Searcher searcher(t);
  std::vector<bool> reached(static_cast<size_t>(t.vertex_count()), false);
  for (int32_t reg = 0; reg < t.region_count(); ++reg) {
    searcher.search(t.core_vertex(reg), -1, -1);
    for (VertexId v : searcher.region(reg)) reached[static_cast<size_t>(v)] = searcher.reached(v);
  }
  for (uint32_t j = 0; j < t.facility_count(); ++j) {
    if (!reached[static_cast<size_t>(t.facility_vertex(j))]) r.unreachable_facilities.push_back(j);
  }

  // Biconnected components: articulation points, and bridges = components of a single edge.
  std::vector<size_t> component(static_cast<size_t>(t.edge_count()), 0);
  auto component_map = boost::make_iterator_property_map(component.begin(), boost::get(&LinkRef::id, g));
  std::vector<size_t> cut_vertices;
  auto [count, out] = boost::biconnected_components(g, component_map, std::back_inserter(cut_vertices));
  (void)out;
  r.biconnected_components = static_cast<int32_t>(count);

  // Facilities at or below each vertex on the primary routes (a bridge lies on every spanning
  // tree, so what a bridge cuts off is the subtree under it). Depth is at most a few hops.
  std::vector<uint32_t> below(static_cast<size_t>(t.vertex_count()), 0);
  std::vector<std::pair<size_t, VertexId>> by_depth;
  for (VertexId v = 0; v < t.vertex_count(); ++v) by_depth.emplace_back(t.route_to_core(v).size(), v);
  std::sort(by_depth.begin(), by_depth.end(), std::greater<>());
  for (auto [depth, v] : by_depth) {
    (void)depth;
    below[static_cast<size_t>(v)] += t.site(v).stands_for();
    if (t.site(v).up >= 0) below[static_cast<size_t>(t.site(v).up)] += below[static_cast<size_t>(v)];
  }

  for (size_t v : cut_vertices) {
    auto vid = static_cast<VertexId>(v);
    const Site& s = t.site(vid);
    SinglePoint p;
    p.vertex = vid;
    p.what = t.describe(vid);
    if (s.kind == SiteKind::kCore) {
      p.facilities_cut = below[v];  // every facility of the region
    } else {
      searcher.search(t.core_of(vid), vid, -1);
      p.facilities_cut = searcher.cut_off(s.region);
    }
    r.articulation_points.push_back(std::move(p));
  }

  std::vector<int32_t> edges_in(static_cast<size_t>(count), 0);
  for (size_t c : component) ++edges_in[c];
  for (EdgeId e = 0; e < t.edge_count(); ++e) {
    if (edges_in[component[static_cast<size_t>(e)]] != 1) continue;
    SinglePoint p;
    p.edge = e;
    p.what = t.describe_edge(e);
    auto [a, b] = t.ends(e);
    if (t.site(a).uplink == e) {
      p.facilities_cut = below[static_cast<size_t>(a)];
    } else if (t.site(b).uplink == e) {
      p.facilities_cut = below[static_cast<size_t>(b)];
    } else {
      // Not on the primary routes (cannot happen while they span the graph): search.
      searcher.search(t.core_of(a), -1, e);
      p.facilities_cut = searcher.cut_off(t.site(a).region);
    }
    r.bridges.push_back(std::move(p));
  }
  sort_worst_first(r.articulation_points);
  sort_worst_first(r.bridges);
  return r;
}

std::vector<std::string> single_points_of_failure(const TopologyReport& r, int max_rows) {
  std::vector<std::string> lines;
  list_points(r.articulation_points, "articulation point", max_rows, lines);
  list_points(r.bridges, "bridge", max_rows, lines);
  return lines;
}

std::string format_report(const TopologyReport& r, int max_rows) {
  std::string s = fmt::format("Topology: {} sites (", grouped(static_cast<uint64_t>(r.sites)));
  for (int k = 0; k < kSiteKinds; ++k) {
    s += fmt::format("{}{} {}", k ? ", " : "", grouped(static_cast<uint64_t>(r.sites_by_kind[static_cast<size_t>(k)])),
                     site_kind_name(static_cast<SiteKind>(k)));
  }
  s += fmt::format("), {} links ({} redundant)\n", grouped(static_cast<uint64_t>(r.links)),
                   grouped(static_cast<uint64_t>(r.redundant_links)));
  s += fmt::format("Facilities: {}, with a standby FEP: {}, unreachable from their core: {}\n", grouped(r.facilities),
                   grouped(r.facilities_with_standby), grouped(r.unreachable_facilities.size()));
  for (size_t i = 0; i < std::min<size_t>(r.unreachable_facilities.size(), 10); ++i) {
    s += fmt::format("  unreachable facility #{}\n", r.unreachable_facilities[i]);
  }
  s += fmt::format("Single points of failure: {} articulation points, {} bridges ({} biconnected components)\n",
                   grouped(r.articulation_points.size()), grouped(r.bridges.size()),
                   grouped(static_cast<uint64_t>(r.biconnected_components)));
  for (const std::string& line : single_points_of_failure(r, max_rows)) s += "  " + line + "\n";
  return s;
}

}  // namespace yibao::sim
