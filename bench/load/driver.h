// Driver: one yibao-load run from options to exit code.
//
//   connect (≤ connect_timeout) → Admin.GetStats (preset and seed must match the core's; the
//   population's year comes from it) → regenerate the population → pick and sign in the
//   facilities (9001) → [settle: prepare visits, untimed] → timed open-loop phase → drain →
//   report (stdout) → 0.
// Open loop: unit k is meant to start at t0 + k/R (or Poisson arrivals, seeded); every call's
// latency counts from that intended time, so a sender that falls behind does not hide the wait
// (late sends are counted). --max: a new unit starts whenever fewer than `window` are in flight.
// Exit codes: 0 a completed run (whatever the core refused: see the report), 1 a bad option, an
// unreachable core, a population mismatch or nothing to do (one line on stderr).
// Thread safety: run_load is a blocking call; one at a time per process is the intended use.
#pragma once

#include <cstdio>

#include "bench/load/options.h"

namespace yibao::load {

int run_load(const LoadOptions& options, std::FILE* out, std::FILE* err);

}  // namespace yibao::load
