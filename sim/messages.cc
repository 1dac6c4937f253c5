#include "sim/messages.h"

#include "models/check.h"

namespace yibao::sim {

int txn_code(Rpc rpc) {
  switch (rpc) {
    case Rpc::kSignIn: return 9001;
    case Rpc::kGetPerson: return 1101;
    case Rpc::kRegister: return 2201;
    case Rpc::kVisitInfo: return 2203;
    case Rpc::kUploadFees: return 2204;
    case Rpc::kPreSettle: return 2206;
    case Rpc::kSettle: return 2207;
    case Rpc::kCancelSettlement: return 2208;
    case Rpc::kAdmit: return 2401;
    case Rpc::kDischarge: return 2402;
    case Rpc::kUploadInpatientFees: return 2301;
    case Rpc::kInpatientPreSettle: return 2303;
    case Rpc::kInpatientSettle: return 2304;
    case Rpc::kPharmacyPreSettle: return 2101;
    case Rpc::kPharmacySettle: return 2102;
    case Rpc::kReverse: return 2601;
    case Rpc::kCancelRegistration: return 2202;
    case Rpc::kCancelAdmission: return 2404;
    case Rpc::kCount: break;
  }
  YB_CHECK(false, "txn_code of an invalid Rpc");
  return 0;
}

bool moves_money(Rpc rpc) {
  switch (rpc) {
    case Rpc::kSettle:
    case Rpc::kCancelSettlement:
    case Rpc::kInpatientSettle:
    case Rpc::kPharmacySettle:
      return true;
    default:
      return false;
  }
}

}  // namespace yibao::sim
