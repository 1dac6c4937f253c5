#include "grpc/core/settlement_service.h"

#include "grpc/core/ops.h"

namespace yibao::core {

// Each RPC: its transaction code (the first four characters of header.infno must match), its
// kind, its operation. Filings share one RPC per direction; their codes are checked by the op.
#define YB_RPC(Method, Req, Rep, Infno, Kind, Op)                                                        \
  grpc::ServerUnaryReactor* SettlementService::Method(grpc::CallbackServerContext* ctx, const v1::Req* req, \
                                                      v1::Rep* rep) {                                    \
    static const RpcSpec<v1::Req, v1::Rep> kSpec{Infno, RpcKind::Kind, &ops::Op, #Method};               \
    return d_.handle(ctx, req, rep, kSpec);                                                              \
  }

YB_RPC(SignIn, SignInRequest, SignInReply, "9001", kSignIn, sign_in)
YB_RPC(SignOut, SignOutRequest, SignOutReply, "9002", kUnjournaled, sign_out)
YB_RPC(GetPerson, GetPersonRequest, GetPersonReply, "1101", kRead, get_person)
YB_RPC(Register, RegisterRequest, RegisterReply, "2201", kJournaled, register_visit)
YB_RPC(CancelRegistration, CancelRegistrationRequest, CancelRegistrationReply, "2202", kJournaled, cancel_registration)
YB_RPC(VisitInfo, VisitInfoRequest, VisitInfoReply, "2203", kJournaled, visit_info)
YB_RPC(UploadFees, UploadFeesRequest, UploadFeesReply, "2204", kJournaled, upload_fees)
YB_RPC(CancelFees, CancelFeesRequest, CancelFeesReply, "2205", kJournaled, cancel_fees)
YB_RPC(PreSettle, PreSettleRequest, PreSettleReply, "2206", kRead, pre_settle)
YB_RPC(Settle, SettleRequest, SettleReply, "2207", kJournaled, settle)
YB_RPC(CancelSettlement, CancelSettlementRequest, CancelSettlementReply, "2208", kJournaled, cancel_settlement)
YB_RPC(Admit, AdmitRequest, AdmitReply, "2401", kJournaled, admit)
YB_RPC(Discharge, DischargeRequest, DischargeReply, "2402", kJournaled, discharge)
YB_RPC(ChangeAdmission, ChangeAdmissionRequest, ChangeAdmissionReply, "2403", kJournaled, change_admission)
YB_RPC(CancelAdmission, CancelAdmissionRequest, CancelAdmissionReply, "2404", kJournaled, cancel_admission)
YB_RPC(CancelDischarge, CancelDischargeRequest, CancelDischargeReply, "2405", kJournaled, cancel_discharge)
YB_RPC(UploadInpatientFees, UploadInpatientFeesRequest, UploadInpatientFeesReply, "2301", kJournaled,
       upload_inpatient_fees)
YB_RPC(CancelInpatientFees, CancelInpatientFeesRequest, CancelInpatientFeesReply, "2302", kJournaled,
       cancel_inpatient_fees)
YB_RPC(InpatientPreSettle, InpatientPreSettleRequest, InpatientPreSettleReply, "2303", kRead, inpatient_pre_settle)
YB_RPC(InpatientSettle, InpatientSettleRequest, InpatientSettleReply, "2304", kJournaled, inpatient_settle)
YB_RPC(InpatientCancelSettlement, InpatientCancelSettlementRequest, InpatientCancelSettlementReply, "2305", kJournaled,
       inpatient_cancel)
YB_RPC(PharmacyPreSettle, PharmacyPreSettleRequest, PharmacyPreSettleReply, "2101", kRead, pharmacy_pre_settle)
YB_RPC(PharmacySettle, PharmacySettleRequest, PharmacySettleReply, "2102", kJournaled, pharmacy_settle)
YB_RPC(PharmacyCancel, PharmacyCancelRequest, PharmacyCancelReply, "2103", kJournaled, pharmacy_cancel)
YB_RPC(File, FilingRequest, FilingReply, "25", kJournaled, file)
YB_RPC(CancelFiling, CancelFilingRequest, CancelFilingReply, "25", kJournaled, cancel_filing)
YB_RPC(Reverse, ReverseRequest, ReverseReply, "2601", kJournaled, reverse)
YB_RPC(ReconcileTotals, ReconcileTotalsRequest, ReconcileTotalsReply, "3201", kRead, reconcile_totals)
YB_RPC(ReconcileDetails, ReconcileDetailsRequest, ReconcileDetailsReply, "3202", kRead, reconcile_details)
YB_RPC(GetAccumulators, GetAccumulatorsRequest, GetAccumulatorsReply, "5206", kRead, get_accumulators)
#undef YB_RPC

}  // namespace yibao::core
