// Metrics: what a run measures (DESIGN.md §5 "Outputs"), fed by the actors as calls complete,
// and the journal of every money-moving request and outcome that the checker (sim/checker.*)
// compares with the ledger at the end.
//
// All times are simulated seconds since the scenario's start except fields named *wall*.
// Latency is recorded from the call's intended send time (no coordinated omission). Histograms
// are models::Histogram (microseconds), one per transaction code and per facility kind, merged
// in a fixed order, so a modelled run's figures are a pure function of (scenario, seed).
//
// Thread safety: none; called from actors (one engine thread) and, after the run, from the
// main thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/entities.h"
#include "models/histogram.h"
#include "models/population_preset.h"

namespace yibao::sim {

// A call a card_settlement window had to judge (DOMAIN.md §7.4 D6, §11.14), as a site saw it:
// every call refused E_SWITCHOVER, and every call answered OK at a core second inside a window
// of the scenario (kinds the window answers, 9001 and 1101, are counted, not kept). `at` is the
// core's clock when it judged the call: in a live run on the admin clock, civil start +
// floor(hand-over time) (sim/live/live_bridge.h).
struct WindowCall {
  CivilTime at;
  int txn = 0;
  std::string msgid;
  bool refused = false;  // E_SWITCHOVER
};

// One acknowledged or attempted money-moving call (2207, 2208, 2304, 2305, 2102, 2103, 2601),
// as the simulator saw it. Amounts in fen as the reply stated them.
struct JournalEntry {
  int txn = 0;                   // transaction code
  std::string msgid;
  std::string fixmedins_code;
  std::string dept_code;         // the department the visit registered in ("" if none)
  std::string psn_no;
  std::string mdtrt_id;
  std::string setl_id;           // from the reply ("" unless acknowledged)
  std::string omsgid;            // 2601: the reversed msgid; cancels: the cancelled setl_id
  int64_t medfee_sumamt = 0;
  int64_t fund_pay_sumamt = 0;
  int64_t acct_pay = 0;
  int64_t psn_cash_pay = 0;
  // The rest of the reply's split, filled by fill_journal_split() (sim/checker.h) from the
  // SetlInfo; `has_split` says they were. medfee = fund + acct + acct_mulaid + cash + hosp_part
  // (DOMAIN.md §4.2 I4+I5); the fund layers feed the accumulators D7 checks.
  bool has_split = false;
  int64_t acct_mulaid_pay = 0;
  int64_t hosp_part_amt = 0;
  int64_t hifp_pay = 0;
  int64_t hifob_pay = 0;
  int64_t hifmi_pay = 0;
  int64_t cvlserv_pay = 0;
  int64_t hifes_pay = 0;
  int64_t maf_pay = 0;
  int64_t oth_pay = 0;
  std::string insutype;          // SetlInfo.insutype ("310", "390")
  // A back-fill (scenario `backfill`): 1, and the care time it was entered with (envelope text,
  // "2024-03-04 08:25:13"); the ledger's row must say the same (D4). 0 for a real-time call.
  int backfill_flag = 0;
  std::string backfill_care;
  std::string setl_time;         // SetlInfo.setl_time, the core's commit time (civil)
  std::string care_time;         // SetlInfo.care_time: its year is the care year D7 asks 5206 for
  double sim_time = 0;           // when the outcome became known
  // kAcked: infcode 0 received; kRefused: a business refusal (nothing stored);
  // kUnknown: deadline / transport failure after all retries (then a 2601 follows).
  enum class Outcome : uint8_t { kAcked, kRefused, kUnknown } outcome = Outcome::kAcked;
  std::string reason;            // refusal or transport reason
};

// A sample of one queue (counter windows of a site, a FEP, the core) at a simulated time.
struct QueueSample {
  std::string queue;
  double time = 0;
  uint64_t length = 0;
};

// Name of a facility kind in result.json and queue names: "village", "primary", "level1",
// "level2", "level3", "pharmacy".
inline std::string_view facility_type_name(models::Level l) {
  switch (l) {
    case models::Level::kVillage: return "village";
    case models::Level::kPrimary: return "primary";
    case models::Level::kLevel1: return "level1";
    case models::Level::kLevel2: return "level2";
    case models::Level::kLevel3: return "level3";
    case models::Level::kPharmacy: return "pharmacy";
  }
  return "unknown";
}
// The kind of a facility_type_name ("level3"...); nullopt for any other text.
inline std::optional<models::Level> facility_kind_named(std::string_view type) {
  for (models::Level l : models::kKindOrder)
    if (facility_type_name(l) == type) return l;
  return std::nullopt;
}

// Calls of one transaction code, in the measured span.
struct TxnCounts {
  uint64_t sent = 0;          // attempts that left a facility (retries included)
  uint64_t acknowledged = 0;  // completed with status OK
  uint64_t failed = 0;        // completed with a non-OK status (refusal or transport)
  uint64_t unknown = 0;       // money-moving calls whose outcome stayed unknown (on_unknown)
};

// Visits of one facility kind, in the measured span.
struct VisitCounts {
  uint64_t ok = 0;
  uint64_t failed = 0;
  uint64_t open = 0;  // still open at the end (on_open_visit)
};

// The warm wards (WorkloadSpec::in_house_at_start): stays in progress at the start, and their
// warm-up calls (admission, catch-up uploads), which are left out of every other figure.
struct InHouseCounts {
  uint64_t stays = 0;
  uint64_t warm_up_calls = 0;
  uint64_t failed = 0;  // warm-up calls refused or unanswered (the stay then ends, uncounted)
};

// An outage's effect (a card_settlement window, scenario `switchover`, or a cut path, `faults`
// fep/line/link/host; `backfill`; DOMAIN.md §7.2–7.3): visits that went offline (the patient paid
// in full), their back-fill after it, and the calls that waited for its end. Whole run (warm-up included: an outage is one event).
struct OutageCounts {
  uint64_t offline = 0;          // outpatient visits and sales that went offline
  int64_t offline_fen = 0;       // what their patients paid in full
  std::map<std::string, std::pair<uint64_t, int64_t>> by_facility_type;  // type -> (offline, fen)
  uint64_t abandoned = 0;        // never back-filled in real time (manual reimbursement)
  uint64_t backfilled = 0;       // back-filled and settled (backfill_flag = 1)
  uint64_t backfill_failed = 0;  // back-fills refused or left unknown
  int64_t owed_back_fen = 0;     // fund + account + mutual aid of the back-fills: owed to the patients
  uint64_t held_calls = 0;       // calls that waited for a window's end or a cut path (stays, back-fills, 2601)
  uint64_t lost_to_cut = 0;
  uint64_t converted_stays = 0;
  uint64_t manual_claims = 0;    // offline visits claimed by manual reimbursement at the agency
  int64_t manual_fen = 0;        // what those patients paid in full
  uint64_t manual_reimbursed = 0;  // entered by the agency (Admin.ManualReimburse acknowledged)
  uint64_t manual_refused = 0;     // refused with a reason, or left unanswered
  int64_t manual_owed_fen = 0;     // paid in full − the record's psn_cash_pay: paid back to the patients
  std::vector<double> manual_wait_s;  // per reimbursement: care time → entered, seconds
  double last_backfill_s = -1;   // simulated time of the last back-fill settled
  std::vector<double> wait_s;    // per back-fill: care time → settled, seconds
};

// Card reads during card-reader storms (scenario `faults` card_reader), whole run.
struct StormCounts {
  uint64_t reads = 0;    // visits whose card was read during a storm
  uint64_t failed = 0;   // of them, a bad card (a refused 1101, then the ID card)
  double extra_s = 0;    // the fallback seconds they added at the windows
};

// The queue name of a facility kind's counter windows ("counters.level2"), built once (sites
// report a queue length at every window).
const std::string& counters_queue_name(models::Level kind);

// One row of timeseries.csv: what happened in [start_s, start_s + bucket_s). Every bucket is
// kept, warm-up ones too (flagged), so the plots show the run from its start.
struct Bucket {
  double start_s = 0;
  bool warmup = false;        // starts before the warm-up ends
  uint64_t sent = 0;
  uint64_t acknowledged = 0;
  uint64_t failed = 0;
  uint64_t unknown = 0;
  uint64_t late_sends = 0;
  uint64_t settlements = 0;   // acknowledged 2207 / 2304 / 2102
  uint64_t visits_ok = 0;
  uint64_t visits_failed = 0;
  models::Histogram latency;  // calls answered in this bucket (by completion time), µs
  // Largest queue length seen in the bucket, per queue class (queue_class()).
  std::map<std::string, uint64_t> queue_max;
  // Switchover: visits that went offline, back-fills settled, and the change of the backlog
  // (offline − back-filled − abandoned − back-fills that failed) in the bucket.
  uint64_t offline = 0;
  uint64_t backfilled = 0;
  int64_t backlog_change = 0;
};

// The class of a queue name: its text up to the first '.' or ':' ("counters.level2" ->
// "counters", "core" -> "core"). timeseries.csv has one column per class of kQueueClasses.
std::string queue_class(const std::string& queue);
// The fixed queue classes of timeseries.csv, in column order; any other class is "other".
inline constexpr const char* kQueueClasses[] = {"counters", "fep", "county", "core", "other"};

// Transaction codes of settlements (2207 / 2304 / 2102), their cancels and the reversal.
bool is_settlement_txn(int txn);
bool is_cancel_txn(int txn);
// The journal's code of a manual reimbursement record (Admin.ManualReimburse, infno MR01): not a
// wire transaction; outside the facility's 3201/3202 (D1, D5), inside D3 and D7.
inline constexpr int kManualTxn = 9801;
inline bool is_manual_txn(int txn) { return txn == kManualTxn; }
inline constexpr int kReversalTxn = 2601;

// Money of the acknowledged settlements net of acknowledged cancels (whose replies state
// negative amounts) and of acknowledged reversals (2601, which take back the amounts of the
// journaled original they name); whole run, fen. A msgid counts once.
struct MoneyTotals {
  int64_t medfee_sumamt = 0;
  int64_t fund_pay_sumamt = 0;
  int64_t acct_pay = 0;
  int64_t psn_cash_pay = 0;
  int64_t settlements = 0;  // settlements - cancels - reversed settlements + reversed cancels
};
MoneyTotals money_totals(const std::vector<JournalEntry>& journal);

class Metrics {
 public:
  // `warmup_s`: events before it are left out of every figure except the timeseries rows
  // (which flag them). `bucket_s`: width of a timeseries row (60 s = per simulated minute).
  explicit Metrics(double warmup_s = 0, double bucket_s = 60);

