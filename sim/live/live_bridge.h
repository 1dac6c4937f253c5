// LiveBridge: the live core hop (DESIGN.md §5 "Core hop", "SimGrid 3.32"): a CoreGateway whose
// answers come from a running yibao-core through the async client pool (grpc/client).
//
// Actors on the core host:
//   - the receiver (daemon, made by start()) is the inbox's permanent receiver: it takes each
//     CoreRequest* as it arrives over the simulated network and starts the matching async
//     Settlement call at once (ClientPool::call never blocks). The request body is copied into
//     the call, so the CoreRequest stays intact for the reply (a retry copies its body from there);
//   - the deliverer: when completions are queued, the pacer (main thread, between run_until
//     slices) calls deliver(), which creates a one-shot actor that drains the queue and puts each
//     CoreReply* on request->reply_to (put_init + detach: never blocks, and works on mailboxes
//     with a permanent or waiting receiver, where put_async()->detach() aborts in 3.32), so
//     replies travel back over the simulated network from the simulated time they were
//     delivered. Not the daemon poller resumed by the main thread of DESIGN.md §5: measured on
//     3.32, an actor that suspends itself suspends its detached sends as well, so a poller that
//     puts replies and suspends again stalls all but the first;
//   - the keeper (made by start()), an ordinary actor suspended until release_keeper(): run_until
//     ends daemon actors once only daemons remain, so without it the receiver would die when
//     the facilities finish while calls are still in flight.
// gRPC completion callbacks make no SimGrid call: they push (request, result, reply) on a
// mutex-guarded queue and notify a condition variable the pacer waits on (wait_for_reply).
//
// Time: in a paced span the pacer maps simulated to wall time with set_pace(wall0, sim0, speed):
// wall(t) = wall0 + (t - sim0) / speed. A request's intended wall send time is wall(its arrival
// at the core host); the call's latency reference (CallOptions::intended_start) is that time, so
// CoreReply::core_s counts from it (no coordinated omission: a late hand-over shows as latency).
// A hand-over more than LiveOptions::late_ms after its intended wall time counts as a late send.
//
// Unpaced (`max` span, set_unpaced()): there is no wall mapping; a request's intended wall time
// is its hand-over (no late sends), and the simulated clock stands still while calls are
// outstanding (sim/live/pacer.h): after handing a request over, the receiver takes the requests
// that reached the core at the same simulated instant (Mailbox::ready after a yield), then BLOCKS
// the engine thread on the condition variable until every outstanding call has completed,
// delivering each reply as it comes (put_init + detach, at the current simulated time).
//
// Admin clock (LiveOptions::admin_clock, a core started with `--clock admin`): before a request
// is handed over in a simulated second later than the core's clock, the receiver sets the core's
// clock to that second's civil time (civil_start + floor(t)) with a blocking Admin.SetClock (the
// engine stands still for its round trip). So every call reaches the core with its clock at
// floor(its simulated send time) — calls still in flight from the second before may commit at the
// new second: the core's clock is ≤ a call's simulated send time + 1 s, and never goes back
// (simulated time never does). set_core_clock() does the same from the main thread (the run's
// start, its end). A failed SetClock is kept (clock_status()) and the run goes on.
//
// Deadlines: a facility waits 30 s (calls that move money) or 10 s (the rest) of SIMULATED time;
// the gRPC deadline is that wait in wall time, deadline / speed, but at least min_deadline_s, so
// an accelerated run (speed 60: 0.5 s of wall for a 30 s wait) does not turn ordinary scheduling
// jitter of a shared machine into DEADLINE_EXCEEDED. In a live run that gRPC deadline is the one
// that decides: the bridge always answers (a reply or DEADLINE_EXCEEDED), and the facility's own
// simulated timer is only a backstop set past it (site_deadline_s). A facility timer shorter than
// the bridge's (speed 120: 83 ms of wall for 10 s) would send a second attempt while the first
// is still at the core — two sign-ins of one facility racing, the later one's sign_no refused
// (E_SIGNIN) — and turn a loaded machine's jitter into retries and 2601s. No retry in the pool:
// retries with the same msgid are the facility's (modelled) decision.
//
// Thread safety: start(), the actors, deliver(), release_keeper(), set_pace() and the figures
// belong to the engine thread (the main thread and actors run one at a time); wait_for_reply()
// and has_replies() may be called from any thread; the completion callbacks run on gRPC threads.
#pragma once

#include <atomic>
#include <climits>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "grpc/client/client_pool.h"
#include "models/histogram.h"
#include "models/status.h"
#include "models/time.h"
#include "sim/core_gateway.h"
#include "sim/messages.h"

namespace yibao::sim {

struct LiveOptions {
  double speed = 1;             // simulated seconds per wall second (> 0); set_pace() may change it
  double late_ms = 5;           // a hand-over later than this (wall ms) is a late send
  double deadline_s = 10;       // simulated wait of a call that moves no money
  double money_deadline_s = 30; // simulated wait of a call that moves money (moves_money)
  double min_deadline_s = 2;    // floor of a call's wall deadline
  bool admin_clock = false;     // drive the core's admin clock (see the header note)
  CivilTime civil_start;        // civil time of simulated second 0 (admin_clock)
  int reply_error_bytes = 64;   // simulated size of a refusal or failure (trailers only)
};

// The facility's simulated timer for a call whose simulated wait is `deadline_s`, in a live run
// whose paced spans go at most `max_speed` (simulated s per wall s; 0 when every span is
// unpaced): past the gRPC deadline the bridge sets (the wall deadline in simulated seconds at
// that speed), with room for the simulated transfer and the pacer's slices, so the bridge's
// answer comes first.
double site_deadline_s(double deadline_s, double max_speed, const LiveOptions& options = {});

// What the bridge saw; read on the engine thread after (or between) slices.
struct LiveFigures {
  uint64_t sent = 0;        // calls started
  uint64_t delivered = 0;   // replies put on reply_to
  uint64_t failed = 0;      // delivered with a non-OK status
  uint64_t late_sends = 0;  // hand-overs later than late_ms
  models::Histogram send_delay;  // µs of wall time from intended to actual hand-over
  uint64_t clock_sets = 0;  // Admin.SetClock calls made (admin_clock)
  uint64_t admin_calls = 0; // Admin calls made by actors (admin())
};

class LiveBridge final : public CoreGateway {
 public:
  using Clock = client::Clock;

