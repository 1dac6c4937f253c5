// SiteActor: one SimGrid actor per site host (a front-end processor with the counters behind it,
// or the shared host of a county's small sites), DESIGN.md §5 "The life of a visit". It owns:
//   - the patient sources of its facilities (non-homogeneous Poisson arrivals per facility and
//     visit kind, from models/workload), as timers on its EventQueue;
//   - each facility's counter windows (a Station: card read and operator time happen at the
//     window, and the cashier waits for the core's answers there);
//   - every visit in progress, as a small state machine running its script of calls
//     (DOMAIN.md §3.3: outpatient 1101 → 2201 → 2203 → 2204 → 2206 → 2207; pharmacy 1101 → 2101
//     → 2102; inpatient 1101 → 2401 → 2301 × N → 2402 → 2303 → 2304);
//   - the facility's sign-in (9001 before the first call, again after midnight and on E_SIGNIN);
//   - client deadlines, retries with the same msgid, and 2601 when a money-moving call's
//     outcome stays unknown (DOMAIN.md §3.4, §8.4).
// Calls leave as CoreRequest* on the core gateway's inbox (so the network is simulated) and
// answers come back on the site's own mailbox. No actor per visit, patient or counter.
//
// Determinism: every draw comes from a stream of models/rng.h keyed by (facility, purpose,
// sequence); events at equal times run in insertion order.
// Thread safety: engine thread only; the SiteContext is shared read-only by all sites (but for
// the sites_running count).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.h"
#include "models/population.h"
#include "models/workload.h"
#include "sim/metrics.h"

namespace simgrid::s4u {
class Host;
class Mailbox;
}  // namespace simgrid::s4u

namespace yibao::sim {

class PathCuts;  // sim/network_faults.h
class Agency;    // sim/actors/agency.h

// Stays in progress are converted to self-pay this long before an announced card_settlement
// window (DOMAIN.md §7.1: "converted to self-pay" before the cut-off); the warm wards are warmed
// up before it (SiteContext::warm_by_s).
inline constexpr double kConvertAheadS = 1800;

// What every site reads: shared, immutable during the run (Metrics aside).
// A card_settlement window in simulated seconds (scenario `switchover`).
struct CardWindow {
  double from_s = 0;
  double to_s = 0;
  bool announced = true;  // the facilities know it: they do not call for what it refuses
};

// A card-reader storm (scenario `faults` card_reader, CardStormSpec) in simulated seconds: reads
// at the counters of facilities of `kind` (all when unset) fail at `failure` instead of the
// baseline (make_script).
struct CardStorm {
  double from_s = 0;
  double to_s = std::numeric_limits<double>::infinity();
  double failure = 0.1;
  std::optional<models::Level> kind;
};

struct SiteContext {
  const models::Population* population = nullptr;
  const models::WorkloadModel* workload = nullptr;
  const models::FeePlanner* fees = nullptr;
  Metrics* metrics = nullptr;
  CivilTime civil_start;      // civil time of simulated second 0
  double end_s = 3600;        // no visit arrives at or after this simulated time
  double drain_s = 120;       // the site keeps answering calls this long after end_s
  uint64_t seed = 1;
  uint64_t max_visits_per_site = 0;  // 0 = unbounded
  bool live = false;          // msgid time field = wall clock at send (else simulated civil time)
  // Client behaviour (DOMAIN.md §8.4).
  double settle_deadline_s = 30;
  double query_deadline_s = 10;
  int retries = 2;
  // Visit kinds generated.
  bool outpatient = true;
  bool pharmacy = true;
  bool inpatient = true;
  bool in_house_at_start = false;  // the wards' stays in progress at second 0 (WorkloadSpec)
  // Their warm-up happens by this simulated second at the latest (spread over the minute before;
  // make_in_house_script): a drill's first suspension, so it does not refuse their admissions.
  double warm_by_s = std::numeric_limits<double>::infinity();
  // Switchover (DOMAIN.md §7): card_settlement windows; what a refused outpatient visit or sale
  // does (offline, then back-fill at most backfill_rate_per_hour per facility from the window's
  // end; a share backfill_abandoned never back-filled).
  std::vector<CardWindow> card_windows;
  double backfill_rate_per_hour = 30;  // per facility and hour (by kind: backfill_rate_by_kind)
  // Per facility kind (models::kind_index); 0 = backfill_rate_per_hour.
  std::array<double, models::kFacilityKinds> backfill_rate_by_kind{};
  double backfill_open_s = 0, backfill_close_s = 86400;  // civil seconds of the day the counters back-fill
  double backfill_abandoned = 0;
  double backfill_manual = 0;  // claimed by manual reimbursement at the agency instead
  // The handling agency of a live run (manual claims, the staleness figure), or null: without
  // it a manual claim stays pending at the horizon. Engine thread only, as the sites.
  Agency* agency = nullptr;
  // Cut paths to the core (scenario fep, line, link, host faults), or null: what a cut site does
  // is site_contingency.cc's; the back-fill after it is the switchover's.
  const PathCuts* cuts = nullptr;
  std::vector<CardStorm> card_storms;
  // Sites still running (start_site counts one up, its end one down), or null: a live run ends
  // once they have all ended and nothing is in flight, instead of pacing through the drain.
  std::atomic<int>* sites_running = nullptr;
};

struct SiteSpec {
  std::string name;                 // host name, for logs
  simgrid::s4u::Host* host = nullptr;
  int32_t vertex = -1;              // topology vertex of the host
  std::vector<uint32_t> facilities; // population indices served from this host
  simgrid::s4u::Mailbox* core_inbox = nullptr;  // the core of the site's pooling region
};

// Creates the site's actor on spec.host. `ctx` must outlive the simulation.
void start_site(const SiteContext* ctx, SiteSpec spec);

}  // namespace yibao::sim
