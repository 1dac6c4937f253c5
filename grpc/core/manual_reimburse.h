// Manual reimbursement (手工 / 零星报销), top-up (补支) and claw-back (追回): DOMAIN.md §7.3, §11.18;
// admin.proto `ManualReimburse` documents the call. The agency enters a person's invoice lines
// for care at a facility; the calculation of a real-time settlement runs at the care time
// (pricing.h) and is recorded as a settlement of clr_type kClrManual ("99"): the person is the
// payee, so the record stays outside the facility's 3201/3202 (ledger.h), and inside the
// identities, the fund ledger (payouts; a claw-back books negative payouts) and D7.
//
//   MR01 manual      a visit never settled in real time: a new SETTLED visit of the facility
//                    whose business key (ipt_otp_no) then blocks a real-time or back-filled one;
//   MR02 top-up      against a live real-time settlement (setl_id): full calculation over the
//   MR03 claw-back   lines entered, with the care year's accumulators and the balance as they
//                    were before that settlement, minus what it recorded, field by field; one
//                    per settlement (ledger meta "manual_topup/<setl_id>").
// Idempotent by claim_no (ledger meta "manual_claim/<claim_no>" = payload hash, setl_id, kind).
// Back-fill checks of backfill.h (care time, suspensions at it). Writer thread only.
#pragma once

#include "grpc/core/core_state.h"
#include "grpc/core/ledger.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::core {

Status manual_reimburse(Ledger& l, CoreState& state, CivilTime now, const ::yibao::settlement::v1::ManualReimburseRequest& r,
                        ::yibao::settlement::v1::ManualReimburseReply* rep);

}  // namespace yibao::core
