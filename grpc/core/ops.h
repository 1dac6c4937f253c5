// The Settlement service's operations, one per transaction code (DOMAIN.md §3.2), each run by
// the dispatcher (dispatch.h) on the writer thread inside the request's savepoint. See txn.h for
// the contract: fill the reply body or return the refusal.
#pragma once

#include "grpc/core/txn.h"
#include "yibao/settlement/v1/settlement.pb.h"

namespace yibao::core::ops {

// ops_visit.cc: sign-in, person, registration, visit info, stays, filings.
Status sign_in(Txn&, const v1::SignInRequest&, v1::SignInReply*);                           // 9001
Status sign_out(Txn&, const v1::SignOutRequest&, v1::SignOutReply*);                        // 9002
Status get_person(Txn&, const v1::GetPersonRequest&, v1::GetPersonReply*);                  // 1101
Status register_visit(Txn&, const v1::RegisterRequest&, v1::RegisterReply*);                // 2201
Status cancel_registration(Txn&, const v1::CancelRegistrationRequest&, v1::CancelRegistrationReply*);  // 2202
Status visit_info(Txn&, const v1::VisitInfoRequest&, v1::VisitInfoReply*);                  // 2203
Status admit(Txn&, const v1::AdmitRequest&, v1::AdmitReply*);                               // 2401
Status discharge(Txn&, const v1::DischargeRequest&, v1::DischargeReply*);                   // 2402
Status change_admission(Txn&, const v1::ChangeAdmissionRequest&, v1::ChangeAdmissionReply*);  // 2403
Status cancel_admission(Txn&, const v1::CancelAdmissionRequest&, v1::CancelAdmissionReply*);  // 2404
Status cancel_discharge(Txn&, const v1::CancelDischargeRequest&, v1::CancelDischargeReply*);  // 2405
Status file(Txn&, const v1::FilingRequest&, v1::FilingReply*);                              // 2501/3/5/7
Status cancel_filing(Txn&, const v1::CancelFilingRequest&, v1::CancelFilingReply*);         // 2502/4/6

// ops_fees.cc: fee lines.
Status upload_fees(Txn&, const v1::UploadFeesRequest&, v1::UploadFeesReply*);               // 2204
Status cancel_fees(Txn&, const v1::CancelFeesRequest&, v1::CancelFeesReply*);               // 2205
Status upload_inpatient_fees(Txn&, const v1::UploadInpatientFeesRequest&, v1::UploadInpatientFeesReply*);  // 2301
Status cancel_inpatient_fees(Txn&, const v1::CancelInpatientFeesRequest&, v1::CancelInpatientFeesReply*);  // 2302

// ops_settle.cc: pre-settle, settle, cancel.
Status pre_settle(Txn&, const v1::PreSettleRequest&, v1::PreSettleReply*);                  // 2206
Status settle(Txn&, const v1::SettleRequest&, v1::SettleReply*);                            // 2207
Status cancel_settlement(Txn&, const v1::CancelSettlementRequest&, v1::CancelSettlementReply*);  // 2208
Status inpatient_pre_settle(Txn&, const v1::InpatientPreSettleRequest&, v1::InpatientPreSettleReply*);  // 2303
Status inpatient_settle(Txn&, const v1::InpatientSettleRequest&, v1::InpatientSettleReply*);          // 2304
Status inpatient_cancel(Txn&, const v1::InpatientCancelSettlementRequest&, v1::InpatientCancelSettlementReply*);  // 2305
Status pharmacy_pre_settle(Txn&, const v1::PharmacyPreSettleRequest&, v1::PharmacyPreSettleReply*);  // 2101
Status pharmacy_settle(Txn&, const v1::PharmacySettleRequest&, v1::PharmacySettleReply*);            // 2102
Status pharmacy_cancel(Txn&, const v1::PharmacyCancelRequest&, v1::PharmacyCancelReply*);            // 2103

// ops_reverse.cc / ops_reconcile.cc.
Status reverse(Txn&, const v1::ReverseRequest&, v1::ReverseReply*);                         // 2601
Status reconcile_totals(Txn&, const v1::ReconcileTotalsRequest&, v1::ReconcileTotalsReply*);  // 3201
Status reconcile_details(Txn&, const v1::ReconcileDetailsRequest&, v1::ReconcileDetailsReply*);  // 3202
Status get_accumulators(Txn&, const v1::GetAccumulatorsRequest&, v1::GetAccumulatorsReply*);  // 5206

}  // namespace yibao::core::ops