  // `pool` connected (or connecting) to the core. Aborts (YB_CHECK) on a null pool or bad options.
  LiveBridge(std::unique_ptr<client::ClientPool> pool, LiveOptions options);
  ~LiveBridge() override;
  LiveBridge(const LiveBridge&) = delete;
  LiveBridge& operator=(const LiveBridge&) = delete;

  void start(simgrid::s4u::Host* host, simgrid::s4u::Mailbox* inbox) override;
  // Destroys the pool (waits for calls in flight, each bounded by its deadline) and frees replies
  // never delivered. Idempotent.
  void finish() override;
  std::string mode() const override { return "live"; }

  // --- pacer side (engine thread) ---
  // Sets the mapping of simulated to wall time (see the header note); ends unpaced mode.
  void set_pace(Clock::time_point wall0, double sim0, double speed);
  // Unpaced (`max`): the clock stands still while calls are outstanding (see the header note).
  void set_unpaced();
  bool unpaced() const { return unpaced_; }
  // The mapping of the current paced span (meaningless while unpaced).
  Clock::time_point wall_at(double sim_s) const;
  double sim_at(Clock::time_point wall) const;
  double speed() const { return options_.speed; }
  // Admin clock: sets the core's clock to civil_start + floor(sim_s) if that is later than the
  // last time set (blocking Admin.SetClock); OK without admin_clock or when nothing is to set.
  // The error of the core otherwise (also kept in clock_status()). Engine thread, outside or
  // inside an actor.
  Status set_core_clock(double sim_s);
  // The first failed SetClock of the run (OK if none).
  const Status& clock_status() const { return clock_status_; }
  // One Admin call from an actor on the core host (the agency, sim/actors/agency.h): the core's
  // clock is set to the current simulated second first, then the call is made synchronously
  // (bearer token from the pool) with a wall deadline of `deadline_s`; the engine stands still
  // for its round trip, as for SetClock. Engine thread, inside an actor.
  template <typename Req, typename Reply>
  client::CallResult admin(client::AsyncMethod<client::AdminAsync, Req, Reply> method, const Req& request,
                           Reply* reply, double deadline_s = 5);
  // Waits until a completion is queued or `until`; true if one is queued. Any thread.
  bool wait_for_reply(Clock::time_point until);
  bool has_replies() const;
  // Creates the deliverer if completions are queued (and none is pending); the caller then runs
  // the engine (run_until(now)) so they are delivered at the current simulated time. True if made.
  bool deliver();
  // Lets the keeper end (once at the end of a run); the simulation may then finish.
  void release_keeper();
  // Requests taken from the inbox whose reply has not been put on reply_to yet.
  int64_t outstanding() const { return outstanding_; }
  const LiveFigures& figures() const { return figures_; }
  client::ClientPool* pool() { return pool_.get(); }

 private:
  struct Completion {
    CoreRequest* request;
    client::CallResult result;
    std::unique_ptr<google::protobuf::Message> reply;
  };

  void receive_loop(simgrid::s4u::Mailbox* inbox);
  // Unpaced: takes the requests ready at this instant, then blocks until none is outstanding.
  void stand_still(simgrid::s4u::Mailbox* inbox);
  void drain();
  // Starts the async call of `r` (engine thread, inside the receiver).
  void dispatch(CoreRequest* r);
  template <typename Req, typename Reply>
  void start_call(client::AsyncMethod<client::SettlementAsync, Req, Reply> method, CoreRequest* r,
                  client::CallOptions options);
  void complete(CoreRequest* r, client::CallResult&& result, std::unique_ptr<google::protobuf::Message> reply);
  void deliver_one(Completion&& c);

  std::unique_ptr<client::ClientPool> pool_;
  LiveOptions options_;
  Clock::time_point wall0_;
  double sim0_ = 0;

  // Engine thread.
  simgrid::s4u::Host* host_ = nullptr;
  simgrid::s4u::ActorPtr keeper_;
  bool deliverer_pending_ = false;  // a deliverer was made and has not drained yet
  bool keeper_released_ = false;
  bool unpaced_ = false;
  int64_t core_clock_s_ = INT64_MIN;  // civil seconds last set on the core (admin_clock)
  Status clock_status_;
  int64_t outstanding_ = 0;
  LiveFigures figures_;

  // Completions handed over by gRPC threads.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Completion> done_;  // guarded by mu_
  std::atomic<bool> any_done_{false};
};

template <typename Req, typename Reply>
client::CallResult LiveBridge::admin(client::AsyncMethod<client::AdminAsync, Req, Reply> method, const Req& request,
                                     Reply* reply, double deadline_s) {
  (void)set_core_clock(simgrid::s4u::Engine::get_clock());
  client::CallOptions o;
  o.deadline = std::chrono::milliseconds(static_cast<int64_t>(deadline_s * 1000));
  ++figures_.admin_calls;
  return pool_->call_sync(method, request, reply, o);
}

}  // namespace yibao::sim
