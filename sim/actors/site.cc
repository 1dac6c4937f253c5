#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <xbt/log.h>

#include <fmt/format.h>

#include <cmath>

#include "sim/actors/site_actor.h"
#include "sim/actors/agency.h"
#include "sim/actors/station.h"
#include "sim/actors/visit_script.h"
#include "sim/time_text.h"
#include "yibao/settlement/v1/settlement.pb.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(yb_site, "yibao-sim facility sites");

namespace yibao::sim {
namespace site_detail {

namespace v1 = settlement::v1;

void Site::run() {
  inbox_ = s4u::Mailbox::by_name("site:" + spec_.name);
  inbox_->set_receiver(s4u::Actor::self());
  setup();
  CoreReply* incoming = nullptr;
  std::vector<s4u::CommPtr> waiting{inbox_->get_async<CoreReply>(&incoming)};
  // Past the drain no call starts; the answers to those in flight are still taken (journalled,
  // counted), for at most one settlement wait.
  const double last_answer = drain_end() + ctx_->settle_deadline_s;
  while (true) {
    double now = s4u::Engine::get_clock();
    if (now <= drain_end())
      while (!events_.empty() && events_.next_time() <= now) handle(events_.pop(), now);
    closing_ = now >= drain_end();
    if (now >= ctx_->end_s && (visits_.empty() || idle_till_the_end())) break;
    if (closing_ && (in_flight_ == 0 || now >= last_answer)) break;
    double until = closing_ ? last_answer : events_.empty() ? drain_end() : std::min(events_.next_time(), drain_end());
    if (now < ctx_->end_s) until = std::min(until, ctx_->end_s);
    if (s4u::Comm::wait_any_for(waiting, std::max(0.0, until - now)) != 0) continue;
    std::unique_ptr<CoreReply> reply(incoming);
    waiting[0] = inbox_->get_async<CoreReply>(&incoming);
    on_reply(std::move(reply), s4u::Engine::get_clock());
  }
  waiting[0]->cancel();
  // Visits still open at the end (long stays, calls beyond the drain) are counted, not lost.
  for (auto& [id, v] : visits_) ctx_->metrics->on_open_visit(facility_of(v).level);
  inbox_->set_receiver(nullptr);
}

void Site::set_in_flight(bool& flag, bool on) {
  if (flag == on) return;
  flag = on;
  in_flight_ += on ? 1 : -1;
}

bool Site::idle_till_the_end() const {
  return in_flight_ == 0 && (events_.empty() || events_.next_time() > drain_end());
}

void Site::setup() {
  const auto& pop = *ctx_->population;
  facilities_.reserve(spec_.facilities.size());
  for (uint32_t j : spec_.facilities) {
    Facility f;
    f.index = j;
    f.level = pop.facility_kind(j);
    const models::Facility fac = pop.facility(j);
    f.caller.fixmedins_code = fac.code;
    f.caller.admdvs = fac.admdvs;
    f.caller.secret = fac.secret;
    f.caller.dept_code = fac.departments.empty() ? std::string() : fac.departments.front().code;
    f.windows = Station<uint64_t>(ctx_->workload->counter_windows(j));
    for (int k = 0; k < models::kVisitKinds; ++k)
      f.arrivals.emplace_back(ctx_->seed, models::stream_id("arrivals"), uint64_t{j} * 8 + static_cast<uint64_t>(k));
    facilities_.push_back(std::move(f));
  }
  for (uint32_t i = 0; i < facilities_.size(); ++i)
    for (int k = 0; k < models::kVisitKinds; ++k) schedule_arrival(i, static_cast<models::VisitKind>(k), 0);
  if (ctx_->in_house_at_start)
    for (uint32_t i = 0; i < facilities_.size(); ++i) warm_ward(i);
  schedule_conversions();
}

void Site::warm_ward(uint32_t fac) {
  const uint32_t j = facilities_[fac].index;
  if (ctx_->workload->daily_volume(j, models::VisitKind::kInpatient) <= 0) return;
  for (const models::VisitPlan& plan : ctx_->workload->in_house_at(j, ctx_->civil_start, *ctx_->fees, ctx_->seed)) {
    VisitState& v = open_visit(fac, plan.kind, ctx_->population->person(plan.person), 0);
    v.in_house = true;
    v.admitted = plan.arrival;
    const auto elapsed = static_cast<double>(ctx_->civil_start.s - plan.arrival.s);
    v.script = make_in_house_script(plan, elapsed, *ctx_->workload, &v.plans, &v.warm_steps,
                                    ctx_->warm_by_s - static_cast<double>(plan.person % 60));
    ctx_->metrics->on_in_house_stay();
    advance(v, 0);
  }
}

bool Site::generated(models::VisitKind k) const {
  switch (k) {
    case models::VisitKind::kOutpatient:
    case models::VisitKind::kChronicRefill: return ctx_->outpatient;
    case models::VisitKind::kPharmacy: return ctx_->pharmacy;
    case models::VisitKind::kInpatient: return ctx_->inpatient;
  }
  return false;
}

void Site::schedule_arrival(uint32_t fac, models::VisitKind kind, double from) {
  if (!generated(kind)) return;
  Facility& f = facilities_[fac];
  const double t = ctx_->workload->next_arrival_s(f.index, kind, ctx_->civil_start, from, ctx_->end_s,
                                                  f.arrivals[static_cast<size_t>(kind)]);
  if (t < ctx_->end_s) events_.push(t, kArrival, fac, static_cast<uint64_t>(kind));
}

void Site::handle(const Event& e, double now) {
  switch (e.kind) {
    case kArrival: {
      const auto kind = static_cast<models::VisitKind>(e.b);
      const uint32_t fac = static_cast<uint32_t>(e.a);
      schedule_arrival(fac, kind, now);
      if (ctx_->max_visits_per_site == 0 || started_ < ctx_->max_visits_per_site) new_visit(fac, kind, now);
      break;
    }
    case kStepDone: {
      auto it = visits_.find(e.a);
      if (it != visits_.end()) advance(it->second, now);
      break;
    }
    case kDeadline: on_deadline(e.a, static_cast<uint16_t>(e.b >> 8), static_cast<int>(e.b & 0xff), now); break;
    case kSignInDeadline: {  // a sign-in never answered is tried again
      Facility& f = facilities_[e.a];
      if (f.signing && f.sign_seq == e.b) {
        set_in_flight(f.signing, false);
        sign_in(static_cast<uint32_t>(e.a), now);
      }
      break;
    }
    case kSignInAgain: sign_in(static_cast<uint32_t>(e.a), now); break;
    case kBackfill: start_backfill(e.a, now); break;
    case kConvert: convert_stays(now); break;
    case kPatience: {  // a patient waiting for a cut path gives up, unless it is back
      auto it = visits_.find(e.a);
      if (it == visits_.end() || it->second.outstanding) break;
      if (const PathCut* cut = known_cut(now)) on_cut(it->second, *cut, e.b != 0, now);
      break;
    }
    case kRetry: {  // the backoff of an attempt that failed without an answer is over
      auto it = visits_.find(e.a);
      if (it != visits_.end() && !it->second.outstanding && it->second.call_seq == (e.b >> 8) &&
          it->second.attempt == static_cast<int>(e.b & 0xff))
        send_attempt(it->second, now);
      break;
    }
  }
}

void Site::new_visit(uint32_t fac, models::VisitKind kind, double now) {
  Facility& f = facilities_[fac];
  ++started_;
  models::Rng rng(ctx_->seed, models::stream_id("visit"), (uint64_t{f.index} << 32) | f.visits++);
  const models::VisitPlan plan = ctx_->workload->plan_visit(f.index, kind, civil(now), *ctx_->fees, rng);
  models::Person person = ctx_->population->person(plan.person);
  if (ctx_->agency != nullptr && ctx_->agency->departed(person.psn_no, now)) {
    --started_;  // their enrolment was stopped (moved away, deceased): they no longer come
    return;
  }
  VisitState& v = open_visit(fac, plan.kind, std::move(person), now);
  v.plans = plan.fees;
  v.admitted = civil(now);  // a stay's admission time (used when it is back-filled)
  const double storm = storm_failure(f, now);
  v.script = make_script(plan, *ctx_->workload, rng, storm, &v.bad_card);
  if (storm >= 0) ctx_->metrics->on_storm_read(v.bad_card, v.bad_card ? ctx_->workload->params().card.id_card_s : 0);
  advance(v, now);
}

VisitState& Site::open_visit(uint32_t fac, models::VisitKind kind, const models::Person& person, double now) {
  const Facility& f = facilities_[fac];
  const uint64_t id = next_visit_id_++;
  VisitState& v = visits_[id];
  v.id = id;
  v.fac = fac;
  v.kind = kind;
  v.arrived = now;
  v.person = person;
  v.insutype = std::to_string(static_cast<int>(v.person.insutype));
  v.rxno = fmt::format("RX{}{:08}", f.caller.fixmedins_code.substr(6), id % 100000000);
  return v;
}

void Site::advance(VisitState& v, double now) {
  while (!v.failed && v.pc < v.script.size()) {
    const Step& s = v.script[v.pc];
    switch (s.kind) {
      case StepKind::kQueue: {
        Facility& f = facility_of(v);
        ++v.pc;
        const bool starts = f.windows.arrive(now, v.id);
        ctx_->metrics->on_queue(counters_queue_name(f.level), now, f.windows.queued());
        if (!starts) return;  // resumed by a window's release
        v.at_window = true;
        break;
      }
      case StepKind::kRelease: {
        ++v.pc;
        release_window(v, now);
        break;
      }
      case StepKind::kDelay: {
        ++v.pc;
        events_.push(now + s.seconds, kStepDone, v.id);
        return;
      }
      case StepKind::kCall: {
        start_call(v, s.rpc, now);
        return;  // resumed by the answer
      }
    }
  }
  finish(v, now);
}

void Site::release_window(VisitState& v, double now) {
  if (!v.at_window) return;
  v.at_window = false;
  Facility& f = facility_of(v);
  std::optional<uint64_t> next = f.windows.release(now);
  ctx_->metrics->on_queue(counters_queue_name(f.level), now, f.windows.queued());
  if (next) {
    auto it = visits_.find(*next);
    if (it != visits_.end()) {
      it->second.at_window = true;
      events_.push(now, kStepDone, *next);  // continue after this visit's step, in order
    }
  }
}

void Site::finish(VisitState& v, double now) {
  release_window(v, now);
  // A warm ward's stay that failed in its warm-up is counted there (InHouseCounts), a back-fill
  // in OutageCounts; not as visits.
  if (v.side_call) {  // a conversion's 2404: part of another visit
  } else if (v.backfill || v.paid_in_full) {
    ctx_->metrics->on_backfill(!v.failed && v.settled, v.owed, now - v.care_s, now);
  } else if (!(v.failed && warming_up(v))) {
    ctx_->metrics->on_visit(facility_of(v).level, !v.failed, now);
  }
  visits_.erase(v.id);
}

std::string Site::next_msgid(Facility& f, double now) {
  const int64_t second = ctx_->live ? china_civil_now().s : civil(now).s;
  if (second > f.msgid_second) {
    f.msgid_second = second;
    f.msgid_seq = 0;
  } else if (++f.msgid_seq >= 10000) {  // the second is used up: borrow the next one
    ++f.msgid_second;
    f.msgid_seq = 0;
  }
  return fmt::format("{}{}{:04}", f.caller.fixmedins_code, compact_text(CivilTime{f.msgid_second}), f.msgid_seq);
}

bool Site::signed_in(const Facility& f, double now) const {
  return !f.caller.sign_no.empty() && f.sign_day == civil(now).date().days;
}

void Site::start_call(VisitState& v, Rpc rpc, double now) {
  Facility& f = facility_of(v);
  if (const std::optional<double> reopen = announced_window_end(rpc, now)) {
    v.rpc = rpc;
    return on_switchover(v, *reopen, now);  // the facility knows the notice: no call
  }
  if (const PathCut* cut = known_cut(now)) {  // the FEP shows the line down: no call
    v.rpc = rpc;
    return on_cut(v, *cut, false, now);
  }
  if (v.converted && !v.readmitted && rpc != Rpc::kCancelAdmission) return readmit(v, now);
  if (!signed_in(f, now)) {
    v.waiting_signin = true;
    f.waiting.push_back(v.id);
    sign_in(v.fac, now);
    return;
  }
  v.rpc = rpc;
  v.msgid = next_msgid(f, now);
  v.plan_mark = v.next_plan;
  v.sn_mark = v.line_sn;
  v.body = build_request(rpc, v, f.caller, v.msgid, civil(now));
  v.attempt = 0;
  v.intended = now;
  ++v.call_seq;
  if (moves_money(rpc)) {
    v.settle_msgid = v.msgid;
    v.settle_rpc = rpc;
  }
  send_attempt(v, now);
}

void Site::send_attempt(VisitState& v, double now) {
  if (closing_) return;  // past the drain: the visit stays open
  if (const PathCut* cut = known_cut(now)) return on_cut(v, *cut, true, now);  // a retry after the cut was known
  auto req = std::make_unique<CoreRequest>();
  req->rpc = v.rpc;
  req->msgid = v.msgid;
  req->body.reset(v.body->New());
  req->body->CopyFrom(*v.body);
  req->intended = v.intended;
  req->attempt = v.attempt;
  req->tag = (v.id << 16) | v.call_seq;
  req->warm_up = warming_up(v);
  set_in_flight(v.outstanding, true);
  const double deadline = moves_money(v.rpc) ? ctx_->settle_deadline_s : ctx_->query_deadline_s;
  events_.push(now + deadline, kDeadline, v.id, (uint64_t{v.call_seq} << 8) | static_cast<uint64_t>(v.attempt));
  post(std::move(req), facility_of(v), now);
}

void Site::sign_in(uint32_t fac, double now) {
  Facility& f = facilities_[fac];
  if (f.signing || closing_) return;
  if (const PathCut* cut = known_cut(now)) {  // signed in once the path is back
    if (std::isfinite(cut->restore_s)) events_.push(cut->restore_s, kSignInAgain, fac);
    return;
  }
  set_in_flight(f.signing, true);
  ++f.sign_seq;
  auto req = std::make_unique<CoreRequest>();
  req->rpc = Rpc::kSignIn;
  req->msgid = next_msgid(f, now);
  req->body = build_sign_in(f.caller, req->msgid, civil(now));
  req->intended = now;
  req->tag = kSignInTag | (uint64_t{f.sign_seq} << 32) | fac;
  post(std::move(req), f, now);
  events_.push(now + ctx_->query_deadline_s, kSignInDeadline, fac, f.sign_seq);
}

void Site::post(std::unique_ptr<CoreRequest> req, const Facility& f, double now) {
  req->bytes = static_cast<uint32_t>(req->body->ByteSizeLong());
  req->sent = now;
  req->reply_to = inbox_;
  req->facility = f.index;
  req->host_vertex = spec_.vertex;
  if (!req->warm_up) ctx_->metrics->on_sent(txn_code(req->rpc), now, false);
  if (cut_at(now) != nullptr) {  // lost on the cut path: the deadline takes over
    ctx_->metrics->on_lost_to_cut();
    return;
  }
  const uint64_t bytes = req->bytes;
  spec_.core_inbox->put_init(req.release(), bytes)->detach();
}

void Site::on_sign_in(std::unique_ptr<CoreReply> r, double now) {
  const uint32_t fac = static_cast<uint32_t>(r->request->tag & 0xffffffffULL);
  const uint16_t seq = static_cast<uint16_t>((r->request->tag >> 32) & 0xffff);
  Facility& f = facilities_[fac];
  if (seq != f.sign_seq || !f.signing) return;  // an answer to an attempt given up on
  ctx_->metrics->on_call(9001, f.level, r->request->intended + (r->core_sim_s - r->core_s), now, r->core_s,
                         r->status, r->reason);
  set_in_flight(f.signing, false);
  if (!r->ok()) {
    events_.push(now + 30, kSignInAgain, fac);
    return;
  }
  f.caller.sign_no = static_cast<const v1::SignInReply&>(*r->body).sign_no();
  f.sign_day = civil(now).date().days;
  std::vector<uint64_t> waiting;
  waiting.swap(f.waiting);
  for (uint64_t id : waiting) {
    auto it = visits_.find(id);
    if (it == visits_.end()) continue;
    it->second.waiting_signin = false;
    advance(it->second, now);
  }
}

void Site::on_reply(std::unique_ptr<CoreReply> r, double now) {
  const uint64_t tag = r->request->tag;
  audit_window(*r);
  if (tag & kSignInTag) return on_sign_in(std::move(r), now);
  auto it = visits_.find(tag >> 16);
  if (it == visits_.end()) return;  // the visit ended (gave up) meanwhile
  VisitState& v = it->second;
  if (!v.outstanding || (tag & 0xffff) != v.call_seq) return;  // a late answer to an earlier call
  set_in_flight(v.outstanding, false);
  Facility& f = facility_of(v);
  const int txn = txn_code(v.rpc);
  // The latency: simulated network time plus the core's own time (in live mode its wall time,
  // not the wall wait stretched by the pace).
  if (warming_up(v)) {
    ctx_->metrics->on_warm_up_call(r->ok());
  } else {
    ctx_->metrics->on_call(txn, f.level, v.intended + (r->core_sim_s - r->core_s), now, r->core_s, r->status,
                           r->reason);
  }
  if (!r->ok()) {
    if (r->reason == reason::kSwitchover) {  // refused by a window: it reopens at yb-retry-after
      const std::optional<CivilTime> reopen = parse_civil(r->retry_after);
      return on_switchover(v, reopen ? static_cast<double>(reopen->s - ctx_->civil_start.s) : now + 60, now);
    }
    if (r->reason == reason::kSignin) {  // the sign-in expired: sign in again, then the call again
      f.caller.sign_no.clear();
      v.next_plan = v.plan_mark;  // with the same fee lines
      v.line_sn = v.sn_mark;
      return start_call(v, v.rpc, now);
    }
    // UNAVAILABLE / DEADLINE_EXCEEDED without a business reason (a lost reply, a batch not
    // committed, the clock unset) says nothing about whether the call committed: the outcome is
    // unknown, so the same msgid is tried again and, failing that, reversed. A switchover
    // refusal (E_SWITCHOVER) is an answer: nothing was done.
    if ((r->status == kUnavailable || r->status == kDeadlineExceeded) && r->reason != reason::kSwitchover) {
      if (retry(v, now, kRetryBackoffS)) return;
      return unknown_outcome(v, now);
    }
    if (v.rpc == Rpc::kCancelRegistration) return skip_step(v, now);  // best effort: the back-fill goes on
    if (v.rpc == Rpc::kGetPerson && v.bad_card) {  // the bad card refused: the ID card next
      v.bad_card = false;
      return skip_step(v, now);
    }
    if (moves_money(v.rpc)) journal(v, f, r.get(), JournalEntry::Outcome::kRefused, now);
    if (r->reason == reason::kSumMismatch && presettle_again(v)) return advance(v, now);
    v.failed = true;
    return finish(v, now);
  }
  absorb_reply(v, *r->body);
  if (moves_money(v.rpc) || v.rpc == Rpc::kReverse) {
    journal(v, f, r.get(), JournalEntry::Outcome::kAcked, now);
    tell_agency(v, *r->body, now);
  }
  const v1::SetlInfo* s = (v.backfill || v.paid_in_full) && r->body ? settlement_info(v.rpc, *r->body) : nullptr;
  if (s != nullptr) {  // a back-filled visit settled: the patient paid in full, this is owed back
    v.owed = s->fund_pay_sumamt() + s->acct_pay() + s->acct_mulaid_pay();
    v.settled = true;
  }
  if (v.rpc == Rpc::kReverse) {  // the unknown settlement is undone: the visit ends unsettled
    v.failed = true;
    return finish(v, now);
  }
  ++v.pc;
  advance(v, now);
}

void Site::journal(const VisitState& v, const Facility& f, const CoreReply* r, JournalEntry::Outcome outcome, double now) {
  ctx_->metrics->journal(journal_entry(v, f.caller, r, outcome, now));
}

bool Site::retry(VisitState& v, double now, double backoff_s ) {
  if (v.attempt >= ctx_->retries) return false;
  ++v.attempt;
  if (backoff_s <= 0) {
    send_attempt(v, now);
  } else {
    const double wait = backoff_s * static_cast<double>(1 << (v.attempt - 1));
    events_.push(now + wait, kRetry, v.id, (uint64_t{v.call_seq} << 8) | static_cast<uint64_t>(v.attempt));
  }
  return true;
}

double Site::storm_failure(const Facility& f, double now) const {
  double failure = -1;
  for (const CardStorm& s : ctx_->card_storms)
    if (s.from_s <= now && now < s.to_s && (!s.kind || *s.kind == f.level)) failure = std::max(failure, s.failure);
  return failure;
}

void Site::skip_step(VisitState& v, double now) {
  ++v.pc;
  advance(v, now);
}

bool Site::presettle_again(VisitState& v) {
  if (v.presettled_again) return false;
  const Rpc pre = v.rpc == Rpc::kSettle            ? Rpc::kPreSettle
                  : v.rpc == Rpc::kPharmacySettle  ? Rpc::kPharmacyPreSettle
                  : v.rpc == Rpc::kInpatientSettle ? Rpc::kInpatientPreSettle
                                                   : v.rpc;
  if (pre == v.rpc) return false;
  size_t pc = v.pc;
  while (pc > 0 && !(v.script[pc].kind == StepKind::kCall && v.script[pc].rpc == pre)) --pc;
  if (v.script[pc].kind != StepKind::kCall || v.script[pc].rpc != pre) return false;
  v.presettled_again = true;
  v.pc = pc;
  return true;
}

void Site::on_deadline(uint64_t id, uint16_t call_seq, int attempt, double now) {
  auto it = visits_.find(id);
  if (it == visits_.end()) return;
  VisitState& v = it->second;
  if (!v.outstanding || v.call_seq != call_seq || v.attempt != attempt) return;  // answered already
  if (retry(v, now)) return;
  set_in_flight(v.outstanding, false);
  if (warming_up(v)) {
    ctx_->metrics->on_warm_up_call(false);
  } else {
    ctx_->metrics->on_call(txn_code(v.rpc), facility_of(v).level, v.intended, now, 0, kDeadlineExceeded,
                           "DEADLINE_EXCEEDED");
  }
  unknown_outcome(v, now);
}

void Site::unknown_outcome(VisitState& v, double now) {
  Facility& f = facility_of(v);
  // A reversal is sent again until the core answers it (DOMAIN.md §3.4: the unknown outcome
  // must be settled one way): every kReverseRetryS while the run lasts (a crashed core comes
  // back), as a fresh 2601 of the same original.
  if (v.rpc == Rpc::kReverse && now + kReverseRetryS < drain_end()) {
    events_.push(now + kReverseRetryS, kStepDone, v.id);
    return;
  }
  if (v.rpc == Rpc::kCancelRegistration) return skip_step(v, now);
  if (moves_money(v.rpc) && !v.reversing) {
    journal(v, f, nullptr, JournalEntry::Outcome::kUnknown, now);
    ctx_->metrics->on_unknown(txn_code(v.rpc), now);
    v.reversing = true;
    v.failed = false;
    // The 2601 replaces the rest of the script; the visit ends after it (not settled).
    v.script.resize(v.pc + 1);
    v.script[v.pc] = Step{StepKind::kCall, Rpc::kReverse, 0};
    start_call(v, Rpc::kReverse, now);
    return;
  }
  // The path is cut and this counter learnt it from its own calls, before the cut is known
  // everywhere: the contingency plan, not a failed visit (nothing of this call moved money).
  if (const PathCut* cut = cut_at(now)) return on_cut(v, *cut, false, now);
  v.failed = true;
  finish(v, now);
}

}  // namespace site_detail

void start_site(const SiteContext* ctx, SiteSpec spec) {
  simgrid::s4u::Host* host = spec.host;
  const std::string name = "site-" + spec.name;
  if (ctx->sites_running) ++*ctx->sites_running;
  simgrid::s4u::Actor::create(name, host, [ctx, spec = std::move(spec)]() mutable {
    {
      site_detail::Site site(ctx, std::move(spec));
      site.run();
    }
    if (ctx->sites_running) --*ctx->sites_running;
  });
}

}  // namespace yibao::sim
