#include "sim/actors/agency.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "grpc/convert/entities.h"
#include "models/check.h"
#include "models/rng.h"
#include "sim/checker.h"
#include "sim/live/live_bridge.h"
#include "sim/result.h"
#include "sim/time_text.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
namespace v1 = settlement::v1;

constexpr double kUnansweredRetryS = 300;  // a call the core did not answer is sent again after this
constexpr int kMaxFailures = 24;           // then it is given up (counted failed)
constexpr double kNoRetryAfterS = 3600;    // a window refusal without yb-retry-after is tried again after this
constexpr int kMaxDraws = 200;             // persons drawn before a change of the day is given up

std::string clock_text(double s) {
  const int m = static_cast<int>(s / 60);
  return fmt::format("{:02d}:{:02d}", m / 60, m % 60);
}

}  // namespace

Agency::Agency(AgencyContext ctx) : ctx_(std::move(ctx)) {
  YB_CHECK(ctx_.population != nullptr && ctx_.policies != nullptr && ctx_.metrics != nullptr,
           "Agency needs the population, policies and metrics");
  if (!ctx_.spec.enabled) return;
  // The whole plan is drawn up front from the seed: the same scenario and seed, the same changes.
  const int64_t days = static_cast<int64_t>(std::ceil((ctx_.end_s + (ctx_.civil_start.s % 86400)) / 86400.0));
  for (int64_t d = 0; d <= days; ++d) plan_day(d);
}

void Agency::plan_day(int64_t day_index) {
  const models::Population& pop = *ctx_.population;
  const CivilDate date{static_cast<int32_t>(ctx_.civil_start.date().days + day_index)};
  if (weekday(date) >= 5) return;  // the agency's counters close on Saturdays and Sundays
  const double day0 = static_cast<double>(start_of(date).s - ctx_.civil_start.s);
  models::Rng rng(ctx_.seed, models::stream_id("agency"), static_cast<uint64_t>(day_index));
  auto at = [&] { return day0 + ctx_.spec.open_s + rng.uniform() * (ctx_.spec.close_s - ctx_.spec.open_s); };
  auto enrolled = [&](const models::Person& p) {
    return p.enrolment == models::Enrolment::kEnrolled &&
           (p.insutype != models::Insutype::kResident || !(p.paid_through < date));
  };
  auto add = [&](Change c, Kind kind) {
    const double t = c.planned_s;
    if (t < 0 || t >= ctx_.end_s) {
      if (kind != Kind::kPremium) shadows_.erase(c.changed.psn_no);
      return;
    }
    ++by_what_[c.what].planned;
    changes_.push_back(std::move(c));
    push(kind, changes_.size() - 1, t);
  };
  auto draw = [&](auto&& fits) -> std::optional<uint64_t> {
    for (int i = 0; i < kMaxDraws; ++i) {
      const uint64_t j = rng.below(pop.person_count());
      const models::Person p = pop.person(j);
      if (fits(p, j) && drawn_.insert(j).second) return j;  // one change per person and run
    }
    return std::nullopt;
  };
  for (int64_t n = rng.poisson(ctx_.spec.changes_per_day); n > 0; --n) {
    const std::optional<uint64_t> j = draw([&](const models::Person& p, uint64_t) { return enrolled(p); });
    if (!j) continue;
    Change c;
    c.person = *j;
    c.changed = pop.person(*j);
    c.planned_s = at();
    if (c.changed.psn_type == models::PsnType::kEmployeeActive) {
      c.what = "retire";
      c.changed.psn_type = models::PsnType::kEmployeeRetired;
    } else if (c.changed.insutype == models::Insutype::kResident && c.changed.maf_group == models::MafGroup::kNone) {
      c.what = "assistance";
      c.changed.maf_group = models::MafGroup::kDibao;
    } else {
      c.what = "stop";
      c.changed.enrolment = models::Enrolment::kStopped;
    }
    shadows_[c.changed.psn_no].change = changes_.size();
    add(std::move(c), Kind::kChange);
  }
  for (int64_t n = rng.poisson(ctx_.spec.filings_per_day); n > 0; --n) {
    const std::optional<uint64_t> j =
        draw([&](const models::Person& p, uint64_t i) { return enrolled(p) && !pop.has_chronic_filing(i); });
    if (!j) continue;
    Change c;
    c.person = *j;
    c.what = "chronic_filing";
    c.changed = pop.person(*j);
    c.planned_s = at();
    shadows_[c.changed.psn_no].change = changes_.size();
    add(std::move(c), Kind::kFiling);
  }
  for (int64_t n = rng.poisson(ctx_.spec.premiums_per_day); n > 0; --n) {
    // A resident paying: a lapsed one restores their cover, one paid up pays the next year ahead.
    const std::optional<uint64_t> j = draw([&](const models::Person& p, uint64_t) {
      return p.insutype == models::Insutype::kResident && p.enrolment != models::Enrolment::kStopped;
    });
    if (!j) continue;
    Change c;
    c.person = *j;
    c.what = "premium";
    c.planned_s = at();
    add(std::move(c), Kind::kPremium);
  }
}

