// Suspension drills (scenario `faults` entries with `suspend`; DOMAIN.md §6, §11.10–13): the
// subjects a scenario names or has picked by the seed, as the Admin.Suspend requests a live run
// opens in the core before its first call (each with its start to the second, so the core
// enforces it from exactly that second at any pace), and the core's own listing of them after
// the run (result.json `suspensions`, with the amounts held under hold-mode ones).
//
// Picks: `facility: {type: T}` draws one of the SIMULATED facilities of type T (so the drill
// meets traffic), `person: {in_ward: true}` a warm ward's patient whose discharge comes after the
// suspension starts (so the discharge settlement meets it), `at: {between: [a, b]}` a second in
// [a, b); all from the run's seed, so a seed gives the same drill. A department defaults to the facility's first department, the one
// the simulated visits register in.
//
// Thread safety: resolve_suspensions is pure; the others block on synchronous Admin calls (main
// thread, outside the engine).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "grpc/client/client_pool.h"
#include "models/population.h"
#include "models/status.h"
#include "sim/scenario.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::sim {

struct SuspensionOrder {
  settlement::v1::SuspendRequest request;
  int line = 0;          // the scenario line
  std::string picked;    // how the subject or the time was chosen ("" when the scenario named it)
};

// A warm ward's stay at the start: the patient and the discharge time.
struct WardStay {
  uint64_t person = 0;
  CivilTime discharge;
};

// The requests of `specs`; `simulated` lists the population indices of the facilities the run
// simulates, `stays(j)` the warm-ward stays of facility j (for `person: {in_ward: true}`: one
// discharged after `at` and before `end` is drawn). INVALID_ARGUMENT naming the scenario line for
// an unknown facility, department or person, or nothing to pick from.
Result<std::vector<SuspensionOrder>> resolve_suspensions(const std::vector<SuspensionSpec>& specs,
                                                         const models::Population& population,
                                                         const std::vector<uint32_t>& simulated,
                                                         const std::function<std::vector<WardStay>(uint32_t)>& stays,
                                                         CivilTime end, uint64_t seed, const std::string& file);

// Admin.Suspend of each order, in order; the first refusal is FAILED_PRECONDITION naming the line.
Status open_suspensions(client::ClientPool& pool, const std::vector<SuspensionOrder>& orders, const std::string& file);

// Admin.ListSuspensions and Admin.ListHeldAmounts as the core answers them: {"suspensions": [...],
// "held": [per facility with anything held, released or withheld]}; {"error": ...} if the core
// did not answer.
nlohmann::json list_suspensions(client::ClientPool& pool);

// The refusing suspensions of a listing (mode refuse or terminate; hold refuses nothing).
struct RefusingSuspension {
  std::string id, scope, fixmedins_code, dept_code, psn_no;
  std::string start, end;  // civil "yyyy-MM-ddTHH:mm:ss"; end empty = open
};
std::vector<RefusingSuspension> refusing_suspensions(const nlohmann::json& listing);

// The scenario's slow / lose_replies faults (FaultSpec kinds other than "kill") as they run: each
// is armed with Admin.InjectFault when the simulation reaches its `at` and cleared (ClearFaults of
// its call kind) at its `until`. turn() is the pacer's on_turn (main thread, engine idle); the
// pacer stops at every time of stops() so an action lands on its second in any pace. A refused
// call is kept (status()) and reported; the run goes on. (A core killed and restarted forgets
// what was armed: the registry is in memory.)
class Injections {
 public:
  Injections(const std::vector<FaultSpec>& faults, CivilTime start);
  bool empty() const { return items_.empty(); }
  std::vector<double> stops() const;
  void turn(double now, client::ClientPool& pool);
  // [{slow | lose_replies: call, at, latency_ms | count, until, applied_at, cleared_at, error}]
  nlohmann::json report() const;
  const Status& status() const { return status_; }

 private:
  struct Item {
    FaultSpec spec;
    double at_s = 0, until_s = -1;
    bool applied = false, cleared = false;
    double applied_s = 0, cleared_s = 0;
    std::string error;
  };
  std::vector<Item> items_;
  CivilTime start_;
  Status status_;
};

}  // namespace yibao::sim
