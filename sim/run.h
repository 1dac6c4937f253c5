// Run: one scenario run from start to result (sim/engine.h's run_command). Owns, in order of
// construction: the live core connection (and the yibao-core process it may start), the
// population, workload, fee planner, policy book, the SimGrid engine and platform, the core hop,
// the site actors, metrics; then checks, writes the run directory and returns the exit code.
// Also the calibrate command, which shares the live core start-up.
//
// One Run per process (one SimGrid Engine per process). Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/population.h"
#include "models/policy.h"
#include "models/workload.h"
#include "sim/engine.h"
#include "sim/metrics.h"
#include "sim/result.h"
#include "sim/scenario.h"

namespace yibao::sim {

class LiveCore;

class Run {
 public:
  Run(Scenario scenario, RunOptions options, std::string out_dir);
  ~Run();
  // 0 pass, 3 SLO or invariant failure, 1 error (printed as one line).
  int execute();

 private:
  Status prepare();
  Status run_simulation();
  int finish();
  int run_mmc();

  Scenario s_;
  RunOptions o_;
  std::string out_;
  std::unique_ptr<LiveCore> live_;
  std::optional<models::Population> population_;
  std::optional<models::FeePlanner> fees_;
  std::optional<models::PolicyBook> policies_;
  std::unique_ptr<models::WorkloadModel> workload_;
  std::unique_ptr<Metrics> metrics_;
  RunInfo info_;
  std::vector<std::string> spof_;   // topology analysis, for the report
  std::vector<std::string> notes_;  // for the report
  nlohmann::json extra_;            // figures merged into result.json (core model, topology)
};

int run_calibrate(const CalibrateCommand& c);

}  // namespace yibao::sim
