// Cut paths between sites and the core (scenario `faults` entries with `fep`, `line`, `link` or
// `host`; NetworkFaultSpec in scenario.h, DOMAIN.md §2.2 and §7.2), resolved against the topology:
// which site actors lose their path, from when, when their staff know it, when it is back.
//
// The cut is applied at the facility side, by the site actors (sim/actors/site_contingency.cc),
// not by turning SimGrid links off: before detection a call posted on a cut path is lost (its
// deadline expires and the retries and the 2601 of DOMAIN.md §3.4 follow, as for a dead line that
// still looks up); after detection the FEP software shows the line down and no call is sent. A
// site's path is its primary route (Topology::route_to_core); a site is behind a cut link when
// its route uses it, behind a cut host when its route passes through it. An FEP switched to its
// standby keeps its SimGrid route (the standby's LAN hop and leased line differ by < 1 ms).
//
// Picks: `{type: T}` draws one of the SIMULATED facilities of type T with an FEP of its own, from
// the run's seed (stream "cut", the fault's index), so a seed gives the same drill.
//
// Thread safety: immutable after resolve_cuts; const methods are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/population.h"
#include "models/status.h"
#include "sim/actors/site.h"
#include "sim/platform/topology.h"
#include "sim/scenario.h"

namespace yibao::sim {

// One fault as it holds one site's path, in simulated seconds from the run's start.
struct PathCut {
  double at_s = 0;
  double detected_s = 0;  // from here the staff know: no call is sent
  double restore_s = std::numeric_limits<double>::infinity();  // the path is back (∞: not in the run)
  double patience_s = 0;  // a patient at the counter waits this long for the path, then pays offline
  size_t fault = 0;       // index in Scenario::cuts
};

class PathCuts {
 public:
  // The cut holding the path of site vertex `v` at simulated time `now` (at_s <= now < restore_s),
  // the one restored last when several overlap; null when the path is up.
  const PathCut* at(VertexId v, double now) const;
  bool empty() const { return faults_.empty(); }
  // The latest restore_s of all cuts (∞ when one is not restored in the run; -1 when none).
  double last_restore_s() const;
  // One object per fault: {kind, target, line, at, detected, restored (null: not in the run),
  // standby (fep), sites, facilities, by_facility_type {type: facilities}, picked}.
  nlohmann::json report() const;
  // "fep 450101H0001 (level3) at 09:30:00 ..." lines for the report's notes.
  std::vector<std::string> notes() const;

 private:
  friend Result<PathCuts> resolve_cuts(const std::vector<NetworkFaultSpec>&, const Topology&, const models::Population&,
                                       const std::vector<SiteSpec>&, CivilTime, uint64_t, const std::string&);
  std::unordered_map<VertexId, std::vector<PathCut>> by_vertex_;
  std::vector<nlohmann::json> faults_;
  double last_restore_s_ = -1;
};

// The cuts of `specs` over the site actors `sites` (their vertices and facilities). INVALID_ARGUMENT
// "file:line: ..." for an unknown facility, site or link, an FEP on a shared host, a `{type: T}`
// with no simulated facility of its own FEP, or a cut no simulated site is behind.
Result<PathCuts> resolve_cuts(const std::vector<NetworkFaultSpec>& specs, const Topology& topo,
                              const models::Population& population, const std::vector<SiteSpec>& sites,
                              CivilTime start, uint64_t seed, const std::string& file);

}  // namespace yibao::sim
