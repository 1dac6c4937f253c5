// The engine: the sole owner of the SimGrid engine (DESIGN.md §3). It turns a scenario into a
// run: population, workload, topology and its SimGrid platform, the core hop (modelled station
// or live bridge to a yibao-core it may start itself), one actor per site host, the run (paced
// to the wall clock in live mode), then the checker, result.json, timeseries.csv, report.html
// and the summary table. The three commands of yibao-sim live here; main.cc only parses flags.
//
// One run per process: SimGrid 3.32 allows one Engine per process.
// Exit codes (returned, never exit()): 0 pass, 3 SLO or invariant failure, 1 error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "grpc/client/client_pool.h"
#include "sim/scenario.h"

namespace yibao::sim {

struct RunOptions {
  std::string scenario;                // path of the scenario file
  std::string out_dir;                 // "" = runs/<scenario name>-<seed>
  std::optional<uint64_t> seed;        // overrides the scenario's
  std::optional<Mode> mode;            // overrides the scenario's
  std::string core_address;            // live: a running core ("" = the scenario's, else start one)
  std::string admin_token_file;        // live with a running core
  client::TlsOptions tls;              // live: TLS to the core
  bool quiet = false;                  // no progress line, no summary table
};

struct CalibrateCommand {
  std::string core_address;
  std::string admin_token_file;
  std::string out;
  double seconds = 5;
  double rate = 50;
};

int run_command(const RunOptions& o);
int validate_command(const std::string& scenario_path);
int calibrate_command(const CalibrateCommand& c);

}  // namespace yibao::sim
