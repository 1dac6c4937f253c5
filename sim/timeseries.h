// timeseries.csv of a run (DESIGN.md §5 "Outputs"): one row per Metrics bucket (per simulated
// minute by default) from second 0 to the last bucket with an event, empty buckets included,
// warm-up buckets flagged rather than dropped. Fixed columns, in this order:
//   minute            bucket index (start_s / bucket_s)
//   start_s           simulated second the bucket starts at
//   warmup            1 if the bucket starts before the warm-up ends, else 0
//   sent              call attempts that left a facility (retries included)
//   acknowledged      calls completed with status OK
//   failed            calls completed with a non-OK status (refusals and transport failures)
//   unknown           money-moving calls whose outcome stayed unknown (a 2601 follows)
//   late_sends        attempts sent later than intended beyond the pacer's slack (live)
//   settlements       acknowledged 2207 / 2304 / 2102
//   visits_ok, visits_failed   visits that ended in the bucket
//   settlements_per_s, messages_per_s   settlements and completed calls / bucket width
//   latency_p50_ms, latency_p99_ms, latency_count   calls answered by the core that completed in
//                     the bucket, latency from the intended send time
//   queue_max_counters, queue_max_fep, queue_max_county, queue_max_core, queue_max_other
//                     largest queue length seen in the bucket per queue class (sim/metrics.h)
//   offline, backfilled   switchover: visits that went offline, back-fills settled in the bucket
//   backlog           offline visits not yet back-filled, abandoned or failed, at the bucket's end
// Numbers with a fraction are printed with 3 decimals ("%.3f"), so the same Metrics give the
// same bytes. Thread safety: pure functions.
#pragma once

#include <string>

#include "models/status.h"
#include "sim/metrics.h"

namespace yibao::sim {

// The header line (no newline) and the whole file's text.
std::string timeseries_header();
std::string timeseries_csv(const Metrics& metrics);
// Writes timeseries_csv() to `path`. INTERNAL on an I/O failure.
Status write_timeseries(const std::string& path, const Metrics& metrics);

}  // namespace yibao::sim
