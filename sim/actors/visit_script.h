// The script of a visit (DOMAIN.md §3.3 call sequences, §8.4 times), drawn when it arrives.
// Pure function of (plan, workload parameters, rng); thread-safe.
#pragma once

#include <vector>

#include "models/rng.h"
#include "models/workload.h"
#include "sim/actors/visit.h"

namespace yibao::sim {

std::vector<Step> make_script(const models::VisitPlan& plan, const models::WorkloadModel& workload, models::Rng& rng);

}  // namespace yibao::sim