double Agency::in_hours(double t) const {
  for (int guard = 0; guard < 14; ++guard) {
    const CivilTime civil = ctx_.civil_start.plus_seconds(static_cast<int64_t>(std::floor(t)));
    const double day0 = static_cast<double>(start_of(civil.date()).s - ctx_.civil_start.s);
    const double into = t - day0;
    if (weekday(civil.date()) < 5 && into >= ctx_.spec.open_s && into < ctx_.spec.close_s) return t;
    t = (weekday(civil.date()) < 5 && into < ctx_.spec.open_s) ? day0 + ctx_.spec.open_s : day0 + 86400 + ctx_.spec.open_s;
    if (weekday(ctx_.civil_start.plus_seconds(static_cast<int64_t>(t)).date()) < 5) return t;
  }
  return t;
}

void Agency::push(Kind kind, size_t index, double due_s) { jobs_.push(Job{kind, due_s, seq_++, index}); }

Agency::KindCounts& Agency::counts(Kind kind, const std::string& what) {
  return by_what_[kind == Kind::kManual ? std::string("manual") : what];
}

void Agency::claim(ManualClaim c, double now) {
  const double due = in_hours(std::max(now, c.care_s + ctx_.review_s));
  claims_.push_back(std::move(c));
  claim_queued_s_.push_back(-1);
  claim_failures_.push_back(0);
  KindCounts& k = by_what_["manual"];
  ++k.planned;
  if (due >= ctx_.end_s) {
    ++k.pending;  // in review at the horizon
    return;
  }
  push(Kind::kManual, claims_.size() - 1, due);
}

void Agency::start(s4u::Host* host) {
  YB_CHECK(ctx_.bridge != nullptr, "the agency sends through the live bridge");
  s4u::Actor::create("agency", host, [this] { run(); });
}

void Agency::run() {
  s4u::Actor::self()->daemonize();  // the facilities decide when the run ends
  constexpr double kTickS = 300;    // a claim handed over meanwhile waits at most this long
  for (;;) {
    const double now = s4u::Engine::get_clock();
    while (!jobs_.empty() && jobs_.top().due_s <= now) {
      const Job job = jobs_.top();
      jobs_.pop();
      send(job, now);
    }
    const double next = jobs_.empty() ? now + kTickS : std::min(jobs_.top().due_s, now + kTickS);
    s4u::this_actor::sleep_until(std::max(next, now + 1e-3));
  }
}

bool Agency::settle_outcome(const Job& job, Change* change, KindCounts& k, int code, const std::string& reason,
                            const std::string& retry_after, double now) {
  double& queued_s = change != nullptr ? change->queued_s : claim_queued_s_[job.index];
  // A premium sent again after an unanswered send that did land is refused E_STATE (already paid
  // through that date): applied all the same.
  const bool landed_before = job.kind == Kind::kPremium && reason == "E_STATE" && change != nullptr && change->failures > 0;
  if (code == 0 || landed_before) {
    if (queued_s >= 0) {
      ++k.resent_applied;
      k.queue_wait_s.push_back(now - queued_s);
    } else {
      ++k.applied;
    }
    if (change != nullptr) change->applied_s = now;
    return true;
  }
  if (reason == "E_SWITCHOVER") {
    if (queued_s < 0) {
      queued_s = now;
      ++k.queued;
    }
    double again = now + kNoRetryAfterS;
    if (const auto t = parse_civil(retry_after)) again = std::max(now + 1, static_cast<double>(t->s - ctx_.civil_start.s));
    again = in_hours(again);
    if (again >= ctx_.end_s) {
      ++k.pending;
      return true;
    }
    push(job.kind, job.index, again);
    return false;
  }
  if (reason.empty()) {  // not answered (the core down, a deadline): the same request again
    int& failures = change != nullptr ? change->failures : claim_failures_[job.index];
    if (++failures < kMaxFailures && now + kUnansweredRetryS < ctx_.end_s) {
      push(job.kind, job.index, now + kUnansweredRetryS);
      return false;
    }
    ++k.failed;
    return true;
  }
  ++k.refused;
  ++k.refused_by_reason[reason];
  return true;
}

