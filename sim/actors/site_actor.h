// The site actor behind start_site (sim/actors/site.h): one object per site host, run by its
// SimGrid actor. Its work is split by concern: site.cc runs the day (arrivals, counter windows,
// visit scripts, sign-in, calls, answers, deadlines, retries, 2601); site_contingency.cc runs what
// facilities do when the core cannot be reached or refuses by notice (switchover windows, a cut
// path to the core, offline visits, back-fill). Internal to sim/actors: nothing else includes it.
//
// Thread safety: engine thread only (one actor owns one Site).
#pragma once

#include <simgrid/s4u/Mailbox.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/actors/event_queue.h"
#include "sim/actors/facility.h"
#include "sim/actors/requests.h"
#include "sim/actors/site.h"
#include "sim/actors/visit.h"
#include "sim/checker.h"
#include "sim/messages.h"
#include "sim/network_faults.h"

namespace yibao::sim::site_detail {

namespace s4u = simgrid::s4u;

// Event kinds of a site's EventQueue.
enum : uint32_t { kArrival = 1, kStepDone = 2, kDeadline = 3, kSignInDeadline = 4, kSignInAgain = 5, kBackfill = 6,
                  kRetry = 7, kPatience = 8, kConvert = 9 };

inline constexpr uint64_t kSignInTag = 1ULL << 63;
inline constexpr int kDeadlineExceeded = 4, kUnavailable = 14;  // grpc::StatusCode numbers
inline constexpr double kReverseRetryS = 5;  // a 2601 left unanswered is sent again after this
inline constexpr double kRetryBackoffS = 2;  // a call failed without an answer is sent again after this, doubling

class Site {
 public:
  Site(const SiteContext* ctx, SiteSpec spec) : ctx_(ctx), spec_(std::move(spec)) {}

  void run();

 private:
  Facility& facility_of(const VisitState& v) { return facilities_[v.fac]; }

  // A call (or sign-in) goes out or comes back: `flag` is its VisitState::outstanding or
  // Facility::signing; in_flight_ counts those set.
  void set_in_flight(bool& flag, bool on);

  // Nothing more can happen here: no call awaits an answer and the next event (a long stay's
  // next day) lies past the drain. The site ends now instead of sleeping through the drain (a
  // live run's drain is paced wall time).
  bool idle_till_the_end() const;
  double drain_end() const { return ctx_->end_s + ctx_->drain_s; }
  CivilTime civil(double t) const { return ctx_->civil_start.plus_seconds(static_cast<int64_t>(t)); }

  void setup();

  // The stays in progress at second 0 of facility `fac` (make_in_house_script: each warms up
  // at its first call inside the run).
  void warm_ward(uint32_t fac);

  bool generated(models::VisitKind k) const;

  void schedule_arrival(uint32_t fac, models::VisitKind kind, double from);

  void handle(const Event& e, double now);

  void new_visit(uint32_t fac, models::VisitKind kind, double now);

  // A new visit of `person` at facility `fac` (its script and fee plans are the caller's to fill).
  VisitState& open_visit(uint32_t fac, models::VisitKind kind, const models::Person& person, double now);

  // Runs the visit's steps from pc until one has to wait.
  void advance(VisitState& v, double now);

  void release_window(VisitState& v, double now);

  void finish(VisitState& v, double now);

  // The visit is in a warm ward's warm-up (its admission or a catch-up upload).
  static bool warming_up(const VisitState& v) { return v.in_house && v.pc < v.warm_steps; }


  // ---- Calls ----------------------------------------------------------------------------

  std::string next_msgid(Facility& f, double now);

  bool signed_in(const Facility& f, double now) const;

  void start_call(VisitState& v, Rpc rpc, double now);

  void send_attempt(VisitState& v, double now);

  void sign_in(uint32_t fac, double now);

  // Sends one attempt of facility f to the core (the transfer is simulated); the answer comes
  // back on this site's inbox.
  void post(std::unique_ptr<CoreRequest> req, const Facility& f, double now);

  void on_sign_in(std::unique_ptr<CoreReply> r, double now);

  void on_reply(std::unique_ptr<CoreReply> r, double now);

  // Journals the outcome of v's current call; `r` is its answer (null when none came).
  void journal(const VisitState& v, const Facility& f, const CoreReply* r, JournalEntry::Outcome outcome, double now);

  // The same msgid again, if retries are left: at once after a deadline (the wait is over), after
  // `backoff_s` × 2^(attempt − 1) after a failure without an answer (a restarting core is not
  // hammered within milliseconds).
  bool retry(VisitState& v, double now, double backoff_s = 0);

  // The share of failed card reads of a card-reader storm hitting facility f at `now` (the
  // largest when several do), or -1 when none does.
  double storm_failure(const Facility& f, double now) const;

