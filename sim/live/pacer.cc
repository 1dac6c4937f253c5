#include "sim/live/pacer.h"

#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <chrono>
#include <limits>

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
using Clock = client::Clock;

Clock::duration wall_ms(double ms) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

double us_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

// What one span's loop shares with the whole run.
struct Loop {
  s4u::Engine& engine;
  LiveBridge& bridge;
  const PaceOptions& options;
  PaceResult& out;
  Clock::time_point drain_deadline{};

  // Past the end of the last span: true once nothing is outstanding or the drain gave up.
  bool drained() {
    if (bridge.outstanding() == 0) return true;
    if (drain_deadline == Clock::time_point{}) drain_deadline = Clock::now() + wall_ms(options.drain_s * 1000);
    return Clock::now() >= drain_deadline;
  }

  // In the last span: the actors that send calls have all ended (PaceOptions::done) and nothing is
  // in flight, so nothing can happen before the end but the clock going on.
  bool finished(bool last) const { return last && options.done && bridge.outstanding() == 0 && options.done(); }

  // The first of options.stops after `now` (else +inf): a slice ends there.
  double next_stop(double now) const {
    double next = std::numeric_limits<double>::infinity();
    for (double t : options.stops)
      if (t > now) next = std::min(next, t);
    return next;
  }

  // Delivers the queued completions at the current simulated time; true if some were.
  bool deliver_now() {
    if (!bridge.deliver()) return false;
    engine.run_until(s4u::Engine::get_clock());
    ++out.deliveries;
    return true;
  }

  void paced(SpanRun& span, double span_end, bool last) {
    const double sim0 = s4u::Engine::get_clock();
    bridge.set_pace(Clock::now(), sim0, span.speed);
    const double max_slice_sim = options.max_slice_ms / 1000 * span.speed;
    for (;;) {
      const double now_sim = s4u::Engine::get_clock();
      const double wall_sim = bridge.sim_at(Clock::now());
      // Past the end the clock goes on only while replies are outstanding (the drain).
      const double cap = now_sim >= span_end ? now_sim + max_slice_sim : std::min(span_end, now_sim + max_slice_sim);
      const double target = std::min({wall_sim, cap, next_stop(now_sim)});
      if (target > now_sim) {
        engine.run_until(target);
        ++span.slices;
        span.wall_lag.add(std::max(0.0, us_between(bridge.wall_at(s4u::Engine::get_clock()), Clock::now())));
      }
      deliver_now();
      if (options.on_turn) options.on_turn(s4u::Engine::get_clock());

      const double clock = s4u::Engine::get_clock();
      if ((clock >= span_end && (!last || drained())) || finished(last)) return;
      // Sleep until the next slice is due or a completion arrives.
      const Clock::time_point next = bridge.wall_at(clock) + wall_ms(options.slice_ms);
      if (next > Clock::now() && !bridge.has_replies()) bridge.wait_for_reply(next);
    }
  }

  void unpaced(SpanRun& span, double span_end, bool last) {
    bridge.set_unpaced();
    for (;;) {
      const double clock = s4u::Engine::get_clock();
      if (options.on_turn) options.on_turn(clock);
      if (bridge.outstanding() > 0) {
        // Calls from before (a paced span): the clock stands still until they are answered.
        if (clock >= span_end && last && drained()) return;
        if (!bridge.has_replies()) bridge.wait_for_reply(Clock::now() + wall_ms(50));
        deliver_now();
        continue;
      }
      if (clock >= span_end || finished(last)) return;
      // Nothing in flight: run freely. The receiver stops the clock at the next hand-over.
      engine.run_until(std::min({span_end, clock + options.max_step_s, next_stop(clock)}));
      ++span.slices;
    }
  }
};

Status check_plan(const std::vector<PacePlan>& plan, double sim0, double end_sim_s) {
  if (plan.empty()) return Status(Code::kInvalidArgument, "", "live pacing needs at least one span");
  if (end_sim_s < sim0) return Status(Code::kInvalidArgument, "", "live pacing: end time lies before the simulated clock");
  if (plan.front().from_s > sim0)
    return Status(Code::kInvalidArgument, "", "live pacing: the first span starts after the simulated clock");
  for (size_t i = 0; i < plan.size(); ++i) {
    if (!(plan[i].speed >= 0)) return Status(Code::kInvalidArgument, "", "live pacing: a span's speed is negative");
    if (i > 0 && !(plan[i].from_s > plan[i - 1].from_s && plan[i].from_s < end_sim_s))
      return Status(Code::kInvalidArgument, "",
                    "live pacing: spans must start in increasing order, before the end of the run");
  }
  return Status::Ok();
}

}  // namespace

Result<PaceResult> run_paced(s4u::Engine& engine, double end_sim_s, const std::vector<PacePlan>& plan,
                             LiveBridge& bridge, const PaceOptions& options) {
  YB_RETURN_IF_ERROR(check_plan(plan, s4u::Engine::get_clock(), end_sim_s));
  PaceResult out;
  const Clock::time_point wall0 = Clock::now();
  Loop loop{engine, bridge, options, out};
  for (size_t i = 0; i < plan.size(); ++i) {
    const bool last = i + 1 == plan.size();
    const double span_end = last ? end_sim_s : plan[i + 1].from_s;
    SpanRun span;
    span.from_s = s4u::Engine::get_clock();
    span.speed = plan[i].speed;
    const Clock::time_point span_wall0 = Clock::now();
    if (span.speed > 0) {
      loop.paced(span, span_end, last);
    } else {
      loop.unpaced(span, span_end, last);
    }
    span.to_s = s4u::Engine::get_clock();
    span.wall_s = std::chrono::duration<double>(Clock::now() - span_wall0).count();
    out.slices += span.slices;
    out.wall_lag += span.wall_lag;
    out.spans.push_back(std::move(span));
  }

  bridge.release_keeper();
  engine.run_until(s4u::Engine::get_clock());
  out.sim_end_s = s4u::Engine::get_clock();
  out.wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
  out.undelivered = bridge.outstanding();
  out.late_sends = bridge.figures().late_sends;
  return out;
}

Result<PaceResult> run_paced(s4u::Engine& engine, double end_sim_s, double speed, LiveBridge& bridge,
                             const PaceOptions& options) {
  return run_paced(engine, end_sim_s, {PacePlan{s4u::Engine::get_clock(), speed}}, bridge, options);
}

}  // namespace yibao::sim
