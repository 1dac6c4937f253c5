// What facilities do when the core cannot be reached or refuses by notice (DOMAIN.md §7): the
// Site members of sim/actors/site_actor.h for switchover windows, cut paths, offline visits and
// back-fill.
#include "sim/actors/site_actor.h"
#include "sim/actors/agency.h"
#include "sim/actors/visit_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace yibao::sim::site_detail {

namespace {
// The calls of a facility a card_settlement window still answers (DOMAIN.md §11.14).
bool window_answers(Rpc rpc) { return rpc == Rpc::kSignIn || rpc == Rpc::kGetPerson; }

// What a patient paying the visit in full pays: all its fee plans, fen.
int64_t full_price(const VisitState& v) {
  int64_t paid = 0;
  for (const models::FeePlanModel& p : v.plans) paid += p.total.v;
  return paid;
}
}  // namespace

std::optional<double> Site::announced_window_end(Rpc rpc, double now) const {
  if (window_answers(rpc)) return std::nullopt;
  for (const CardWindow& w : ctx_->card_windows)
    if (w.announced && w.from_s <= now && now < w.to_s) return w.to_s;
  return std::nullopt;
}

void Site::audit_window(const CoreReply& r) {
  if (ctx_->card_windows.empty() || !ctx_->live) return;
  const CoreRequest& q = *r.request;
  const double second = std::floor(q.at_core);
  const bool refused = r.reason == reason::kSwitchover;
  bool inside = false;
  for (const CardWindow& w : ctx_->card_windows) inside = inside || (w.from_s <= second && second < w.to_s);
  if (refused || (r.ok() && inside && !window_answers(q.rpc)))
    ctx_->metrics->on_window_call(WindowCall{civil(second), txn_code(q.rpc), q.msgid, refused});
}

void Site::on_switchover(VisitState& v, double reopen_s, double now) {
  reopen_s = std::max(reopen_s, now + 1);
  if (v.kind == models::VisitKind::kInpatient && v.rpc == Rpc::kAdmit && !v.admission_backfill)
    v.admission_backfill = true;  // a patient like any other meanwhile; the insurance admission back-filled after
  if (v.kind == models::VisitKind::kInpatient && v.rpc == Rpc::kDischarge && v.admission_backfill && !v.discharge_held) {
    // Discharged inside the window as self-pay: the patient pays the stay in full and leaves; its
    // discharge and settlement are entered after the window with the true discharge time.
    v.discharge_held = true;
    v.discharged = civil(now);
    v.care_s = now;
    v.paid_in_full = true;
    ctx_->metrics->on_offline(facility_of(v).level, full_price(v), now);
  }
  if (waits_for_the_core(v)) {
    ctx_->metrics->on_held_for_window();
    release_window(v, now);  // nobody stands at the counter meanwhile
    events_.push(reopen_s, kStepDone, v.id);  // pc is still at the call: advance() calls again
    return;
  }
  go_offline(v, reopen_s, now);
}

bool Site::waits_for_the_core(const VisitState& v) {
  return v.kind == models::VisitKind::kInpatient || v.backfill || v.reversing || v.rpc == Rpc::kReverse;
}

