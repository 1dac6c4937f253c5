// What facilities do when the core cannot be reached or refuses by notice (DOMAIN.md §7): the
// Site members of sim/actors/site_actor.h for switchover windows, cut paths, offline visits and
// back-fill.
#include "sim/actors/site_actor.h"
#include "sim/actors/visit_script.h"

#include <cmath>

namespace yibao::sim::site_detail {

namespace {
// The calls of a facility a card_settlement window still answers (DOMAIN.md §11.14).
bool window_answers(Rpc rpc) { return rpc == Rpc::kSignIn || rpc == Rpc::kGetPerson; }
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
  if (v.kind == models::VisitKind::kInpatient || v.backfill || v.reversing || v.rpc == Rpc::kReverse) {
    ctx_->metrics->on_held_for_window();
    release_window(v, now);  // nobody stands at the counter meanwhile
    events_.push(reopen_s, kStepDone, v.id);  // pc is still at the call: advance() calls again
    return;
  }
  go_offline(v, reopen_s, now);
}

void Site::go_offline(VisitState& v, double reopen_s, double now) {
  Facility& f = facility_of(v);
  int64_t paid = 0;
  for (const models::FeePlanModel& p : v.plans) paid += p.total.v;
  ctx_->metrics->on_offline(f.level, paid, now);
  models::Rng rng(ctx_->seed, models::stream_id("backfill"), (uint64_t{f.index} << 32) | f.offline++);
  if (rng.bernoulli(ctx_->backfill_abandoned)) {
    ctx_->metrics->on_abandoned(now);
  } else {
    OfflineVisit o;
    o.fac = v.fac;
    o.kind = v.kind;
    o.person = v.person;
    o.plans = v.plans;
    o.care_s = v.arrived;
    if (v.kind != models::VisitKind::kPharmacy) o.open_mdtrt_id = v.mdtrt_id;
    const double slot = std::max(f.backfill_next, reopen_s);
    f.backfill_next = slot + 3600.0 / ctx_->backfill_rate_per_hour;
    offline_.push_back(std::move(o));
    if (std::isfinite(slot)) events_.push(slot, kBackfill, offline_.size() - 1);  // else pending past the run
  }
  release_window(v, now);
  visits_.erase(v.id);
}

const PathCut* Site::known_cut(double now) const {
  if (ctx_->cuts == nullptr) return nullptr;
  const PathCut* c = ctx_->cuts->at(spec_.vertex, now);
  return c != nullptr && now >= c->detected_s ? c : nullptr;
}

bool Site::path_cut(double now) const { return ctx_->cuts != nullptr && ctx_->cuts->at(spec_.vertex, now) != nullptr; }

void Site::on_cut(VisitState& v, const PathCut& cut, bool sent, double now) {
  const bool finite = std::isfinite(cut.restore_s);
  auto resume_at = [&](double t) {  // the call again once the path is back
    if (sent)
      events_.push(t, kRetry, v.id, (uint64_t{v.call_seq} << 8) | static_cast<uint64_t>(v.attempt));
    else
      events_.push(t, kStepDone, v.id);  // pc is still at the call: advance() calls again
  };
  if (v.kind == models::VisitKind::kInpatient || v.backfill || v.reversing || v.rpc == Rpc::kReverse) {
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
