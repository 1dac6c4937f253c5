// Ledger audit for the tests and, later, the drill verdict (DOMAIN.md §7.4):
//   D7 — every stored accumulator equals its opening value plus the deltas of the settlements
//        and cancellations recorded for that (person, scheme, care year) (I8 over the journal).
// (D1/D2 are checked over the wire by tests/e2e/crash_test.cc.) Reads the ledger only; writer
// thread, or a ledger no server is using.
#pragma once

#include <string>
#include <vector>

#include "grpc/core/core_state.h"
#include "grpc/core/ledger.h"

namespace yibao::core {

// One line per (person, scheme, year) whose stored accumulators differ from the recomputed ones.
std::vector<std::string> accumulator_mismatches(Ledger& l, const CoreState& state);

// Opening accumulators an Admin upsert gave a person (creation only), kept so D7 can start from
// them: stored under a meta key per (person, scheme, year).
Status put_opening_accumulators(Ledger& l, const std::string& psn_no, models::Insutype t, int32_t year,
                                const models::Accumulators& a);

}  // namespace yibao::core
