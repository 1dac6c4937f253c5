// result.json of a run (DESIGN.md §5 "Outputs"): built from the scenario, the Metrics and what
// the engine knows about the run (spans, wall times, invariant results), with every SLO
// evaluated against the result itself and the verdict.
//
// Keys (schema_version 1; all amounts fen, latencies ms, rates per simulated second):
//   schema_version, scenario {name, file, question}, seed, mode ("modelled" | "live"),
//   verdict ("pass" | "fail"),
//   slo [{name, metric, op, threshold, measured, samples, min_samples, pass, detail}],
//   invariants [{id, pass, checked, detail, count, ids (first <= 20 offending ids), wall_s (D5
//           only: its read-back's wall seconds)}],
//   measured {from_s, to_s, span_s}            the span the figures cover (warm-up excluded),
//   throughput_per_s {settlements, messages, visits},
//   latency_ms {by_txn {"2207": Stat}, by_facility_type {"level2": Stat}},
//   core_ms {by_txn {"2207": Stat}}            the core's own service time, where reported,
//     Stat = {p50, p95, p99, max, mean, count},
//   counts {visits {ok, failed, open, total, by_facility_type {kind: {ok, failed, open}}},
//           sent, acknowledged, failed, unknown, late_sends, settlements,
//           in_house_at_start {stays, warm_up_calls, failed}   warm wards (WorkloadSpec), their
//             warm-up calls left out of every other count,
//           failed_by_reason {reason: n}, by_txn {"2207": {sent, acknowledged, failed, unknown}}},
//   queues {max {queue name: length}},
//   money {medfee_sumamt, fund_pay_sumamt, acct_pay, psn_cash_pay, settlements}
//           acknowledged settlements net of acknowledged cancels and reversals, whole run,
//   outage (with `switchover` or a cut path: fep, line, link, host faults) {windows [{window_id,
//           scope, start, end, state, note}] as the core lists them, cuts [{kind, target, line,
//           at, detected, restored (null: not in the run), standby (fep), patience_s, sites,
//           facilities, by_facility_type {type: n}, picked}] (PathCuts::report), lost_to_cut
//           (attempts posted on a cut path before it was known), backlog {offline_visits,
//           offline_fen, abandoned, manual_pending (claimed by manual reimbursement, in review at
//           the horizon), backfilled, backfill_failed, pending, drain_time_h (from the
//           outage's end — the last card_settlement window's, the last cut path's return — to
//           the last back-fill settled; null while any is pending)}, self_pay {patients,
//           paid_fen, owed_back_fen, wait_h {p50, p95, max, count}}, held_calls,
//           affected_by_facility_type {type: {offline, paid_fen}} (the patients who paid in
//           full, by the kind of facility), before_p99_ms (calls answered before the outage
//           began, warm-up excluded), recovery_p99_ms and recovery_calls (answered from its end
//           until the backlog drained, or the run's end; null: none), refusals_by_reason
//           {E_...: n}, converted_stays (stays converted to self-pay before an announced window),
//           manual {claims, paid_fen, pending, review_days}, wall_reconcile_s (the checker's
//           3201/3202 read-back, D5; live)},
//   card_reader (with card_reader faults) {reads (visits whose card was read in a storm),
//           failed_reads (bad cards), refused_1101 (their 1101s refused E_PSN_NOT_FOUND),
//           extra_s_per_read (the ID-card fallback's seconds per read in a storm)},
//   suspensions (with suspension faults) {suspensions [{suspension_id, scope, mode,
//           fixmedins_code, dept_code, psn_no, start, end, state, reason}] and held [{fixmedins_code,
//           held_fen, released_fen, withheld_fen, held_settlements}] as the core lists them,
//           refusals {reason: n} the suspension refusals met (E_FAC_SUSPENDED, E_FAC_TERMINATED,
//           E_DEPT_SUSPENDED, E_PSN_SUSPENDED)},
//   spans [{from, to, pace, speed, wall_s, wall_lag_ms {p50, p99, max, count} (paced spans)}]
//           live pacing spans (civil ISO times; the last `to` is where the simulation ended,
//           after the drain; speed 0 for max); [] modelled,
//   wall_s, wall_started (ISO 8601 UTC), wall_lag_ms {p50, p99, max, count} (live only: the
//           paced spans together).
// Only keys containing "wall" depend on the wall clock or the machine; everything else in a
// modelled result is a function of (scenario, seed). Doubles are rounded to 3 decimals and
// objects are ordered by key, so the same inputs give the same bytes.
//
// SLO metric paths are dotted paths into this JSON, e.g. "latency_ms.by_txn.2207.p99",
// "latency_ms.by_facility_type.pharmacy.p95", "throughput_per_s.settlements", "counts.failed",
// "counts.failed_by_reason.E_STATE", "wall_lag_ms.p99"; a number segment indexes a list
// ("spans.1.wall_lag_ms.p99", used by the per-span lag SLOs). "latency_ms.<txn>.<stat>" (DESIGN.md
// §6's short form) means "latency_ms.by_txn.<txn>.<stat>". A metric's samples are the `count` of
// the object holding it when there is one (a latency Stat), else counts.sent of the measured
// span. An SLO fails when the metric is absent or not a number, when samples < min_samples
// ("too few samples"), or when `measured op threshold` is false. The verdict is "fail" when any
// SLO or any invariant fails.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/status.h"
#include "sim/metrics.h"
#include "sim/scenario.h"

