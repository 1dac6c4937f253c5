#include "sim/actors/visit_script.h"

#include <algorithm>

namespace yibao::sim {
namespace {

Step call(Rpc rpc) { return Step{StepKind::kCall, rpc, 0}; }
Step delay(double s) { return Step{StepKind::kDelay, Rpc::kSignIn, s}; }
Step queue() { return Step{StepKind::kQueue, Rpc::kSignIn, 0}; }
Step release() { return Step{StepKind::kRelease, Rpc::kSignIn, 0}; }

// The stay after its admission: the fee uploads from plan.upload_at_s[first] at their drawn
// times, then discharge and settlement at the cashier at the end of the stay. `at` is the
// stay's age (seconds since admission) where the script stands.
void append_stay(const models::VisitPlan& plan, size_t first, double at, const models::WorkloadModel& w,
                 std::vector<Step>& s) {
  const auto& t = w.params().times;
  for (size_t u = first; u < plan.upload_at_s.size(); ++u) {
    const double upload = plan.upload_at_s[u];
    s.push_back(delay(std::max(0.0, upload - at)));
    s.push_back(call(Rpc::kUploadInpatientFees));
    at = std::max(at, upload);
  }
  s.push_back(delay(std::max(0.0, plan.length_of_stay_s - at)));
  s.insert(s.end(), {queue(), call(Rpc::kDischarge), call(Rpc::kInpatientPreSettle), delay(t.settlement_confirm_s),
                     call(Rpc::kInpatientSettle), release()});
}

// The window's first steps: the queue, the card read and 1101. In a storm (storm_failure >= 0) a
// failed read reads a bad card: a 1101 the core refuses, the ID card read, 1101 again.
std::vector<Step> identify(const models::WorkloadModel& w, models::Rng& rng, double storm_failure, bool* bad_card) {
  if (storm_failure < 0) return {queue(), delay(w.card_read_s(rng)), call(Rpc::kGetPerson)};
  const models::CardRead r = w.card_read(rng, storm_failure);
  if (!r.failed_first) return {queue(), delay(r.seconds), call(Rpc::kGetPerson)};
  const double id_card = w.params().card.id_card_s;
  if (bad_card != nullptr) *bad_card = true;
  return {queue(), delay(r.seconds - id_card), call(Rpc::kGetPerson), delay(id_card), call(Rpc::kGetPerson)};
}

}  // namespace

std::vector<Step> make_script(const models::VisitPlan& plan, const models::WorkloadModel& w, models::Rng& rng,
                              double storm_failure, bool* bad_card) {
  std::vector<Step> s = identify(w, rng, storm_failure, bad_card);
  const auto& t = w.params().times;
  switch (plan.kind) {
    case models::VisitKind::kOutpatient:
    case models::VisitKind::kChronicRefill:
      // Registration at a window, the doctor, the HIS uploads the fees, settlement at a window.
      s.insert(s.end(), {delay(t.registration_s), call(Rpc::kRegister), call(Rpc::kVisitInfo), release(),
                         delay(w.registration_to_fees_s(plan.kind, rng)), delay(t.fee_upload_s), call(Rpc::kUploadFees),
                         queue(), call(Rpc::kPreSettle), delay(t.settlement_confirm_s), call(Rpc::kSettle), release()});
      break;
    case models::VisitKind::kPharmacy:
      // One window for the whole sale (60 s of operator time in all).
      s.insert(s.end(), {delay(t.pharmacy_sale_s * 0.75), call(Rpc::kPharmacyPreSettle),
                         delay(t.pharmacy_sale_s * 0.25), call(Rpc::kPharmacySettle), release()});
      break;
    case models::VisitKind::kInpatient: {
      s.insert(s.end(), {delay(t.registration_s), call(Rpc::kAdmit), release()});
      append_stay(plan, 0, 0, w, s);
      break;
    }
  }
  return s;
}

std::vector<Step> make_backfill_script(models::VisitKind kind, bool cancel_open_registration) {
  if (kind == models::VisitKind::kPharmacy)
    return {queue(), call(Rpc::kPharmacyPreSettle), call(Rpc::kPharmacySettle), release()};
  std::vector<Step> s{queue()};
  if (cancel_open_registration) s.push_back(call(Rpc::kCancelRegistration));
  s.insert(s.end(), {call(Rpc::kRegister), call(Rpc::kVisitInfo), call(Rpc::kUploadFees), call(Rpc::kPreSettle),
                     call(Rpc::kSettle), release()});
  return s;
}

std::vector<Step> make_in_house_script(const models::VisitPlan& plan, double elapsed_s,
                                       const models::WorkloadModel& w, std::vector<models::FeePlanModel>* plans,
                                       size_t* warm_steps, double warm_by_s) {
  plans->clear();
  size_t past = 0;  // fee plans due before second 0
  while (past < plan.upload_at_s.size() && plan.upload_at_s[past] < elapsed_s) ++past;
  // The stay's age at its first call inside the run.
  const double first = past < plan.upload_at_s.size() ? plan.upload_at_s[past] : plan.length_of_stay_s;
  const double until_first = std::max(0.0, first - elapsed_s);
  const double warm_at = std::min(until_first, std::max(0.0, warm_by_s));
  std::vector<Step> s{delay(warm_at), call(Rpc::kAdmit)};
  size_t lines = 0;
  for (size_t u = 0; u < past; ++u) {
    const models::FeePlanModel& p = plan.fees[u];
    if (plans->empty() || lines + p.lines.size() > kMaxCatchUpLines) {
      plans->emplace_back();
      s.push_back(call(Rpc::kUploadInpatientFees));
      lines = 0;
    }
    models::FeePlanModel& group = plans->back();
    group.lines.insert(group.lines.end(), p.lines.begin(), p.lines.end());
    group.total = Fen(group.total.v + p.total.v);
    group.prescription = group.prescription || p.prescription;
    lines += p.lines.size();
  }
  *warm_steps = s.size();
  if (until_first > warm_at) s.push_back(delay(until_first - warm_at));  // warmed early: wait for the first call
  plans->insert(plans->end(), plan.fees.begin() + static_cast<std::ptrdiff_t>(past), plan.fees.end());
  append_stay(plan, past, std::max(first, elapsed_s), w, s);
  return s;
}

}  // namespace yibao::sim