void Site::go_offline(VisitState& v, double reopen_s, double now) {
  Facility& f = facility_of(v);
  const int64_t paid = full_price(v);
  ctx_->metrics->on_offline(f.level, paid, now);
  models::Rng rng(ctx_->seed, models::stream_id("backfill"), (uint64_t{f.index} << 32) | f.offline++);
  if (rng.bernoulli(ctx_->backfill_abandoned)) {
    ctx_->metrics->on_abandoned(now);
  } else if (ctx_->backfill_manual > 0 && rng.bernoulli(ctx_->backfill_manual / (1 - ctx_->backfill_abandoned))) {
    ctx_->metrics->on_manual_claim(paid, now);  // the patient claims at the agency
    claim_manually(v, paid, now);
  } else {
    OfflineVisit o;
    o.fac = v.fac;
    o.kind = v.kind;
    o.person = v.person;
    o.plans = v.plans;
    o.care_s = v.arrived;
    if (v.kind != models::VisitKind::kPharmacy) o.open_mdtrt_id = v.mdtrt_id;
    const double slot = backfill_slot(std::max(f.backfill_next, reopen_s));
    const double by_kind = ctx_->backfill_rate_by_kind[static_cast<size_t>(models::kind_index(f.level))];
    f.backfill_next = slot + 3600.0 / (by_kind > 0 ? by_kind : ctx_->backfill_rate_per_hour);
    offline_.push_back(std::move(o));
    if (std::isfinite(slot)) events_.push(slot, kBackfill, offline_.size() - 1);  // else pending past the run
  }
  release_window(v, now);
  visits_.erase(v.id);
}

void Site::claim_manually(const VisitState& v, int64_t paid_fen, double now) {
  if (ctx_->agency == nullptr) return;  // no agency in the run: in review at the horizon
  const Facility& f = facilities_[v.fac];
  ManualClaim c;
  c.paid_fen = paid_fen;
  c.care_s = v.arrived;
  c.request = build_manual_claim(v, f.caller, fmt::format("MC{}-{}", f.caller.fixmedins_code, f.offline), civil(v.arrived));
  ctx_->agency->claim(std::move(c), now);
}

void Site::tell_agency(const VisitState& v, const google::protobuf::Message& reply, double now) {
  if (ctx_->agency == nullptr || !ctx_->agency->tracks(v.person.psn_no)) return;
  if (v.rpc == Rpc::kReverse) return ctx_->agency->undone(v.person.psn_no);
  const settlement::v1::SetlInfo* s = settlement_info(v.rpc, reply);
  if (s == nullptr) return;
  SettledVisit sv;
  sv.facility = facilities_[v.fac].index;
  switch (v.kind) {
    case models::VisitKind::kOutpatient: sv.kind = models::CareKind::kGeneralOutpatient; break;
    case models::VisitKind::kChronicRefill: sv.kind = models::CareKind::kChronic; break;
    case models::VisitKind::kInpatient: sv.kind = models::CareKind::kInpatient; break;
    case models::VisitKind::kPharmacy:
      sv.kind = !v.plans.empty() && v.plans.front().prescription ? models::CareKind::kPharmacyRx
                                                                 : models::CareKind::kPharmacyOtc;
      break;
  }
  sv.care = v.backfill ? v.care : civil(now);
  sv.plans = &v.plans;
  sv.plans_used = v.next_plan;
  sv.fund_pay = s->fund_pay_sumamt();
  sv.acct_pay = s->acct_pay();
  sv.cash_pay = s->psn_cash_pay();
  ctx_->agency->settled(v.person.psn_no, sv, now);
}

const PathCut* Site::cut_at(double now) const { return ctx_->cuts != nullptr ? ctx_->cuts->at(spec_.vertex, now) : nullptr; }

const PathCut* Site::known_cut(double now) const {
  const PathCut* c = cut_at(now);
  return c != nullptr && now >= c->detected_s ? c : nullptr;
}

void Site::on_cut(VisitState& v, const PathCut& cut, bool sent, double now) {
  const bool finite = std::isfinite(cut.restore_s);
  auto resume_at = [&](double t) {  // the call again once the path is back
    if (sent)
      events_.push(t, kRetry, v.id, (uint64_t{v.call_seq} << 8) | static_cast<uint64_t>(v.attempt));
    else
      events_.push(t, kStepDone, v.id);  // pc is still at the call: advance() calls again
  };
  if (waits_for_the_core(v)) {
    ctx_->metrics->on_held_for_window();
    release_window(v, now);  // nobody stands at the counter meanwhile
    if (finite) resume_at(cut.restore_s);
    return;
  }
  if (v.cut_wait_from < 0) v.cut_wait_from = now;
  const double give_up = v.cut_wait_from + cut.patience_s;
  if (cut.restore_s <= give_up) return resume_at(cut.restore_s);  // back before patience runs out
  if (now < give_up) {
    events_.push(give_up, kPatience, v.id, sent ? 1 : 0);
    return;
  }
  if (sent && moves_money(v.rpc)) return unknown_outcome(v, now);  // reversed first (the 2601 waits)
  go_offline(v, cut.restore_s, now);
}

