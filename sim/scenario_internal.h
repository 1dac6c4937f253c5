// Internal to sim/scenario*.cc: the readers of each section of a scenario file. Each reads one
// YAML mapping into its part of the Scenario through the shared YamlReader (first error wins),
// checking keys, types and ranges of that section alone; cross-section checks (pace against the
// clock, mode against pace and mmc, files found on disk) are made by parse_scenario afterwards.
// Not thread-safe (one reader per load).
#pragma once

#include <yaml-cpp/yaml.h>

#include "models/common_yaml.h"
#include "sim/scenario.h"
#include "sim/yaml_values.h"

namespace yibao::sim::scenario_detail {

struct Readers {
  models::YamlReader& r;
  ValueReader& v;
};

void read_scale(Readers& in, const YAML::Node& n, ScaleSpec& out);
void read_clock(Readers& in, const YAML::Node& n, ClockSpec& out);
void read_workload(Readers& in, const YAML::Node& n, WorkloadSpec& out);
void read_core(Readers& in, const YAML::Node& n, CoreSpec& out);
// `pace` as written (keys, kinds, speeds, `from` strictly increasing); the caller checks it
// against the clock (check_pace) and the mode.
void read_pace(Readers& in, const YAML::Node& n, std::vector<PaceSpan>& out);
void read_switchover(Readers& in, const YAML::Node& n, std::vector<SwitchoverSpec>& out);
void read_backfill(Readers& in, const YAML::Node& n, BackfillSpec& out);
void read_agency(Readers& in, const YAML::Node& n, AgencySpec& out);
void read_faults(Readers& in, const YAML::Node& n, std::vector<FaultSpec>& out, std::vector<SuspensionSpec>& suspensions,
                 std::vector<NetworkFaultSpec>& cuts, std::vector<CardStormSpec>& storms);
// The spans against the clock: the first starts at clock.start, every later `from` lies inside
// (clock.start, clock.start + duration). `n` is the `pace` node (for lines).
void check_pace(models::YamlReader& r, const YAML::Node& n, const ClockSpec& clock, std::vector<PaceSpan>& pace);
void read_slos(Readers& in, const YAML::Node& n, std::vector<Slo>& out);
void read_outputs(Readers& in, const YAML::Node& n, OutputSpec& out);
void read_mmc(Readers& in, const YAML::Node& n, MmcSpec& out);

// True if `metric` is a dotted path of [A-Za-z0-9_] segments whose first segment is a key of
// result.json an SLO can read (sim/result.h); else sets `why`.
bool valid_metric(const std::string& metric, std::string& why);

}  // namespace yibao::sim::scenario_detail