  // A call attempt left a facility at `now`; `late` if it left after its intended time by more
  // than the pacer's slack (live mode).
  void on_sent(int txn, double now, bool late);
  // A call completed (the final outcome of all its attempts). `status` is the grpc code number;
  // reason the yb-reason or a transport name ("DEADLINE_EXCEEDED"). Latency (now - intended) is
  // recorded for calls the core answered (status OK, or a refusal whose reason starts "E_");
  // transport failures are counted, not timed. `core_s` > 0: the core's own service time.
  // The call counts in the span when `now` >= warm-up.
  void on_call(int txn, models::Level facility_kind, double intended, double now, double core_s, int status,
               const std::string& reason);
  // A visit (outpatient, pharmacy sale, inpatient stay) ended, successfully or not.
  void on_visit(models::Level facility_kind, bool ok, double now);
  // A queue length observed (on change, or periodically).
  void on_queue(const std::string& queue, double now, uint64_t length);
  // A money-moving call whose outcome stayed unknown after all retries (a 2601 follows).
  void on_unknown(int txn, double now);
  // A visit still open when the run ended (a stay longer than the run, calls beyond the drain).
  void on_open_visit(models::Level facility_kind);
  // Live mode: the lag of simulated behind wall time at a pacing slice, milliseconds.
  void on_wall_lag(double lag_ms);
  // Live mode: the pacer's whole lag histogram (µs) and the bridge's count of late hand-overs.
  void add_wall_lag(const models::Histogram& lag_us) { wall_lag_ += lag_us; }
  void add_late_sends(uint64_t n) { late_sends_ += n; }
  // Warm wards: a stay in progress at the start; one of their warm-up calls completed.
  void on_in_house_stay() { ++in_house_.stays; }
  void on_warm_up_call(bool ok) {
    ++in_house_.warm_up_calls;
    if (!ok) ++in_house_.failed;
  }
  // Switchover: a visit went offline paying `paid_fen`; one was abandoned; a back-fill ended
  // (settled: `owed_fen` owed back, `wait_s` since the care time); a call waited for a window.
  void on_offline(models::Level facility_kind, int64_t paid_fen, double now) {
    ++outage_.offline;
    outage_.offline_fen += paid_fen;
    auto& [n, fen] = outage_.by_facility_type[std::string(facility_type_name(facility_kind))];
    ++n;
    fen += paid_fen;
    Bucket& b = bucket_at(now);
    ++b.offline;
    ++b.backlog_change;
  }
  void on_abandoned(double now) {
    ++outage_.abandoned;
    --bucket_at(now).backlog_change;
  }
  void on_manual_claim(int64_t paid_fen, double now) {
    ++outage_.manual_claims;
    outage_.manual_fen += paid_fen;
    --bucket_at(now).backlog_change;
  }
  // The agency entered a manual claim (`owed_fen` paid back, `wait_s` after the care) or it was
  // refused / left unanswered.
  void on_manual_settled(bool reimbursed, int64_t owed_fen, double wait_s, double now) {
    (void)now;
    if (!reimbursed) {
      ++outage_.manual_refused;
      return;
    }
    ++outage_.manual_reimbursed;
    outage_.manual_owed_fen += owed_fen;
    outage_.manual_wait_s.push_back(wait_s);
  }
  void on_backfill(bool settled, int64_t owed_fen, double wait_s, double now) {
    Bucket& b = bucket_at(now);
    --b.backlog_change;
    if (!settled) {
      ++outage_.backfill_failed;
      return;
    }
    ++b.backfilled;
    ++outage_.backfilled;
    outage_.owed_back_fen += owed_fen;
    outage_.wait_s.push_back(wait_s);
    outage_.last_backfill_s = std::max(outage_.last_backfill_s, now);
  }
  void on_held_for_window() { ++outage_.held_calls; }
  void on_converted() { ++outage_.converted_stays; }
  void on_lost_to_cut() { ++outage_.lost_to_cut; }
  void on_window_call(WindowCall c) { window_calls_.push_back(std::move(c)); }
  // A card read during a card-reader storm: failed (a bad card) and the seconds it added.
  void on_storm_read(bool failed, double extra_s) {
    ++storm_.reads;
    if (failed) ++storm_.failed;
    storm_.extra_s += extra_s;
  }
  // Appends to the journal (every entry, warm-up included: the checker needs all of them).
  void journal(JournalEntry e);
  // The simulated end of the run (default: the latest event time seen); sets the measured span
  // [warm-up, end] that throughput divides by.
  void set_end(double end_s) { end_s_ = end_s; }

