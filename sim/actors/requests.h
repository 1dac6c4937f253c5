// The request messages of a visit's calls (DOMAIN.md §3.1–3.3), built from the visit's data:
// the envelope header of the facility and the business fields of each transaction, exactly as
// a HIS would fill them (the same fields yibao-load sends, bench/load/flows.cc).
// Pure functions; thread-safe.
#pragma once

#include <google/protobuf/message.h>

#include <memory>
#include <string>

#include "models/time.h"
#include "models/workload.h"
#include "sim/actors/visit.h"
#include "sim/messages.h"
#include "sim/metrics.h"
#include "yibao/settlement/v1/admin.pb.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::sim {

// The facility side of an envelope.
struct Caller {
  std::string fixmedins_code;
  std::string admdvs;        // mdtrtarea_admvs
  std::string sign_no;
  std::string secret;        // 9001 only
  std::string dept_code;     // a department to register in ("" if none)
  std::string opter = "op01";
};

// The header of one call: `msgid` fresh (or the original's on a retry), inf_time = `now`.
settlement::v1::RequestHeader make_header(const Caller& c, Rpc rpc, const std::string& msgid, CivilTime now,
                                          const std::string& insuplc_admdvs);

// The request of `rpc` for visit `v` at civil time `now` (the header included). Fee uploads
// and sales take the visit's next fee plan (advancing v.next_plan and v.line_sn).
std::unique_ptr<google::protobuf::Message> build_request(Rpc rpc, VisitState& v, const Caller& c,
                                                         const std::string& msgid, CivilTime now);

// The sign-in (9001) of a facility.
std::unique_ptr<google::protobuf::Message> build_sign_in(const Caller& c, const std::string& msgid, CivilTime now);

// What the visit's next calls need from the answer `reply` to its call v.rpc: the visit id
// (2201, 2401), the accepted fee total (2204, 2301), the pre-settlement's declared split (2206,
// 2303, 2101).
void absorb_reply(VisitState& v, const google::protobuf::Message& reply);
// The settlement in the answer to a settle call (2207, 2304, 2102); null for any other call.
const settlement::v1::SetlInfo* settlement_info(Rpc rpc, const google::protobuf::Message& reply);

// The journal entry of v's current call (the checker's record, sim/checker.h) from facility
// `c`: `outcome` at simulated time `now`, `r` its answer (null when none came; an acknowledged
// settlement carries its split).
JournalEntry journal_entry(const VisitState& v, const Caller& c, const CoreReply* r, JournalEntry::Outcome outcome,
                           double now);

// The manual reimbursement claim (Admin.ManualReimburse, DOMAIN.md §7.3) of an offline visit of
// facility `c`: every line of the visit as the invoice, the true care time `care`, the visit
// number the facility gave it (the msgid-based one of a registration, else the claim's).
settlement::v1::ManualReimburseRequest build_manual_claim(const VisitState& v, const Caller& c,
                                                          const std::string& claim_no, CivilTime care);

// One fee line: price in whole fen, units whole, so det_item_fee_sumamt = price × units exactly.
settlement::v1::FeeLine to_fee_line(const models::PlannedLine& l, int sn, const std::string& rxno, CivilTime now);

}  // namespace yibao::sim
