// LiveCore: the yibao-core a live run drives (DESIGN.md §5 "Core hop", live): either one the
// simulator starts itself on 127.0.0.1 with a temporary SQLite ledger and the scenario's
// population, or a running one given by address (whose population must be the scenario's
// preset and seed: uploading another population through Admin is not built yet). It owns the
// client pool, makes the live bridge, runs the paced engine and reads the ledger back for the
// checker. Stops a core it started when destroyed.
// Clock: a core it starts runs on the clock the scenario names (`core.clock`); a given core's
// mode is asked with Admin.GetClock (the scenario's "admin" then requires it). On an admin clock
// the bridge keeps the core's civil time with the simulation (sim/live/live_bridge.h): set to the
// scenario's start before the run, before each hand-over in a later simulated second, and to
// the simulated end after the run (the last span's `to` in result.json).
// Engine thread / main thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grpc/client/client_pool.h"
#include "models/population.h"
#include "models/status.h"
#include "sim/core_gateway.h"
#include "sim/faults.h"
#include "sim/metrics.h"
#include "sim/result.h"
#include "sim/scenario.h"

namespace simgrid::s4u {
class Engine;
}

namespace yibao::sim {

class CoreProcess;
class LiveBridge;

struct LiveCoreOptions {
  std::string address;           // "" = start a core
  std::string admin_token_file;  // with address
  client::TlsOptions tls;
  std::string preset = "county";
  uint64_t seed = 1;
  std::string policy;            // started core: --policy ("" = its default)
  std::string ledger;            // started core: ledger path ("" = a temporary one, removed after)
  int channels = 4;
  std::string clock = "wall";    // "wall" | "admin" (Scenario::core.clock)
  bool fault_injection = false;  // slow / lose_replies faults: a started core gets --fault-injection,
                                 // a given one must have it (checked when opened)
  bool log = true;               // say what was started
};

// Opens the scenario's switchover windows in the core (Admin.OpenWindow, the note naming the
// scenario file and line). FAILED_PRECONDITION "file:line: the core refused ..." on a refusal.
Status open_windows(client::ClientPool& pool, const Scenario& s);

class LiveCore {
 public:
  static Result<std::unique_ptr<LiveCore>> open(const LiveCoreOptions& o);
  ~LiveCore();

  int32_t population_year() const { return year_; }
  bool ledger_fresh() const { return fresh_; }
  bool admin_clock() const { return admin_clock_; }
  std::string describe() const;
  client::ClientPool& pool() { return *pool_; }

  // The gateway of the live run (LiveBridge over this pool).
  std::unique_ptr<CoreGateway> make_bridge(const Scenario& s);
  // Runs `engine` span by span (scenario `pace`, sim/live/pacer.h) until `end_s` simulated
  // seconds, then to its end; lag and spans into `metrics` and `info`. UNAVAILABLE if calls never
  // completed or the core's admin clock could not be set (a time before the core's: FAILED_PRECONDITION).
  // `done` (PaceOptions::done): the run may end before end_s once it is true and nothing is in flight.
  Status run_paced(simgrid::s4u::Engine& engine, double end_s, const Scenario& s, Metrics& metrics, RunInfo* info,
                   std::function<bool()> done = nullptr);
  // The switchover windows as the core listed them after the run (scenario `switchover`; an
  // empty array when the listing failed; null without windows).
  const nlohmann::json& windows() const { return windows_; }
  // The scenario's suspensions, resolved (sim/faults.h): opened by run_paced before the first
  // call; listed back after the run (suspensions(); null without any) for the checker's D6.
  void set_suspensions(std::vector<SuspensionOrder> orders) { suspension_orders_ = std::move(orders); }
  const nlohmann::json& suspensions() const { return suspensions_; }
  // The faults run (scenario `faults`): crashes [{kill, at, down_s, killed_at, restarted_at,
  // wall_restart_s}] and injections [{slow or lose_replies: call kind, at, latency_ms or count,
  // applied_at, cleared_at}], civil times of the simulation; null without faults.
  const nlohmann::json& faults() const { return faults_; }
  // D1–D7 against the ledger (check_live): D4 with back-fills in the journal, D6 with windows or
  // suspensions (`window_calls`: the answers the windows had to judge, Metrics::window_calls).
  // `care_year`: the civil year of the simulated visits (their accumulators' year).
  Result<std::vector<InvariantResult>> check(const std::vector<JournalEntry>& journal,
                                             const std::vector<WindowCall>& window_calls,
                                             const models::Population& population, int32_t care_year);

 private:
  LiveCore() = default;

  LiveCoreOptions o_;
  std::unique_ptr<CoreProcess> process_;
  std::unique_ptr<client::ClientPool> pool_;
  LiveBridge* bridge_ = nullptr;  // owned by the engine run (the gateway)
  std::string address_;
  int32_t year_ = 0;
  bool fresh_ = false;
  nlohmann::json windows_;
  std::vector<SuspensionOrder> suspension_orders_;
  nlohmann::json suspensions_;
  nlohmann::json faults_;
  bool admin_clock_ = false;
  // Admin clock: the civil days the run covered ("yyyy-MM-dd"), the checker's period.
  std::string first_day_, last_day_;
};

}  // namespace yibao::sim