void Agency::send(const Job& job, double now) {
  LiveBridge& bridge = *ctx_.bridge;
  const CivilTime civil = ctx_.civil_start.plus_seconds(static_cast<int64_t>(std::floor(now)));
  if (job.kind == Kind::kManual) {
    ManualClaim& c = claims_[job.index];
    v1::ManualReimburseReply rep;
    const client::CallResult r = bridge.admin(&client::AdminAsync::ManualReimburse, c.request, &rep);
    KindCounts& k = by_what_["manual"];
    const uint64_t pending_before = k.pending;
    if (!settle_outcome(job, nullptr, k, static_cast<int>(r.code()), r.reason, r.retry_after, now)) return;
    if (r.ok()) {
      JournalEntry e;
      e.txn = kManualTxn;
      e.msgid = c.request.claim_no();
      e.fixmedins_code = c.request.fixmedins_code();
      e.dept_code = c.request.dept_code();
      e.psn_no = c.request.psn_no();
      fill_journal_split(rep.setlinfo(), &e);
      e.sim_time = now;
      e.outcome = JournalEntry::Outcome::kAcked;
      ctx_.metrics->journal(std::move(e));
      // The patient paid in full; the agency pays back all but the cash part of the record.
      ctx_.metrics->on_manual_settled(true, c.paid_fen - rep.setlinfo().psn_cash_pay(), now - c.care_s, now);
    } else if (k.pending == pending_before) {
      ctx_.metrics->on_manual_settled(false, 0, 0, now);  // refused, or given up unanswered
    }
    return;
  }
  Change& c = changes_[job.index];
  KindCounts& k = counts(job.kind, c.what);
  client::CallResult r;
  if (job.kind == Kind::kChange) {
    v1::UpsertPersonsRequest q;
    convert::to_proto(c.changed, q.add_persons());
    v1::UpsertReply rep;
    r = bridge.admin(&client::AdminAsync::UpsertPersons, q, &rep);
  } else if (job.kind == Kind::kFiling) {
    v1::UpsertFilingsRequest q;
    v1::FilingRecord* f = q.add_filings();
    f->set_psn_no(c.changed.psn_no);
    f->set_filing_type("2503");
    f->set_dise_codg("I11");  // the diagnosis the simulated chronic refills carry (requests.cc)
    f->set_begndate(format_date(civil.date()));
    v1::UpsertReply rep;
    r = bridge.admin(&client::AdminAsync::UpsertFilings, q, &rep);
  } else {
    v1::CollectPremiumRequest q;
    const models::Person p = ctx_.population->person(c.person);
    q.set_psn_no(p.psn_no);
    q.set_amount(ctx_.spec.premium_fen);
    const int32_t year = p.paid_through < civil.date() ? year_of(civil) : ymd(p.paid_through).year + 1;
    q.set_paid_through(format_date(make_date(year, 12, 31)));
    q.set_channel("tax-app");
    v1::CollectPremiumReply rep;
    r = bridge.admin(&client::AdminAsync::CollectPremium, q, &rep);
  }
  settle_outcome(job, &c, k, static_cast<int>(r.code()), r.reason, r.retry_after, now);
}

std::optional<models::Settlement> Agency::price(const models::Person& person, bool filing, const Shadow& sh,
                                                const SettledVisit& v, uint64_t index) const {
  const models::PolicySet* policy = ctx_.policies->in_force(v.care);
  if (policy == nullptr) return std::nullopt;
  const models::Population& pop = *ctx_.population;
  std::vector<models::PricedLine> lines;
  for (size_t i = 0; i < v.plans_used && i < v.plans->size(); ++i)
    for (const models::PlannedLine& l : (*v.plans)[i].lines)
      lines.push_back(models::PricedLine{l.item, l.price.v * 10000, l.units * 10000, l.amount(), false, false});
  std::vector<models::LineSplit> splits(lines.size());
  models::CareContext care;
  care.kind = v.kind;
  care.level = pop.facility_kind(v.facility);
  care.geography = models::geography_of(person.insuplc_admdvs, pop.facility(v.facility).admdvs);
  care.chronic_filing = filing || pop.has_chronic_filing(index);
  care.acct_used = true;
  Fen mulaid;
  if (const std::optional<uint64_t> rel = pop.mulaid_relative(index)) mulaid = pop.person(*rel).balc;
  models::Settlement s;
  if (!models::settle(*policy, models::person_state(person, sh.acc, sh.balc, mulaid), care, lines, splits, s).ok())
    return std::nullopt;
  return s;
}

