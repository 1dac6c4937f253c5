// Suspensions, holds and decisions (DOMAIN.md §6, §11.10–13): what a money-moving call of a
// suspended facility, department, chain or person meets, the look-ahead warning at pre-settle,
// and the held amounts of a facility under investigation.
//
// A suspension is [start, end) on the core's clock (records.h `Suspension`), checked against the
// request's arrival time (Txn::now). Money-moving calls (§11.11) are 2201/2401 (new visits),
// 2206/2303/2101 (pre-settle) and 2207/2304/2102 (settle); the operations of those codes call the
// checks below, after their own facility / department / person checks (order of §11.3). Reads,
// fee uploads on existing visits, cancels and 2601 are never refused by a suspension.
//   facility / chain  mode refuse    → E_FAC_SUSPENDED (a pharmacy's refusal without an end
//                                      becomes E_FAC_TERMINATED from start + 180 days, §11.10)
//                     mode terminate → E_FAC_TERMINATED
//                     mode hold      → settles; what is owed to the facility is held (§11.12)
//   department        mode refuse    → E_DEPT_SUSPENDED (the visit's current department: for a
//                                      stay the discharge department once discharged)
//   person            mode refuse    → E_PSN_SUSPENDED; 1101 shows psn_setl_suspended = 1
// Overlapping records each apply; the strongest wins (terminate, then refuse, then hold).
//
// Storage: the ledger (put_suspension, put_held, put_decision), read on the writer at each
// money-moving call: no in-memory copy, so a Suspend committed earlier in the same batch counts.
// Writer thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grpc/core/txn.h"
#include "models/entities.h"

namespace yibao::core {

// Wire names: "facility", "department", "chain", "person"; "refuse", "terminate", "hold";
// "held", "released", "withheld", "cancelled"; "cleared", "withheld".
std::string_view suspension_scope_name(SuspensionScope s);
std::optional<SuspensionScope> parse_suspension_scope(std::string_view name);
std::string_view suspension_mode_name(SuspensionMode m);
std::optional<SuspensionMode> parse_suspension_mode(std::string_view name);
std::string_view hold_state_name(HoldState s);
std::string_view decision_outcome_name(DecisionOutcome o);
std::optional<DecisionOutcome> parse_decision_outcome(std::string_view name);

// "SCHEDULED" (now < start), "IN_FORCE" (start ≤ now < end), "ENDED".
std::string_view suspension_state(const Suspension& s, CivilTime now);

// DOMAIN.md §11.10 defaults.
inline constexpr int64_t kLookAheadSeconds = 24 * 3600;                 // pre-settle warning
inline constexpr int64_t kPharmacySuspensionLimitSeconds = 180 * 86400;  // then terminated

// The facility's suspensions (facility, chain, then department `dept_code` if not empty) at
// t.now. Refusal, or OK; `*hold_id` (if given) gets the hold-mode suspension in force, if any.
// At a pre-settle (`pre_settle`), a suspension of these subjects starting within the look-ahead
// adds a warning (rule_id = the code it will refuse with, or "HOLD"; action "WARN").
Status check_facility_suspensions(Txn& t, const models::Facility& f, std::string_view dept_code, bool pre_settle,
                                  std::string* hold_id);
// The person's suspension at t.now: E_PSN_SUSPENDED, or OK (with the look-ahead warning at a
// pre-settle).
Status check_person_suspension(Txn& t, std::string_view psn_no, bool pre_settle);
// True while a person suspension is in force (1101's psn_setl_suspended).
bool person_suspended(Txn& t, std::string_view psn_no);

// Records what settlement `setl_id` owes facility `code` (fund + personal accounts) as held
// under suspension `hold_id`, and adds a FLAG warning to the reply.
Status hold_settlement(Txn& t, const std::string& hold_id, const std::string& code, const std::string& setl_id,
                       Fen owed);
// A settlement still held is cancelled or reversed: nothing is owed any more (CANCELLED).
Status unhold_undone(Txn& t, const std::string& setl_id);
// A 2601 re-applies cancelled settlement `orig` as `again`: its held amount is held again.
Status rehold_reapplied(Txn& t, const std::string& orig, const std::string& again);

}  // namespace yibao::core
