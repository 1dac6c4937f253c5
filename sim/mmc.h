// The M/M/c validation station (scenarios/mmc-validation.yaml, issue 6 "Tests"): Poisson
// arrivals at rate λ, exponential service at rate μ per server, c first-come-first-served
// servers, simulated in SimGrid time by one actor whose timers live on an EventQueue and whose
// queue is the same Station the counters and the modelled core use. The mean wait in queue is
// compared with Erlang C (models/capacity).
// Engine thread only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

#include "sim/scenario.h"

namespace simgrid::s4u {
class Engine;
}

namespace yibao::sim {

struct MmcResult {
  int servers = 0;
  double arrival_rate = 0;
  double service_rate = 0;
  uint64_t served = 0;
  double mean_wait_s = 0;        // simulated, mean time from arrival to start of service
  double erlang_c_wait_s = 0;    // Erlang C's Wq for the same λ, μ, c
  double erlang_c_pwait = 0;     // Erlang C's probability of waiting
  double end_s = 0;              // simulated time when the last customer was served
  double relative_error() const { return erlang_c_wait_s > 0 ? mean_wait_s / erlang_c_wait_s - 1 : 0; }
  nlohmann::json to_json() const;
};

// Runs the station in `engine` (a platform with one host is created) until spec.customers have
// started service.
MmcResult run_mmc_station(simgrid::s4u::Engine& engine, const MmcSpec& spec, uint64_t seed);

}  // namespace yibao::sim
