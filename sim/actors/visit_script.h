// The script of a visit (DOMAIN.md §3.3 call sequences, §8.4 times), drawn when it arrives.
// Pure function of (plan, workload parameters, rng); thread-safe.
#pragma once

#include <limits>
#include <vector>

#include "models/rng.h"
#include "models/workload.h"
#include "sim/actors/visit.h"

namespace yibao::sim {

// `storm_failure` >= 0: a card-reader storm's share of failed reads replaces the baseline; a read
// failing then reads a bad card (*bad_card set): a first 1101 the core refuses, the ID card read
// (id_card_s), 1101 again. The draws are the same as without a storm.
std::vector<Step> make_script(const models::VisitPlan& plan, const models::WorkloadModel& workload, models::Rng& rng,
                              double storm_failure = -1, bool* bad_card = nullptr);

// The back-fill of an offline visit (DOMAIN.md §7.3) at a counter window: registration, visit
// information, fees, pre-settle and settle of an outpatient visit or refill, or the sale's
// pre-settle and settle; the calls carry backfill_flag = 1 and the care time (requests.h).
// `cancel_open_registration`: the visit had registered before it went offline; its registration
// is cancelled first (2202, best effort), so the core keeps one visit of the care.
std::vector<Step> make_backfill_script(models::VisitKind kind, bool cancel_open_registration = false);

// A stay already in progress at simulated second 0 (models::WorkloadModel::in_house_at), begun
// `elapsed_s` before it. Nothing is sent until the stay's first call inside the run (its next
// fee upload, else its discharge) or `warm_by_s`, whichever comes first: then first its warm-up
// — the admission (2401, back-dated to the plan's arrival) and one catch-up upload (2301) per
// group of the fee plans due before second 0 — and the rest of the stay as make_script's. So the
// warm-up spreads over the wards' upload and discharge hours instead of loading the core all at
// once at the start; `warm_by_s` brings it before the first suspension of a drill (a stay begun
// days ago is not a new admission the suspension refuses).
// `plans` receives the fee plans in the order the uploads send them: the past ones merged into
// groups of ≤ kMaxCatchUpLines lines (whole plans), then the future ones. `warm_steps` receives
// the number of leading steps up to the end of the warm-up.
inline constexpr size_t kMaxCatchUpLines = 300;  // the core's bound on lines per upload
std::vector<Step> make_in_house_script(const models::VisitPlan& plan, double elapsed_s,
                                       const models::WorkloadModel& workload,
                                       std::vector<models::FeePlanModel>* plans, size_t* warm_steps,
                                       double warm_by_s = std::numeric_limits<double>::infinity());

}  // namespace yibao::sim
