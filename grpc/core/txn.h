// Txn: what one business operation sees while it runs on the writer thread.
//
// Every operation of the Settlement service (ops_*.cc) is a function
//   Status op(Txn&, const Request&, Reply*)
// called by the dispatcher (dispatch.h) after the format, sign-in and replay checks, inside the
// request's savepoint. It performs the rest of the order of checks of DOMAIN.md §11.3 (facility →
// department → person → state → sums → rules), computes, writes through `ledger`, and fills the
// reply body (the dispatcher fills the reply header). A refusal is returned as a non-OK Status
// with its reason code: the dispatcher rolls the savepoint back and journals the refusal. A
// storage failure (Code::kInternal) aborts the whole batch.
// Not thread-safe: one Txn per request, on the writer thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "grpc/core/core_state.h"
#include "grpc/core/ledger.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::core {

namespace v1 = ::yibao::settlement::v1;

struct Txn {
  Ledger& ledger;
  CoreState& state;
  CivilTime now;                  // the core's clock at the request's turn
  const v1::RequestHeader& header;
  // Set by operations that create something a 2601 may undo.
  std::string effect_setl_id;
  std::string effect_mdtrt_id;
  // Warnings, flags and self-pay decisions of rules that did not refuse (reply header).
  std::vector<v1::Warning> warnings;
  // In-memory effects to apply only once the batch is durable (e.g. a new sign-in in SignIns).
  std::vector<std::function<void()>> after_commit;
};

}  // namespace yibao::core
