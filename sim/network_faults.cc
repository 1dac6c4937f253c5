#include "sim/network_faults.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/rng.h"
#include "sim/metrics.h"
#include "sim/time_text.h"

namespace yibao::sim {

namespace {

using nlohmann::json;

json seconds_json(const CivilTime& start, double s) {
  if (!std::isfinite(s)) return nullptr;
  return format_iso(start.plus_seconds(static_cast<int64_t>(std::llround(s))));
}

}  // namespace

const PathCut* PathCuts::at(VertexId v, double now) const {
  auto it = by_vertex_.find(v);
  if (it == by_vertex_.end()) return nullptr;
  const PathCut* best = nullptr;
  for (const PathCut& c : it->second)
    if (c.at_s <= now && now < c.restore_s && (best == nullptr || c.restore_s > best->restore_s)) best = &c;
  return best;
}

double PathCuts::last_restore_s() const { return last_restore_s_; }

json PathCuts::report() const {
  json out = json::array();
  for (const json& f : faults_) out.push_back(f);
  return out;
}

std::vector<std::string> PathCuts::notes() const {
  std::vector<std::string> out;
  for (const json& f : faults_) {
    std::string restored = f["restored"].is_null() ? "not back in the run" : "back " + f["restored"].get<std::string>();
    out.push_back(fmt::format("{} fault of line {} ({}): cut {}, known {}, {}; {} site(s), {} facilities behind it{}.",
                              f["kind"].get<std::string>(), f["line"].get<int>(), f["target"].get<std::string>(),
                              f["at"].get<std::string>(), f["detected"].get<std::string>(), restored,
                              f["sites"].get<uint64_t>(), f["facilities"].get<uint64_t>(),
                              f["picked"].get<std::string>().empty() ? "" : "; " + f["picked"].get<std::string>()));
  }
  return out;
}

Result<PathCuts> resolve_cuts(const std::vector<NetworkFaultSpec>& specs, const Topology& topo,
                              const models::Population& population, const std::vector<SiteSpec>& sites,
                              CivilTime start, uint64_t seed, const std::string& file) {
  PathCuts out;
  for (size_t i = 0; i < specs.size(); ++i) {
    const NetworkFaultSpec& s = specs[i];
    auto bad = [&](const std::string& why) {
      return Status(Code::kInvalidArgument, "", fmt::format("{}:{}: {}", file, s.line, why));
    };
    std::string picked;
    // The facility a fep or line fault names or picks (its own host), or none.
    std::optional<uint32_t> facility;
    if (!s.facility_type.empty()) {
      std::vector<uint32_t> of_type;
      for (const SiteSpec& site : sites)
        if (topo.site(site.vertex).kind == SiteKind::kFacilityHost)
          for (uint32_t j : site.facilities)
            if (facility_type_name(population.facility_kind(j)) == s.facility_type) of_type.push_back(j);
      if (of_type.empty()) return bad("no simulated facility of type " + s.facility_type + " has an FEP of its own");
      models::Rng rng(seed, models::stream_id("cut"), i);
      facility = of_type[rng.below(of_type.size())];
      picked = fmt::format("{} {} drawn from {} simulated", s.facility_type, population.facility_code(*facility),
                           of_type.size());
    } else if (s.kind == "fep" || (s.kind == "line" && !topo.find_site(s.target))) {
      facility = population.find_facility(s.target);
      if (!facility)
        return bad(s.kind == "fep" ? "facility " + s.target + " is not in the population"
                                   : s.target + " is neither a facility nor a site of the topology");
    }
    // What is cut: a vertex (fep, host) or an edge (line, link).
    VertexId down_vertex = -1;
    EdgeId down_edge = -1;
    double restore = s.until ? static_cast<double>(s.until->s - start.s) : std::numeric_limits<double>::infinity();
    const double at = static_cast<double>(s.at.s - start.s);
    bool standby = false;
    if (facility) {
      const VertexId v = topo.facility_vertex(*facility);
      if (topo.site(v).kind != SiteKind::kFacilityHost)
        return bad(fmt::format("facility {} has no FEP or line of its own (it shares the host {})",
                               population.facility_code(*facility), topo.site(v).name));
      if (s.kind == "fep") {
        down_vertex = v;
        standby = topo.standby_vertex(*facility) >= 0;
        restore = standby ? at + s.detect_s + s.switch_s
                          : s.repair_s ? at + *s.repair_s : std::numeric_limits<double>::infinity();
      } else {
        down_edge = topo.site(v).uplink;
      }
    } else if (s.kind == "line" || s.kind == "host") {
      const std::optional<VertexId> v = topo.find_site(s.target);
      if (!v) return bad(s.target + " is not a site of the topology");
      if (s.kind == "host") down_vertex = *v;
      else if ((down_edge = topo.site(*v).uplink) < 0) return bad(s.target + " has no line up (it is a core)");
    } else {  // link
      for (EdgeId e = 0; e < topo.edge_count() && down_edge < 0; ++e)
        if (topo.link(e).name == s.target) down_edge = e;
      if (down_edge < 0) return bad(s.target + " is not a link of the topology");
    }
    PathCut cut;
    cut.at_s = at;
    cut.detected_s = std::min(at + s.detect_s, restore);
    cut.restore_s = restore;
    cut.patience_s = s.patience_s;
    cut.fault = i;
    uint64_t n_sites = 0, n_facilities = 0;
    json by_type = json::object();
    for (const SiteSpec& site : sites) {
      bool behind = false;
      if (down_vertex >= 0) {
        for (VertexId u : topo.route_to_core(site.vertex)) behind = behind || u == down_vertex;
      } else {
        for (EdgeId e : topo.route_edges_to_core(site.vertex)) behind = behind || e == down_edge;
      }
      if (!behind) continue;
      out.by_vertex_[site.vertex].push_back(cut);
      ++n_sites;
      n_facilities += site.facilities.size();
      for (uint32_t j : site.facilities) {
        json& n = by_type[std::string(facility_type_name(population.facility_kind(j)))];
        n = n.is_null() ? 1 : n.get<uint64_t>() + 1;
      }
    }
    if (n_sites == 0) return bad("no simulated site is behind " + s.kind + " " + (s.target.empty() ? picked : s.target));
    out.last_restore_s_ = std::max(out.last_restore_s_, restore);
    std::string target = facility ? population.facility_code(*facility)
                                  : down_edge >= 0 ? topo.link(down_edge).name : topo.site(down_vertex).name;
    json f{{"kind", s.kind},
           {"target", target},
           {"line", s.line},
           {"at", seconds_json(start, at)},
           {"detected", seconds_json(start, cut.detected_s)},
           {"restored", seconds_json(start, restore)},
           {"patience_s", s.patience_s},
           {"sites", n_sites},
           {"facilities", n_facilities},
           {"by_facility_type", by_type},
           {"picked", picked}};
    if (s.kind == "fep") f["standby"] = standby;
    out.faults_.push_back(std::move(f));
  }
  return out;
}

}  // namespace yibao::sim