  // ---- Accessors (result.json, timeseries.csv, report.html) --------------------------------
  const std::vector<JournalEntry>& journal_entries() const { return journal_; }
  const std::vector<WindowCall>& window_calls() const { return window_calls_; }
  const StormCounts& storm() const { return storm_; }
  double warmup_s() const { return warmup_s_; }
  double bucket_s() const { return bucket_s_; }
  // The measured span [warmup_s, end_s()], seconds; end_s() >= warmup_s.
  double end_s() const;
  double measured_s() const { return end_s() - warmup_s_; }

  // Latency from the intended send time, µs, per transaction code and per facility kind.
  const std::map<int, models::Histogram>& latency_by_txn() const { return latency_by_txn_; }
  const std::map<models::Level, models::Histogram>& latency_by_kind() const { return latency_by_kind_; }
  // The core's service time, µs, per transaction code (only calls that reported one).
  const std::map<int, models::Histogram>& core_by_txn() const { return core_by_txn_; }
  const std::map<int, TxnCounts>& counts_by_txn() const { return counts_by_txn_; }
  const std::map<models::Level, VisitCounts>& visits_by_kind() const { return visits_by_kind_; }
  // Failed calls by reason (yb-reason, a transport name, or "grpc_<code>" when none).
  const std::map<std::string, uint64_t>& failed_by_reason() const { return failed_by_reason_; }
  uint64_t late_sends() const { return late_sends_; }
  const InHouseCounts& in_house() const { return in_house_; }
  const OutageCounts& outage() const { return outage_; }
  // Largest length seen per queue name over the measured span.
  const std::map<std::string, uint64_t>& queue_max() const { return queue_max_; }
  const models::Histogram& wall_lag() const { return wall_lag_; }  // µs (on_wall_lag × 1000)
  // Timeseries rows keyed by bucket index (floor(time / bucket_s)), only buckets that saw an
  // event; buckets() fills the gaps with empty rows from 0 to the last one.
  std::vector<Bucket> buckets() const;

  // Totals over counts_by_txn().
  TxnCounts totals() const;
  // Acknowledged settlements (2207 / 2304 / 2102) in the measured span.
  uint64_t settlements() const;

 private:
  bool measured(double t) const { return t >= warmup_s_; }
  Bucket& bucket_at(double t);
  void seen(double t);

  double warmup_s_;
  double bucket_s_;
  double end_s_ = -1;        // set_end; < 0 = the latest event
  double last_event_s_ = 0;
  std::vector<JournalEntry> journal_;
  std::vector<WindowCall> window_calls_;
  StormCounts storm_;
  std::map<int, models::Histogram> latency_by_txn_;
  std::map<models::Level, models::Histogram> latency_by_kind_;
  std::map<int, models::Histogram> core_by_txn_;
  std::map<int, TxnCounts> counts_by_txn_;
  std::map<models::Level, VisitCounts> visits_by_kind_;
  std::map<std::string, uint64_t> failed_by_reason_;
  std::map<std::string, uint64_t> queue_max_;
  uint64_t late_sends_ = 0;
  InHouseCounts in_house_;
  OutageCounts outage_;
  models::Histogram wall_lag_;
  std::map<int64_t, Bucket> buckets_;
};

}  // namespace yibao::sim
