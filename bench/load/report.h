// The printed summary of a yibao-load run: what was sent and acknowledged, failures by reason,
// throughput, and the latency table (p50/p95/p99/max in ms per transaction code, per whole unit
// and overall), ending with one machine-readable line for scripts:
//   RESULT mix=settle mode=max sent=N acked=N failed=N late=N elapsed_s=X throughput=X
//          calls_per_s=X p50_ms=X p95_ms=X p99_ms=X max_ms=X
// where throughput counts acknowledged units per second (settlements, visits + sales, echoes)
// and the percentiles are those of the mix's unit (2207, whole visits + sales, echo).
// Pure printing; thread-safe on distinct arguments.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "bench/load/options.h"
#include "bench/load/recorder.h"

namespace yibao::load {

struct RunSummary {
  Mix mix = Mix::kSettle;
  bool max = false;
  double rate = 0;
  bool poisson = false;
  int window = 0;
  double send_s = 0;      // length of the sending phase
  double elapsed_s = 0;   // first intended send → last reply
  uint64_t units_sent = 0;
  uint64_t units_ok = 0;
  uint64_t units_failed = 0;
  uint64_t late = 0;      // sends ≥ 1 ms after their intended time
  double max_late_ms = 0;
  bool pool_exhausted = false;
  uint64_t pool = 0;      // settle: visits prepared
  std::map<std::string, uint64_t> failures;  // unit failures by reason
};

void print_report(std::FILE* out, const RunSummary& s, const Snapshot& snap);

}  // namespace yibao::load