void Site::schedule_conversions() {
  for (size_t i = 0; i < ctx_->card_windows.size(); ++i) {
    const CardWindow& w = ctx_->card_windows[i];
    if (w.announced && w.from_s - kConvertAheadS > 0) events_.push(w.from_s - kConvertAheadS, kConvert, i);
  }
}

void Site::convert_stays(double now) {
  std::vector<uint64_t> ids;
  for (const auto& [id, v] : visits_) {
    if (v.kind != models::VisitKind::kInpatient || v.mdtrt_id.empty() || v.converted || v.admission_backfill ||
        v.outstanding || v.side_call || warming_up(v))
      continue;
    size_t pc = v.pc;  // the stay's next call: a fee upload (not its discharge already)
    while (pc < v.script.size() && v.script[pc].kind != StepKind::kCall) ++pc;
    if (pc < v.script.size() && v.script[pc].rpc == Rpc::kUploadInpatientFees) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  for (uint64_t id : ids) {
    VisitState& v = visits_.at(id);
    v.converted = true;
    v.admission_backfill = true;
    const uint32_t fac = v.fac;
    const models::Person person = v.person;
    const std::string mdtrt_id = v.mdtrt_id;
    VisitState& side = open_visit(fac, models::VisitKind::kInpatient, person, now);  // may move v
    side.side_call = true;
    side.mdtrt_id = mdtrt_id;
    side.script = {Step{StepKind::kCall, Rpc::kCancelAdmission, 0}};
    ctx_->metrics->on_converted();
    advance(side, now);
  }
}

void Site::readmit(VisitState& v, double now) {
  v.readmitted = true;
  const size_t uploaded = v.next_plan;
  std::vector<Step> again{Step{StepKind::kCall, Rpc::kAdmit, 0}};
  for (size_t i = 0; i < uploaded; ++i) again.push_back(Step{StepKind::kCall, Rpc::kUploadInpatientFees, 0});
  v.script.insert(v.script.begin() + static_cast<std::ptrdiff_t>(v.pc), again.begin(), again.end());
  v.next_plan = 0;  // the same fee plans, in order, on the new stay
  v.line_sn = 0;
  v.medfee = 0;
  v.mdtrt_id.clear();
  start_call(v, Rpc::kAdmit, now);
}

double Site::backfill_slot(double t) const {
  if (!std::isfinite(t) || (ctx_->backfill_open_s <= 0 && ctx_->backfill_close_s >= 86400)) return t;
  const int64_t civil_s = civil(t).s;
  const double day_start = t - static_cast<double>(((civil_s % 86400) + 86400) % 86400) - (t - std::floor(t));
  const double of_day = t - day_start;
  if (of_day < ctx_->backfill_open_s) return day_start + ctx_->backfill_open_s;
  if (of_day >= ctx_->backfill_close_s) return day_start + 86400 + ctx_->backfill_open_s;
  return t;
}

void Site::start_backfill(uint64_t index, double now) {
  if (now >= ctx_->end_s) return;
  const OfflineVisit& o = offline_[index];
  VisitState& v = open_visit(o.fac, o.kind, o.person, now);
  v.plans = o.plans;
  v.backfill = true;
  v.care_s = o.care_s;
  v.care = civil(o.care_s);
  v.mdtrt_id = o.open_mdtrt_id;  // cancelled first (2202), then replaced by the back-fill's own
  v.script = make_backfill_script(o.kind, !o.open_mdtrt_id.empty());
  advance(v, now);
}

}  // namespace yibao::sim::site_detail
