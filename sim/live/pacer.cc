#include "sim/live/pacer.h"

#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <chrono>

namespace yibao::sim {
namespace {

using Clock = client::Clock;

Clock::duration wall_ms(double ms) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

double us_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

}  // namespace

Result<PaceResult> run_paced(simgrid::s4u::Engine& engine, double end_sim_s, double speed, LiveBridge& bridge,
                             const PaceOptions& options) {
  if (!(speed > 0))
    return Status(Code::kInvalidArgument, "",
                  "live pacing needs a speed > 0 (the unpaced 'max' pace is not built yet: drills issue)");
  const double sim0 = simgrid::s4u::Engine::get_clock();
  if (end_sim_s < sim0)
    return Status(Code::kInvalidArgument, "", "live pacing: end time lies before the simulated clock");

  PaceResult out;
  const Clock::time_point wall0 = Clock::now();
  bridge.set_pace(wall0, sim0, speed);
  const double max_slice_sim = options.max_slice_ms / 1000 * speed;
  Clock::time_point drain_deadline{};

  for (;;) {
    const double now_sim = simgrid::s4u::Engine::get_clock();
    const double wall_sim = sim0 + std::chrono::duration<double>(Clock::now() - wall0).count() * speed;
    // Past the end the clock goes on only while replies are outstanding (the drain).
    const double cap = now_sim >= end_sim_s ? now_sim + max_slice_sim : std::min(end_sim_s, now_sim + max_slice_sim);
    const double target = std::min(wall_sim, cap);
    if (target > now_sim) {
      engine.run_until(target);
      ++out.slices;
      out.wall_lag.add(std::max(0.0, us_between(bridge.wall_at(simgrid::s4u::Engine::get_clock()), Clock::now())));
    }
    if (bridge.deliver()) {
      engine.run_until(simgrid::s4u::Engine::get_clock());
      ++out.deliveries;
    }

    const double clock = simgrid::s4u::Engine::get_clock();
    if (clock >= end_sim_s) {
      if (bridge.outstanding() == 0) break;
      if (drain_deadline == Clock::time_point{}) drain_deadline = Clock::now() + wall_ms(options.drain_s * 1000);
      if (Clock::now() >= drain_deadline) break;
    }
    // Sleep until the next slice is due or a completion arrives.
    const Clock::time_point next = bridge.wall_at(clock) + wall_ms(options.slice_ms);
    if (next > Clock::now() && !bridge.has_replies()) bridge.wait_for_reply(next);
  }

  bridge.release_keeper();
  engine.run_until(simgrid::s4u::Engine::get_clock());
  out.sim_end_s = simgrid::s4u::Engine::get_clock();
  out.wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
  out.undelivered = bridge.outstanding();
  out.late_sends = bridge.figures().late_sends;
  return out;
}

}  // namespace yibao::sim
