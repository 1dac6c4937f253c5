// The Settlement service (grpc/proto/yibao/settlement/v1/settlement.proto) on the callback API:
// each RPC names its transaction code, its kind (journaled write, read, sign-in) and its
// operation (ops.h); the Dispatcher does the rest. Thread-safe (see dispatch.h).
#pragma once

#include "grpc/core/dispatch.h"
#include "yibao/settlement/v1/settlement.grpc.pb.h"

namespace yibao::core {

class SettlementService final : public v1::Settlement::CallbackService {
 public:
  explicit SettlementService(Dispatcher& d) : d_(d) {}

#define YB_RPC(Method, Req, Rep) \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Req* req, v1::Rep* rep) override;
  YB_RPC(SignIn, SignInRequest, SignInReply)
  YB_RPC(SignOut, SignOutRequest, SignOutReply)
  YB_RPC(GetPerson, GetPersonRequest, GetPersonReply)
  YB_RPC(Register, RegisterRequest, RegisterReply)
  YB_RPC(CancelRegistration, CancelRegistrationRequest, CancelRegistrationReply)
  YB_RPC(VisitInfo, VisitInfoRequest, VisitInfoReply)
  YB_RPC(UploadFees, UploadFeesRequest, UploadFeesReply)
  YB_RPC(CancelFees, CancelFeesRequest, CancelFeesReply)
  YB_RPC(PreSettle, PreSettleRequest, PreSettleReply)
  YB_RPC(Settle, SettleRequest, SettleReply)
  YB_RPC(CancelSettlement, CancelSettlementRequest, CancelSettlementReply)
  YB_RPC(Admit, AdmitRequest, AdmitReply)
  YB_RPC(Discharge, DischargeRequest, DischargeReply)
  YB_RPC(ChangeAdmission, ChangeAdmissionRequest, ChangeAdmissionReply)
  YB_RPC(CancelAdmission, CancelAdmissionRequest, CancelAdmissionReply)
  YB_RPC(CancelDischarge, CancelDischargeRequest, CancelDischargeReply)
  YB_RPC(UploadInpatientFees, UploadInpatientFeesRequest, UploadInpatientFeesReply)
  YB_RPC(CancelInpatientFees, CancelInpatientFeesRequest, CancelInpatientFeesReply)
  YB_RPC(InpatientPreSettle, InpatientPreSettleRequest, InpatientPreSettleReply)
  YB_RPC(InpatientSettle, InpatientSettleRequest, InpatientSettleReply)
  YB_RPC(InpatientCancelSettlement, InpatientCancelSettlementRequest, InpatientCancelSettlementReply)
  YB_RPC(PharmacyPreSettle, PharmacyPreSettleRequest, PharmacyPreSettleReply)
  YB_RPC(PharmacySettle, PharmacySettleRequest, PharmacySettleReply)
  YB_RPC(PharmacyCancel, PharmacyCancelRequest, PharmacyCancelReply)
  YB_RPC(File, FilingRequest, FilingReply)
  YB_RPC(CancelFiling, CancelFilingRequest, CancelFilingReply)
  YB_RPC(Reverse, ReverseRequest, ReverseReply)
  YB_RPC(ReconcileTotals, ReconcileTotalsRequest, ReconcileTotalsReply)
  YB_RPC(ReconcileDetails, ReconcileDetailsRequest, ReconcileDetailsReply)
  YB_RPC(GetAccumulators, GetAccumulatorsRequest, GetAccumulatorsReply)
#undef YB_RPC

 private:
  Dispatcher& d_;
};

}  // namespace yibao::core
