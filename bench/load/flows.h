// The visit scripts of yibao-load (DOMAIN.md §3.3), as chains of async calls on a ClientPool:
//   - echo:        Admin.Echo;
//   - settle:      2207 on a visit prepared beforehand (declared split from its 2206);
//   - outpatient:  1101 → 2201 → 2203 → 2204 → 2206 → 2207 (declared split from the 2206 reply);
//   - prepare:     2201 → 2203 → 2204 → 2206 (untimed preparation of the settle mix);
//   - sale:        1101 → 2101 → 2102 at a pharmacy.
// Each call is recorded under its code with latency from its intended start (the first call of
// a unit: the schedule's time; later calls: when the previous one completed). A unit (visit,
// sale) is recorded whole as well, from its intended start to its last reply. Every call carries
// a fresh msgid; retries (the pool's RetryPolicy) resend it unchanged. Acknowledged settlements
// (2207, 2102) go to the AckLog. 2204's medfee_sumamt is the sum of the lines the core accepted.
//
// Threading: start_* return at once; the next call of a chain is started from the previous
// one's completion callback (a non-blocking ClientPool::call), and `done` runs on a gRPC thread
// exactly once per unit — it must not block. FlowContext, the facility and the recorders must
// outlive every unit started (the driver drains before it destroys them).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "bench/load/ack_log.h"
#include "bench/load/recorder.h"
#include "bench/load/roster.h"
#include "grpc/client/client_pool.h"

namespace yibao::load {

using client::Clock;

struct FlowContext {
  client::ClientPool* pool = nullptr;
  Recorder* rec = nullptr;
  AckLog* acks = nullptr;  // may be disabled
  std::string opter = "load01";
  std::chrono::milliseconds deadline{10000};
  std::chrono::milliseconds settle_deadline{30000};
  client::RetryPolicy retry;

  // Options of one call; `intended` = epoch means "now".
  client::CallOptions options(Clock::time_point intended, bool settle) const;
};

// An outpatient visit registered, described, with fees, pre-settled: ready for 2207.
struct PreparedVisit {
  LoadFacility* facility = nullptr;
  std::string psn_no;
  std::string insuplc_admdvs;
  std::string insutype;
  std::string mdtrt_id;
  int64_t medfee_sumamt = 0;
  int64_t fund_pay_sumamt = 0;
  int64_t acct_pay = 0;
  int64_t psn_cash_pay = 0;
};

// Unit outcome: empty = OK, else "<code>:<reason>" of the call that failed.
using UnitDone = std::function<void(const std::string& failure)>;
using PreparedDone = std::function<void(std::optional<PreparedVisit>, const std::string& failure)>;

void start_echo(const FlowContext* c, Clock::time_point intended, UnitDone done);
void start_settle(const FlowContext* c, const PreparedVisit& v, Clock::time_point intended, UnitDone done);
void start_outpatient(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan,
                      Clock::time_point intended, UnitDone done);
void start_prepare(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan, PreparedDone done);
void start_sale(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan,
                Clock::time_point intended, UnitDone done);

// A request header of facility `f` for `infno`: fresh msgid, sign-in, operator, regions.
settlement::v1::RequestHeader make_header(LoadFacility& f, const char* infno, const std::string& opter,
                                          const std::string& insuplc_admdvs = {});

}  // namespace yibao::load