namespace yibao::sim {

// One invariant (D1..D7 of DOMAIN.md §7.4, or a scenario's own).
struct InvariantResult {
  std::string id;                 // "D1"
  bool pass = true;
  bool checked = true;            // false: could not be checked here (detail says why); pass
  std::string detail;             // one sentence: what was checked, or what broke
  uint64_t count = 0;             // offending items in total
  std::vector<std::string> ids;   // the first kMaxInvariantIds offending ids (msgid, setl_id...)
  double wall_s = -1;             // wall seconds its read-back took (D5: the reconciliation); -1: not timed
};
inline constexpr size_t kMaxInvariantIds = 20;
// Adds an offending id (kept when fewer than kMaxInvariantIds are kept) and fails `r`.
void add_offender(InvariantResult& r, const std::string& id);

// A live pacing span as it ran.
struct SpanInfo {
  std::string from;               // civil ISO time
  std::string to;                 // the next span's from; the last span: where the simulation ended
  std::string pace;               // "live" | "accelerated" | "max"
  double speed = 1;               // 0 for max
  double wall_s = 0;              // wall seconds the span took (the last one: the drain included)
  models::Histogram wall_lag;     // paced spans: µs of wall lag per slice; empty for max
  // Paced spans: a p99 of this span's wall lag above it fails the verdict (an SLO "wall_lag",
  // or "wall_lag <from>" per paced span when the run has several spans).
  std::optional<double> lag_tolerance_ms;
};

// What the engine knows about the run beyond the Metrics.
struct RunInfo {
  std::vector<SpanInfo> spans;    // live: the spans run; empty: derived from scenario.pace
  std::vector<InvariantResult> invariants;
  double wall_s = 0;              // wall seconds the run took
  std::string wall_started;       // ISO 8601 UTC
  // A wall_lag_ms.p99 above this fails the verdict (an SLO "wall_lag" is added); set, it
  // replaces the spans' own lag_tolerance_ms.
  std::optional<double> lag_tolerance_ms;
  // Switchover: the windows as the core listed them after the run (LiveCore::windows()).
  nlohmann::json windows;
  // Faults: the crashes as they ran (LiveCore::faults()).
  nlohmann::json faults;
  // Suspensions and held amounts as the core listed them after the run (LiveCore::suspensions()).
  nlohmann::json suspensions;
  // Cut paths (fep, line, link, host faults) as resolved: PathCuts::report(); and the simulated
  // second the last of them was back (-1: none; ∞: one is not back in the run).
  nlohmann::json cuts;
  double cuts_restored_s = -1;
  // The agency's calls and the staleness figure (Agency::report()); null when no agency ran.
  nlohmann::json agency;
};

struct SloResult {
  std::string name, metric, op;
  double threshold = 0;
  std::optional<double> measured;  // absent: the metric is not in the result
  uint64_t samples = 0;
  uint64_t min_samples = 0;
  bool pass = false;
  std::string detail;              // "", "too few samples", "metric not found", ...
};

// A value rounded to 3 decimals (stable float formatting in result.json).
double round3(double v);
// Waits given in seconds as result.json gives them, in hours: {p50, p95, max, count} (nulls when none).
nlohmann::json wait_quantiles(std::vector<double> waits_s);

// The whole result.json value, SLOs evaluated and verdict set.
nlohmann::json make_result(const Scenario& scenario, const Metrics& metrics, const RunInfo& run);
// The value at dotted `path` (with the short form above); nullptr if absent.
const nlohmann::json* find_metric(const nlohmann::json& result, const std::string& path);
// Evaluates one SLO against a result (which need not have its slo list yet).
SloResult evaluate_slo(const nlohmann::json& result, const Slo& slo);
// True when result["verdict"] is "pass". Exit code for the CLI: passed ? 0 : 3.
bool passed(const nlohmann::json& result);
// The bytes of result.json: 2-space indentation, keys sorted, trailing newline.
std::string dump_result(const nlohmann::json& result);
// Writes dump_result() to `path`. INTERNAL on an I/O failure.
Status write_result(const std::string& path, const nlohmann::json& result);
// Writes `text` to `path` (truncating): the one file writer of the run's outputs. INTERNAL on
// an I/O failure, naming the path.
Status write_text(const std::string& path, const std::string& text);

}  // namespace yibao::sim