void Agency::settled(const std::string& psn_no, const SettledVisit& v, double now) {
  auto it = shadows_.find(psn_no);
  if (it == shadows_.end()) return;
  Shadow& sh = it->second;
  if (sh.dropped) {
    ++unreproduced_;
    return;
  }
  const Change& ch = changes_[sh.change];
  const uint64_t index = ch.person;  // population index of the changed person
  const models::Person original = ctx_.population->person(index);
  const int32_t year = year_of(v.care);
  if (sh.year != year) {  // the shadow starts at the population's opening of the care year
    sh.acc = ctx_.population->opening_accumulators(index, year);
    if (sh.year == 0) sh.balc = original.balc;
    sh.year = year;
  }
  const bool applied = ch.applied_s >= 0 && ch.applied_s <= now;
  const bool filing = ch.what == "chronic_filing";
  const models::Person& as_is = applied && !filing ? ch.changed : original;
  const std::optional<models::Settlement> s0 = price(as_is, filing && applied, sh, v, index);
  if (!s0 || s0->fund_pay_sumamt.v != v.fund_pay || s0->acct_pay.v != v.acct_pay || s0->psn_cash_pay.v != v.cash_pay) {
    sh.dropped = true;  // the shadow no longer follows the core's accumulators
    ++unreproduced_;
    return;
  }
  ++repriced_ok_;
  const bool queued = ch.queued_s >= 0 && ch.queued_s <= now && !applied;
  if (queued) {
    ++stale_settlements_;
    int64_t would_pay = 0;  // fund + account under the change
    bool differs = false;
    if (ch.what == "stop") {
      differs = s0->fund_pay_sumamt.v + s0->acct_pay.v != 0;  // refused: the patient would have paid it all
    } else {
      const std::optional<models::Settlement> s1 = price(ch.changed, filing, sh, v, index);
      if (s1) {
        would_pay = s1->fund_pay_sumamt.v + s1->acct_pay.v;
        differs = s1->fund_pay_sumamt.v != s0->fund_pay_sumamt.v || s1->acct_pay.v != s0->acct_pay.v ||
                  s1->psn_cash_pay.v != s0->psn_cash_pay.v;
      }
    }
    if (differs) {
      ++altered_;
      const int64_t d = s0->fund_pay_sumamt.v + s0->acct_pay.v - would_pay;
      fund_diff_fen_ += d;
      abs_diff_fen_ += d < 0 ? -d : d;
    }
  }
  sh.acc += s0->delta;
  sh.balc = s0->balc_after;
}

bool Agency::departed(const std::string& psn_no, double now) const {
  auto it = shadows_.find(psn_no);
  if (it == shadows_.end()) return false;
  const Change& c = changes_[it->second.change];
  return c.what == "stop" && c.applied_s >= 0 && c.applied_s <= now;
}

void Agency::undone(const std::string& psn_no) {
  auto it = shadows_.find(psn_no);
  if (it != shadows_.end()) it->second.dropped = true;
}

nlohmann::json Agency::report() const {
  nlohmann::json calls = nlohmann::json::object();
  std::map<std::string, KindCounts> all = by_what_;
  // Changes still waiting in the queue at the end: pending at the horizon.
  auto q = jobs_;
  while (!q.empty()) {
    const Job j = q.top();
    q.pop();
    all[j.kind == Kind::kManual ? std::string("manual") : changes_[j.index].what].pending++;
  }
  for (const auto& [what, k] : all) {
    nlohmann::json refused = nlohmann::json::object();
    for (const auto& [reason, n] : k.refused_by_reason) refused[reason] = n;
    calls[what] = {{"planned", k.planned},       {"applied", k.applied},   {"queued_by_window", k.queued},
                   {"applied_after_queue", k.resent_applied}, {"refused", k.refused}, {"refused_by_reason", refused},
                   {"unanswered", k.failed},     {"pending", k.pending},   {"queue_wait_h", wait_quantiles(k.queue_wait_s)}};
  }
  return nlohmann::json{
      {"hours", {clock_text(ctx_.spec.open_s), clock_text(ctx_.spec.close_s)}},
      {"calls", calls},
      {"staleness",
       {{"tracked_persons", shadows_.size()},
        {"settlements_while_queued", stale_settlements_},
        {"altered", altered_},
        {"fund_and_account_diff_fen", fund_diff_fen_},
        {"abs_diff_fen", abs_diff_fen_},
        {"repriced", repriced_ok_},
        {"unreproduced", unreproduced_}}}};
}

}  // namespace yibao::sim
