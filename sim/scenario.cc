// Scenario loading: the top level of a scenario file, the checks across sections, and the
// lookup of the files it names (sim/scenario.h). The sections are read in
// sim/scenario_sections.cc.
#include "sim/scenario.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string_view>

#include "models/common_yaml.h"
#include "models/population_yaml.h"
#include "sim/calibration.h"
#include "sim/scenario_internal.h"
#include "sim/yaml_values.h"

namespace yibao::sim {

namespace fs = std::filesystem;
using scenario_detail::Readers;

namespace {

// Keys of later issues: refused by name rather than as unknown keys.
constexpr std::string_view kNotBuilt[] = {"sweep"};

// The repository root the binary was built from (models/data/presets.yaml is under it).
fs::path repository_root() { return fs::path(models::default_presets_path()).parent_path().parent_path().parent_path(); }

// The rule of sim/scenario.h: relative to the scenario file's directory, else to the current
// directory, else to the repository root. Returns "" if the file is found nowhere.
std::string find_file(const std::string& path, const fs::path& scenario_dir) {
  std::error_code ec;
  const fs::path p(path);
  if (p.is_absolute()) return fs::is_regular_file(p, ec) ? path : std::string();
  for (const fs::path& base : {scenario_dir, fs::path("."), repository_root()}) {
    if (base.empty()) continue;
    const fs::path candidate = (base / p).lexically_normal();
    // Absolute, so the path still holds for a yibao-core started in another directory.
    if (fs::is_regular_file(candidate, ec)) return fs::absolute(candidate, ec).lexically_normal().string();
  }
  return {};
}

std::string looked_in(const std::string& path, const fs::path& scenario_dir) {
  // Appends, not a chain of +: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
  std::string out = "'";
  out.append(path).append("' is not found (looked relative to ");
  if (!scenario_dir.empty()) out.append("'").append(scenario_dir.string()).append("', ");
  out.append("the current directory and '").append(repository_root().string()).append("')");
  return out;
}

// Resolves `field` in place. A file that is not found is an error at `at` when `needed`.
void resolve(models::YamlReader& r, std::string& field, const fs::path& scenario_dir, const YAML::Node& at,
             std::string_view key, bool needed) {
  if (!r.ok() || field.empty()) return;
  const std::string found = find_file(field, scenario_dir);
  if (!found.empty()) {
    field = found;
  } else if (needed) {
    r.fail(at, std::string(key) + ": " + looked_in(field, scenario_dir));
  }
}

void read_top(Readers& in, const YAML::Node& root, Scenario& s) {
  models::YamlReader& r = in.r;
  if (!root.IsMap()) return r.fail(root, "a scenario must be a mapping of keys (name, question, scale, clock, ...)");
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    for (std::string_view nb : kNotBuilt) {
      if (key == nb) return r.fail(kv.first, key + " is not built yet");
    }
    if (key == "policy") return r.fail(kv.first, "policy is a key of core: write core.policy");
  }
  if (!r.map(root, "the scenario", {"name", "question", "scale", "clock", "mode", "seed", "workload", "core", "pace",
                                    "switchover", "backfill", "agency", "faults", "slo", "outputs", "mmc"}))
    return;
  // An mmc run has no network and no calendar: its clock is optional.
  if (!root["mmc"] && !r.require(root, "clock")) return;
  r.text(root, "name", s.name);
  r.text(root, "question", s.question);
  if (root["scale"]) scenario_detail::read_scale(in, root["scale"], s.scale);
  if (root["clock"]) scenario_detail::read_clock(in, root["clock"], s.clock);
  std::string mode = "modelled";
  in.v.one_of(root, "mode", mode, {"modelled", "live"});
  s.mode = mode == "live" ? Mode::kLive : Mode::kModelled;
  in.v.count(root, "seed", s.seed, 0, UINT64_MAX);
  if (root["workload"]) scenario_detail::read_workload(in, root["workload"], s.workload);
  if (root["core"]) scenario_detail::read_core(in, root["core"], s.core);
  if (root["pace"]) scenario_detail::read_pace(in, root["pace"], s.pace);
  if (root["switchover"]) scenario_detail::read_switchover(in, root["switchover"], s.switchover);
  if (root["backfill"]) scenario_detail::read_backfill(in, root["backfill"], s.backfill);
  if (root["agency"]) scenario_detail::read_agency(in, root["agency"], s.agency);
  if (root["faults"]) scenario_detail::read_faults(in, root["faults"], s.faults, s.suspensions, s.cuts, s.card_storms);
  if (root["slo"]) scenario_detail::read_slos(in, root["slo"], s.slo);
  if (root["outputs"]) scenario_detail::read_outputs(in, root["outputs"], s.outputs);
  if (root["mmc"]) {
    MmcSpec mmc;
    scenario_detail::read_mmc(in, root["mmc"], mmc);
    s.mmc = mmc;
  }
}

// Checks across sections, once every section read well.
void check_across(models::YamlReader& r, const YAML::Node& root, Scenario& s) {
  if (!r.ok()) return;
  if (s.mode == Mode::kLive && s.pace.empty())
    return r.fail(root["mode"], "live mode needs a pace span (e.g. pace: [{speed: 60}])");
  scenario_detail::check_pace(r, root["pace"], s.clock, s.pace);
  if (!r.ok()) return;
  if (s.mmc && s.mode == Mode::kLive) return r.fail(root["mmc"], "mmc runs one modelled station: it cannot be live");
  const CivilTime end = s.clock.start.plus_seconds(static_cast<int64_t>(s.clock.duration_s));  // the run's end
  if (!s.switchover.empty()) {
    if (s.mode != Mode::kLive)
      return r.fail(root["switchover"], "switchover windows are opened in a real core: the run must be live");
    if (s.core.clock != "admin")
      return r.fail(root["switchover"], "switchover windows are in civil time: the run needs core.clock: admin");
    for (size_t i = 0; i < s.switchover.size(); ++i) {
      const SwitchoverSpec& w = s.switchover[i];
      if (!(w.from < end))
        return r.fail(root["switchover"][i], "window from " + format_iso(w.from) + " is after the run's end (" +
                                                 format_iso(end) + ")");
    }
  }
  if (!s.faults.empty()) {
    if (s.mode != Mode::kLive) return r.fail(root["faults"], "faults act on a real core: the run must be live");
    for (const FaultSpec& f : s.faults) {
      size_t at_k = 0;  // the list entry of f (suspensions share the list)
      for (size_t k = 0; k < root["faults"].size(); ++k)
        if (root["faults"][k].Mark().line + 1 == f.line) at_k = k;
      const YAML::Node entry = root["faults"][at_k];
      if (f.kind == "kill" && !s.core.address.empty())
        return r.fail(root["faults"], "a core crash needs a core yibao-sim starts itself: remove core.address");
      if (!(s.clock.start < f.at) || !(f.at < end))
        return r.fail(entry["at"], "at: " + format_iso(f.at) + " lies outside the run (" +
                                                   format_iso(s.clock.start) + " to " + format_iso(end) + ")");
      // The down time is wall time: the span around the crash must be paced.
      const PaceSpan* span = nullptr;
      for (const PaceSpan& p : s.pace)
        if (!p.from || !(f.at < *p.from)) span = &p;
      if (f.kind == "kill" && span != nullptr && span->speed <= 0)
        return r.fail(entry["at"], "a core crash's down time is wall time: the pace span around " +
                                                   format_iso(f.at) + " must be live or accelerated, not max");
    }
  }
  if (!s.suspensions.empty()) {
    if (s.mode != Mode::kLive) return r.fail(root["faults"], "suspensions are opened in a real core: the run must be live");
    if (s.core.clock != "admin")
      return r.fail(root["faults"], "suspensions are in civil time: the run needs core.clock: admin");
    for (const SuspensionSpec& p : s.suspensions) {
      if (p.person_in_ward && !(s.workload.inpatient && s.workload.in_house_at_start))
        return r.fail(root["faults"], "line " + std::to_string(p.line) +
                                          ": person: {in_ward: true} picks a warm ward's patient: it needs "
                                          "workload.inpatient and workload.in_house_at_start");
      if (p.at < s.clock.start || !(p.at_to < end))
        return r.fail(root["faults"], "line " + std::to_string(p.line) + ": a suspension's at (" + format_iso(p.at) +
                                          ") lies outside the run (" + format_iso(s.clock.start) + " to " +
                                          format_iso(end) + ")");
    }
  }
  // Cut paths and card-reader storms act inside the run.
  std::vector<std::pair<CivilTime, int>> timed;  // (at, scenario line)
  for (const NetworkFaultSpec& c : s.cuts) timed.emplace_back(c.at, c.line);
  for (const CardStormSpec& c : s.card_storms) timed.emplace_back(c.at, c.line);
  for (const auto& [at, line] : timed)
    if (at < s.clock.start || !(at < end))
      for (const auto& entry : root["faults"])
        if (entry.Mark().line + 1 == line)
          return r.fail(entry["at"], "at: " + format_iso(at) + " lies outside the run (" + format_iso(s.clock.start) +
                                         " to " + format_iso(end) + ")");
  if (s.mode != Mode::kLive && s.backfill.manual > 0 && s.backfill.review_s < s.clock.duration_s)
    return r.fail(root["backfill"]["review"] ? root["backfill"]["review"] : root["backfill"]["manual"],
                  "review: a manual reimbursement reviewed inside the run is an Admin call of a live core "
                  "(Admin.ManualReimburse): write mode: live, or give a review longer than the run");
  if (s.mode != Mode::kLive && s.agency.enabled)
    return r.fail(root["agency"], "agency: the agency's calls are Admin calls of a live core: write mode: live");
  if (root["backfill"] && s.switchover.empty() && s.cuts.empty())
    return r.fail(root["backfill"], "backfill follows an outage: give switchover or a fep, line, link or host fault");
}

void check_files(Readers& in, const YAML::Node& root, Scenario& s, const fs::path& dir) {
  models::YamlReader& r = in.r;
  if (!r.ok()) return;
  const YAML::Node scale = root["scale"];
  const YAML::Node core = root["core"];
  if (!s.scale.presets_file.empty()) resolve(r, s.scale.presets_file, dir, scale["presets_file"], "presets_file", true);
  if (!s.core.policy.empty()) resolve(r, s.core.policy, dir, core["policy"], "policy", true);
  if (!s.core.admin_token_file.empty()) resolve(r, s.core.admin_token_file, dir, core["admin_token_file"], "admin_token_file", false);

  // The preset must exist in its presets file (whose own errors carry its own file:line).
  if (!r.ok()) return;
  const YAML::Node preset_at = scale && scale["preset"] ? scale["preset"] : root;
  const std::string presets = s.scale.presets_file.empty() ? models::default_presets_path() : s.scale.presets_file;
  auto catalog = models::load_presets_file(presets);
  if (!catalog.ok()) return r.fail(preset_at, "cannot use presets file: " + std::string(catalog.status().message()));
  if (catalog->find(s.scale.preset) == nullptr) {
    std::string names;
    for (const auto& p : catalog->presets) names += (names.empty() ? "" : ", ") + p.name;
    return r.fail(preset_at, "preset: '" + s.scale.preset + "' is not in " + presets + " (" + names + ")");
  }

  // The calibration: needed by a modelled run of the network (not by mmc, not by live runs).
  const bool needed = s.mode == Mode::kModelled && !s.mmc;
  const YAML::Node cal_at = core && core["calibration"] ? core["calibration"] : (core ? core : root);
  resolve(r, s.core.calibration, dir, cal_at, core && core["calibration"] ? "calibration" : "calibration (default)", needed);
  if (!r.ok() || !needed) return;
  auto cal = load_calibration(s.core.calibration);
  if (!cal.ok()) r.fail(cal_at, "calibration: " + std::string(cal.status().message()));
}

Result<Scenario> parse_in(const std::string& text, const std::string& name, const fs::path& dir) {
  YB_ASSIGN_OR_RETURN(YAML::Node root, models::parse_yaml_text(text, name));
  models::YamlReader r(name);
  ValueReader v(r);
  Readers in{r, v};
  Scenario s;
  s.file = name;
  read_top(in, root, s);
  check_across(r, root, s);
  check_files(in, root, s, dir);
  if (!r.ok()) return r.status();
  if (s.name.empty()) s.name = fs::path(name).stem().string();
  return s;
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& text, const std::string& name) {
  return parse_in(text, name, fs::path());
}

Result<Scenario> load_scenario(const std::string& path) {
  YB_ASSIGN_OR_RETURN(std::string text, read_input_file(path));
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return parse_in(text, path, dir);
}

}  // namespace yibao::sim
