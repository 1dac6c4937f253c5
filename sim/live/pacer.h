// The wall-clock pacer of live mode (DESIGN.md §5): SimGrid 3.32 has no real-time mode, so the
// main thread runs the engine in slices with Engine::run_until. A run is a list of spans
// (scenario `pace`), each from its start to the next one's (the last one to end_sim_s, drain
// included); every visit is simulated in every span, only the wall pacing changes.
//
// A paced span (live: speed 1, accelerated: speed N) runs each slice up to the simulated time
// the wall clock has reached at the span's speed: target = sim0 + (wall − wall0) × speed, where
// (wall0, sim0) is the span's start. One loop turn:
//   1. run_until(target), the target capped at the span's end and at clock + max_slice_ms of
//      wall time × speed (so a late engine still turns round often enough to deliver replies);
//   2. record the lag of simulated behind wall time: wall now − wall(simulated now), in ms
//      (models::Histogram; its values are µs), into the span's histogram;
//   3. if completions are queued, let the bridge make its deliverer actor and run_until(now):
//      replies are delivered at the current simulated time, then travel the simulated network back;
//   4. wait on the bridge's condition variable until the next slice is due (slice_ms of wall
//      after the simulated now) or a completion arrives, whichever is first.
//
// A `max` span (speed 0) is unpaced. The reading taken: a reply of the core arrives at the
// simulated instant its request reached the core — the core's service takes no simulated time,
// however long it takes on the wall. So while any call is outstanding the simulated clock STANDS
// STILL: the bridge's receiver, having handed a request over, takes the requests that reached
// the core at that same instant, then blocks the engine until every outstanding call has
// completed, delivering each reply as it comes (LiveBridge::set_unpaced); and if a span begins
// with calls still outstanding from a paced span, the main thread waits for them, delivering
// each with run_until(now), before the clock moves. When nothing is in flight the engine runs as
// fast as it goes (run_until in steps of max_step_s simulated seconds). Consequences: no wall lag
// exists (none is recorded), a facility's simulated timeout never fires on the core's account
// (the gRPC deadline is the simulated wait taken as wall time), and calls are concurrent only
// when they reach the core at the same simulated instant — max measures the simulation's pace
// through idle time, not the core's throughput (an accelerated span at a speed above the core's
// rate does that, bench/sim_live.sh).
//
// At the end of the last span the loop goes on — paced, or standing still in max — until every
// request the bridge took has been delivered (or drain_s of wall time passed), then releases the
// bridge's keeper and returns. In-transit replies may still be on the simulated network: the
// caller may finish with Engine::run() once its own actors end by themselves (the bridge's daemons
// do not keep the engine alive).
//
// Thread safety: main thread only, outside any actor; one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

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
  double max_step_s = 60;     // max spans: most simulated time one run_until covers
  double drain_s = 35;        // wall time allowed after end_sim_s for outstanding replies
  // Called by the main thread after every loop turn with the simulated time reached (outside any
  // actor, the engine idle): timed actions on the real world, such as a crash drill's kill -9
  // and restart of the core (LiveCore). May block; a paced span then catches up.
  std::function<void(double sim_now)> on_turn;
  // Simulated times the clock stops at (a turn lands on each, in any pace): on_turn's actions.
  std::vector<double> stops;
  // Called on the main thread in the last span: true once the actors that send calls have all
  // ended. With nothing in flight the run then ends before end_sim_s (the drain is not paced
  // through for nothing). Null: the last span runs to end_sim_s.
  std::function<bool()> done;
};

// One span of the plan: from `from_s` (simulated seconds) to the next span's from_s.
struct PacePlan {
  double from_s = 0;
  double speed = 1;           // simulated seconds per wall second; 0 = max (unpaced)
};

// One span as it ran.
struct SpanRun {
  double from_s = 0;          // simulated time the span began
  double to_s = 0;            // simulated time it ended (the last: after the drain)
  double speed = 0;           // 0 = max
  double wall_s = 0;          // wall time it took
  uint64_t slices = 0;        // run_until calls (paced slices or max steps)
  models::Histogram wall_lag; // paced spans only: per slice, µs simulated time was behind
};

struct PaceResult {
  double sim_end_s = 0;       // simulated time reached
  double wall_s = 0;          // wall time of the whole run (drain included)
  uint64_t slices = 0;        // run_until calls for pacing
  uint64_t deliveries = 0;    // deliverer actors made, and deliveries while standing still
  int64_t undelivered = 0;    // requests still outstanding when the drain gave up
  models::Histogram wall_lag; // every paced span's lag (µs)
  uint64_t late_sends = 0;    // the bridge's count at the end (hand-overs > late_ms late)
  std::vector<SpanRun> spans; // one per plan entry, in order

  double wall_lag_ms(double q) const { return wall_lag.empty() ? 0 : wall_lag.quantile(q) / 1000; }
  double wall_lag_max_ms() const { return wall_lag.empty() ? 0 : wall_lag.max() / 1000; }
};

// Runs `engine` from its current simulated time to `end_sim_s` span by span (see the header
// note). The plan: non-empty, the first span starting at or before the engine's clock (it starts
// there), from_s strictly increasing and below end_sim_s, speeds ≥ 0. INVALID_ARGUMENT otherwise
// or if end_sim_s lies before the engine's clock.
Result<PaceResult> run_paced(simgrid::s4u::Engine& engine, double end_sim_s, const std::vector<PacePlan>& plan,
                             LiveBridge& bridge, const PaceOptions& options = {});
// One span at `speed` (0 = max) from the engine's clock to end_sim_s.
Result<PaceResult> run_paced(simgrid::s4u::Engine& engine, double end_sim_s, double speed, LiveBridge& bridge,
                             const PaceOptions& options = {});

}  // namespace yibao::sim
