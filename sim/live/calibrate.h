// Calibration of the modelled core from a real one (DESIGN.md §5 "Core hop"; `yibao-sim
// calibrate`). run_calibration():
//   1. uses the core at `core_address` (with its admin token file), or starts one itself
//      (sim/live/core_process.h: temporary SQLite ledger, --population/--seed);
//   2. reads Admin.GetStats (before);
//   3. runs a short live load of the visit mix against it: `yibao-load --mix visit` (outpatient
//      1101→2201→2203→2204→2206→2207 and pharmacy sales 1101→2101→2102, open loop at `rate`
//      visits+sales/s for `seconds`) as a child process, found like yibao-core ($YB_LOAD_BIN,
//      <dir of this program>/../bench/load/yibao-load, next to it, PATH). The simulator runs the
//      load generator of the end-to-end benchmark rather than a copy of its visit flows;
//   4. reads Admin.GetStats (after) and turns the difference into a Calibration
//      (calibration_from_stats).
//
// What the core's stats give, and the approximations taken (calibration_from_stats):
//   - per transaction code (≥ min_samples calls in the window): the core's server-side time
//     histogram, from arrival to reply. Every Settlement call is answered after its group commit,
//     so the service time outside the commit is taken as (latency − mean commit time), floored at
//     20 µs: median from the p50, sigma = ln(p90'/p50') / 1.2816 (lognormal), clamped to [0, 3].
//     Right at a light load (batches of a few calls: run calibration at a modest rate); under
//     heavy load queueing behind the writer inflates it;
//   - commit a + b × batch from the two per-batch histograms, which hold only marginals: a = the
//     commit time's 5th percentile (the smallest batches), b = (mean time − a) / mean batch size;
//   - workers and max_batch are not in the stats: taken from the options (the shipped 8 and
//     the core's 4096).
// Errors: one-line Status (core unreachable, yibao-load not found or failed with its last line,
// too few samples for any code).
// Thread safety: a blocking call; one at a time.
#pragma once

#include <cstdint>
#include <string>

#include "grpc/client/client_pool.h"
#include "models/status.h"
#include "sim/calibration.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::sim {

struct CalibrateOptions {
  std::string core_address;      // "" = start a core (population, seed below)
  std::string admin_token_file;  // with core_address: its admin token file (required then)
  client::TlsOptions tls;
  std::string population = "county";  // for a core started here
  uint64_t seed = 1;
  double seconds = 5;            // timed load
  double rate = 100;             // visits + sales per second
  int facilities = 50;           // facilities yibao-load drives
  std::string load_binary;       // "" = found as described above
  std::string core_binary;       // "" = find_core_binary("")
  uint64_t min_samples = 20;     // calls of a code needed to calibrate it
  int workers = 8;
  int max_batch = 4096;
};

Status run_calibration(const CalibrateOptions& options, Calibration* out);

// The calibration of the calls made between two GetStats replies of one core (`before` may be
// empty: a fresh core). `machine` becomes Calibration::machine. INVALID_ARGUMENT if no code has
// min_samples calls or the histograms cannot be read.
Status calibration_from_stats(const yibao::settlement::v1::GetStatsReply& before,
                              const yibao::settlement::v1::GetStatsReply& after, const CalibrateOptions& options,
                              const std::string& machine, Calibration* out);

}  // namespace yibao::sim
