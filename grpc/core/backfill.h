// Back-fill (DOMAIN.md §7.3, §11.13, §11.17–19): the checks a back-filled request meets besides
// those of a real-time one, in one place for 2201/2401/2101/2102 (ops_visit.cc, ops_settle.cc),
// their settlements 2207/2304 (ops_settle.cc) and Admin.ManualReimburse (manual_reimburse.cc).
//
//   care time      not after the core's clock (E_BAD_REQUEST) and not older than
//                  --backfill-max-age-days before it (default 183, "6 months"; E_STATE);
//   suspensions    also checked at the care time (the arrival-time check of suspensions.h still
//                  runs): a refusing suspension (mode refuse or terminate) of the facility, its
//                  chain, the department or the person whose [start, end) holds the care time
//                  refuses with its code (E_FAC_SUSPENDED, E_FAC_TERMINATED, E_DEPT_SUSPENDED,
//                  E_PSN_SUSPENDED) unless the request names a CLEARED decision record on that
//                  suspension (`cleared_decision_id`); hold mode never refuses;
//   the decision   named at registration / admission is remembered with the visit (ledger meta
//                  "backfill_decision/<mdtrt_id>") so that its settlement meets the same check.
// Pricing needs nothing here: pricing.h already prices at the care time with the care year's
// accumulators as they stand. Writer thread only.
#pragma once

#include <string>
#include <string_view>

#include "grpc/core/txn.h"
#include "models/entities.h"

namespace yibao::core {

// backfill_flag must be 0 or 1 (E_BAD_REQUEST).
Status check_backfill_flag(int32_t flag);

// The care time of a back-fill against the core's clock (see above). `field` names it.
Status check_backfill_care_time(Txn& t, CivilTime care, const char* field);

// A named decision (may be empty): exists (E_UNKNOWN_REF) and is CLEARED (E_STATE).
Status check_cleared_decision(Txn& t, std::string_view decision_id);

// Refusing suspensions of facility `f` (and its chain), department `dept_code` (if not empty) and
// person `psn_no` in force at `care`, except the one `decision_id` (a cleared decision) names.
Status check_suspensions_at_care_time(Txn& t, const models::Facility& f, std::string_view dept_code,
                                      std::string_view psn_no, CivilTime care, std::string_view decision_id);

// The decision a back-filled visit named at registration / admission.
Status remember_decision(Txn& t, const std::string& mdtrt_id, const std::string& decision_id);
std::string remembered_decision(Txn& t, const std::string& mdtrt_id);

// At a (pre-)settlement of back-filled visit `v` priced at `care`: the care time and the
// suspensions at it, with the decision remembered for the visit.
Status check_backfilled_settlement(Txn& t, const Visit& v, const models::Facility& f, std::string_view dept_code,
                                   CivilTime care);

}  // namespace yibao::core