  // The call v waits on is given up and the script goes on (a back-fill's 2202 of the
  // registration left open offline: the back-fill does not depend on it).
  void skip_step(VisitState& v, double now);

  // A settlement refused E_SUM_MISMATCH after its pre-settlement: the split went stale (the
  // person settled another visit meanwhile, which moved the accumulators or the account). The
  // HIS pre-settles again and settles with the new split, once a visit: true when v's pc now
  // points at its pre-settlement call.
  bool presettle_again(VisitState& v);

  void on_deadline(uint64_t id, uint16_t call_seq, int attempt, double now);

  // All attempts failed without an answer: a money-moving call is reversed (2601 with the
  // original msgid, DOMAIN.md §3.4); anything else ends the visit as failed.
  void unknown_outcome(VisitState& v, double now);

  // ---- Switchover (DOMAIN.md §7.1–7.3) ------------------------------------------------------

  // The end of an announced card_settlement window in force at `now` if it refuses `rpc`
  // (everything but sign-in and 1101: windows.h).
  std::optional<double> announced_window_end(Rpc rpc, double now) const;

  // D6's record of an answer a card_settlement window had to judge (WindowCall): a refusal
  // E_SWITCHOVER, or an answer OK inside a window to a call it refuses. Live runs only.
  void audit_window(const CoreReply& r);

  // v's call is refused by a window reopening at `reopen_s` (or not sent: an announced window).
  // A stay, a back-fill or a 2601 waits for the reopening and calls again (the hospital holds
  // the bill; never retried into the window); an outpatient visit or a sale goes offline.
  void on_switchover(VisitState& v, double reopen_s, double now);
  // A visit whose call waits for a window's end or a cut path rather than going offline: a
  // stay, a back-fill, a 2601 of an unknown outcome.
  static bool waits_for_the_core(const VisitState& v);

  // The patient pays in full and leaves with the receipt; the facility enters the visit again
  // after the window (back-fill), at most backfill_rate_per_hour a facility, unless abandoned.
  void go_offline(VisitState& v, double reopen_s, double now);
  // The agency's part (sim/actors/agency.h): an acknowledged settlement or 2601 of a person whose
  // change it tracks (the staleness figure), and an offline visit claimed by manual reimbursement.
  void tell_agency(const VisitState& v, const google::protobuf::Message& reply, double now);
  void claim_manually(const VisitState& v, int64_t paid_fen, double now);

  // ---- A cut path to the core (scenario fep, line, link, host; sim/network_faults.h) ----------

  // The cut holding this site's path at `now` (known or not: a call posted now is lost), or null.
  const PathCut* cut_at(double now) const;
  // The same once its staff know it (past detected_s), or null.
  const PathCut* known_cut(double now) const;
  // v's call meets a known cut. `sent`: an attempt of it went out before (and was lost), so it is
  // resumed with the same msgid. A stay, a back-fill or a 2601 waits for the path; a patient at
  // the counter waits up to the cut's patience (kPatience), then pays in full and leaves (an
  // unknown money-moving outcome is reversed first, the 2601 waiting for the path).
  void on_cut(VisitState& v, const PathCut& cut, bool sent, double now);

  // ---- Stays across an announced window (DOMAIN.md §7.1, §7.3 "convert to self-pay") ------

  // A kConvert event kConvertAheadS before each announced card_settlement window.
  void schedule_conversions();
  // Converts the stays in progress (admitted, warmed up, next call a fee upload, nothing in
  // flight): a 2404 on their behalf (a side call), and they are admitted again after the window.
  void convert_stays(double now);
  // v, converted, meets its first call after the window: a back-filled admission (its true
  // admission time) and its fee plans uploaded again come first.
  void readmit(VisitState& v, double now);

  // The first simulated second at or after t when the counters back-fill (scenario
  // backfill.hours; the civil day's opening and closing).
  double backfill_slot(double t) const;

  // Back-fill of offline visit `index` at a counter window (make_backfill_script; the calls
  // carry backfill_flag = 1 and the true care time). Not started past the run's end: pending.
  void start_backfill(uint64_t index, double now);

  const SiteContext* ctx_;
  SiteSpec spec_;
  s4u::Mailbox* inbox_ = nullptr;
  std::vector<Facility> facilities_;
  std::unordered_map<uint64_t, VisitState> visits_;
  std::vector<OfflineVisit> offline_;
  EventQueue events_;
  uint64_t next_visit_id_ = 1;
  uint64_t started_ = 0;
  int in_flight_ = 0;    // calls and sign-ins awaiting an answer (set_in_flight)
  bool closing_ = false;  // past the drain: answers are taken, no call starts
};

}  // namespace yibao::sim::site_detail
