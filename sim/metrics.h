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

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/entities.h"
#include "models/histogram.h"

namespace yibao::sim {

// One acknowledged or attempted money-moving call (2207, 2208, 2304, 2305, 2102, 2103, 2601),
// as the simulator saw it. Amounts in fen as the reply stated them.
struct JournalEntry {
  int txn = 0;                   // transaction code
  std::string msgid;
  std::string fixmedins_code;
  std::string psn_no;
  std::string mdtrt_id;
  std::string setl_id;           // from the reply ("" unless acknowledged)
  std::string omsgid;            // 2601: the reversed msgid; cancels: the cancelled setl_id
  int64_t medfee_sumamt = 0;
  int64_t fund_pay_sumamt = 0;
  int64_t acct_pay = 0;
  int64_t psn_cash_pay = 0;
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

class Metrics {
 public:
  // `bucket_s`: width of a timeseries row (60 s = per simulated minute).
  explicit Metrics(double warmup_s = 0, double bucket_s = 60);

  // A call attempt left a facility at `now`; `late` if it left after its intended time by more
  // than the pacer's slack (live mode).
  void on_sent(int txn, double now, bool late);
  // A call completed (the final outcome of all its attempts). `status` is the grpc code number;
  // reason the yb-reason or a transport name ("DEADLINE_EXCEEDED").
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
  void journal(JournalEntry e);

  const std::vector<JournalEntry>& journal_entries() const { return journal_; }
  // ... accessors for result.json / timeseries / report (sim/report.*).

 private:
  double warmup_s_;
  double bucket_s_;
  std::vector<JournalEntry> journal_;
  // Implementation detail lives in metrics.cc.
};

}  // namespace yibao::sim
