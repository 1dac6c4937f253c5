// CoreModel: the modelled core hop (DESIGN.md §5 "Core hop", modelled): a station of `workers`
// first-come-first-served workers whose service times come from a calibration, followed by a
// single group-commit writer, as grpc/core/group_commit.* does: every answer leaves after the
// commit of the batch it joined (at most max_batch calls); a batch costs a + b × (its writes),
// nothing when it holds only reads and refusals. The business answer of each
// request comes from ModelLedger (real replies, real amounts).
//
// One actor on the core host runs it all: requests arrive on the inbox mailbox (its permanent
// receiver), the worker and writer timers live on its EventQueue, replies are put on each
// request's reply_to mailbox (detached), so they travel back over the simulated network.
// Service times are drawn from the stream ("core-service", request sequence) of models/rng.h:
// a run is a pure function of (scenario, seed).
//
// Thread safety: engine thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "models/rng.h"
#include "sim/core_gateway.h"
#include "sim/model_ledger.h"

namespace yibao::sim {

class Metrics;

// Service time of one transaction code: lognormal with this median and sigma (sigma 0 = fixed),
// or exponential with this mean when `exponential`.
struct ServiceTime {
  double median_s = 0.001;
  double sigma = 0.5;
  bool exponential = false;
};

struct StationParams {
  std::map<int, ServiceTime> service;  // by transaction code (9001, 1101, ...)
  ServiceTime fallback;                // codes without an entry
  int workers = 8;
  double commit_a_s = 0.004;           // fixed part of a group commit
  double commit_b_s = 0.00025;         // per request in the batch
  int max_batch = 256;
};

class CoreModel final : public CoreGateway {
 public:
  // `civil_start` maps simulated seconds to the core's civil time. The ledger and metrics must
  // outlive the run.
  CoreModel(StationParams params, ModelLedger* ledger, Metrics* metrics, CivilTime civil_start, uint64_t seed);

  void start(simgrid::s4u::Host* host, simgrid::s4u::Mailbox* inbox) override;
  std::string mode() const override { return "modelled"; }

  // Figures of the station after the run.
  uint64_t served() const { return served_; }
  uint64_t commits() const { return commits_; }
  double mean_batch() const { return commits_ == 0 ? 0 : static_cast<double>(committed_) / static_cast<double>(commits_); }

 private:
  void run(simgrid::s4u::Mailbox* inbox);
  double service_time(int txn, uint64_t n);

  StationParams params_;
  ModelLedger* ledger_;
  Metrics* metrics_;
  CivilTime civil_start_;
  uint64_t seed_;
  uint64_t served_ = 0;
  uint64_t commits_ = 0;
  uint64_t committed_ = 0;
};

// Sample of a ServiceTime (seconds) from `rng`.
double sample_service(const ServiceTime& s, models::Rng& rng);

}  // namespace yibao::sim
