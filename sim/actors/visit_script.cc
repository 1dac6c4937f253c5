#include "sim/actors/visit_script.h"

#include <algorithm>

namespace yibao::sim {
namespace {

Step call(Rpc rpc) { return Step{StepKind::kCall, rpc, 0}; }
Step delay(double s) { return Step{StepKind::kDelay, Rpc::kSignIn, s}; }
Step queue() { return Step{StepKind::kQueue, Rpc::kSignIn, 0}; }
Step release() { return Step{StepKind::kRelease, Rpc::kSignIn, 0}; }

}  // namespace

std::vector<Step> make_script(const models::VisitPlan& plan, const models::WorkloadModel& w, models::Rng& rng) {
  std::vector<Step> s;
  const auto& t = w.params().times;
  switch (plan.kind) {
    case models::VisitKind::kOutpatient:
    case models::VisitKind::kChronicRefill:
      // Registration at a window, the doctor, the HIS uploads the fees, settlement at a window.
      s = {queue(), delay(w.card_read_s(rng)), call(Rpc::kGetPerson), delay(t.registration_s), call(Rpc::kRegister),
           call(Rpc::kVisitInfo), release(), delay(w.registration_to_fees_s(plan.kind, rng)), delay(t.fee_upload_s),
           call(Rpc::kUploadFees), queue(), call(Rpc::kPreSettle), delay(t.settlement_confirm_s),
           call(Rpc::kSettle), release()};
      break;
    case models::VisitKind::kPharmacy:
      // One window for the whole sale (60 s of operator time in all).
      s = {queue(), delay(w.card_read_s(rng)), call(Rpc::kGetPerson), delay(t.pharmacy_sale_s * 0.75),
           call(Rpc::kPharmacyPreSettle), delay(t.pharmacy_sale_s * 0.25), call(Rpc::kPharmacySettle), release()};
      break;
    case models::VisitKind::kInpatient: {
      s = {queue(), delay(w.card_read_s(rng)), call(Rpc::kGetPerson), delay(t.registration_s), call(Rpc::kAdmit),
           release()};
      // The stay's fee uploads at their drawn times, then discharge and settlement at the
      // cashier at the end of the stay.
      double at = 0;
      for (double upload : plan.upload_at_s) {
        s.push_back(delay(std::max(0.0, upload - at)));
        s.push_back(call(Rpc::kUploadInpatientFees));
        at = std::max(at, upload);
      }
      s.push_back(delay(std::max(0.0, plan.length_of_stay_s - at)));
      s.insert(s.end(), {queue(), call(Rpc::kDischarge), call(Rpc::kInpatientPreSettle),
                         delay(t.settlement_confirm_s), call(Rpc::kInpatientSettle), release()});
      break;
    }
  }
  return s;
}

}  // namespace yibao::sim
