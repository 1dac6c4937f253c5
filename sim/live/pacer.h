// The wall-clock pacer of live mode (DESIGN.md §5): SimGrid 3.32 has no real-time mode, so the
// main thread runs the engine in slices with Engine::run_until, each up to the simulated time
// the wall clock has reached at the pace's speed: target = sim0 + (wall − wall0) × speed.
//
// One loop turn:
//   1. run_until(target), the target capped at end_sim_s and at clock + max_slice_ms of wall
//      time × speed (so a late engine still turns round often enough to deliver replies);
//   2. record the lag of simulated behind wall time: wall now − wall(simulated now), in ms
//      (models::Histogram; its values are µs);
//   3. if completions are queued, let the bridge make its deliverer actor and run_until(now):
//      replies are delivered at the current simulated time, then travel the simulated network back;
//   4. wait on the bridge's condition variable until the next slice is due (slice_ms of wall
//      after the simulated now) or a completion arrives, whichever is first.
// At end_sim_s the loop goes on, paced, until every request the bridge took has been delivered
// (or drain_s of wall time passed), then releases the bridge's keeper and returns. In-transit
// replies may still be on the simulated network: the caller may finish with Engine::run() once
// its own actors end by themselves (the bridge's daemons do not keep the engine alive).
//
// Speed must be > 0: the unpaced `max` pace (speed 0) belongs to the drills issue and is refused.
// Thread safety: main thread only, outside any actor; one call at a time.
#pragma once

#include <cstdint>

#include "models/histogram.h"
#include "models/status.h"
#include "sim/live/live_bridge.h"

namespace simgrid::s4u {
class Engine;
}

namespace yibao::sim {

struct PaceOptions {
  double slice_ms = 1;        // wall time between slices when nothing arrives
  double max_slice_ms = 20;   // most wall-equivalent simulated time one run_until covers
  double drain_s = 35;        // wall time allowed after end_sim_s for outstanding replies
};

struct PaceResult {
  double sim_end_s = 0;       // simulated time reached
  double wall_s = 0;          // wall time of the paced run (drain included)
  uint64_t slices = 0;        // run_until calls for pacing
  uint64_t deliveries = 0;    // deliverer actors made
  int64_t undelivered = 0;    // requests still outstanding when the drain gave up
  models::Histogram wall_lag; // per slice, µs of wall time simulated time was behind
  uint64_t late_sends = 0;    // the bridge's count at the end (hand-overs > late_ms late)

  double wall_lag_ms(double q) const { return wall_lag.empty() ? 0 : wall_lag.quantile(q) / 1000; }
  double wall_lag_max_ms() const { return wall_lag.empty() ? 0 : wall_lag.max() / 1000; }
};

// Runs `engine` paced to the wall clock from its current simulated time to `end_sim_s` at
// `speed` simulated seconds per wall second (see the header note). INVALID_ARGUMENT if speed is
// not > 0 (naming the `max` pace as not built) or end_sim_s lies before the engine's clock.
Result<PaceResult> run_paced(simgrid::s4u::Engine& engine, double end_sim_s, double speed, LiveBridge& bridge,
                             const PaceOptions& options = {});

}  // namespace yibao::sim
