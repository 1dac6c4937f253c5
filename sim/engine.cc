#include "sim/engine.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/calibration.h"
#include "sim/run.h"

namespace yibao::sim {
namespace fs = std::filesystem;

int run_command(const RunOptions& o) {
  Result<Scenario> loaded = load_scenario(o.scenario);
  if (!loaded.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  Scenario s = std::move(*loaded);
  if (o.seed) s.seed = *o.seed;
  if (o.mode) s.mode = *o.mode;
  if (!o.core_address.empty()) s.core.address = o.core_address;
  if (!o.admin_token_file.empty()) s.core.admin_token_file = o.admin_token_file;
  if (s.mode == Mode::kLive && s.pace.empty()) {
    std::fprintf(stderr, "yibao-sim: %s: live mode needs a `pace` span (e.g. pace: [{speed: 60}])\n", o.scenario.c_str());
    return 1;
  }
  if (s.mmc && s.mode == Mode::kLive) {
    std::fprintf(stderr, "yibao-sim: %s: an `mmc` scenario runs modelled only\n", o.scenario.c_str());
    return 1;
  }
  std::string out = o.out_dir.empty() ? fmt::format("runs/{}-{}", s.name, s.seed) : o.out_dir;
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "yibao-sim: %s: cannot create the run directory: %s\n", out.c_str(), ec.message().c_str());
    return 1;
  }
  Run run(std::move(s), o, out);
  return run.execute();
}

int validate_command(const std::string& path) {
  Result<Scenario> loaded = load_scenario(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  const Scenario& s = *loaded;
  std::printf("%s: valid\n", path.c_str());
  std::printf("  name      %s\n", s.name.c_str());
  std::printf("  question  %s\n", s.question.c_str());
  if (s.mmc) {
    std::printf("  M/M/%d station: arrivals %.4g/s, service %.4g/s per server, %llu customers\n", s.mmc->servers,
                s.mmc->arrival_rate, s.mmc->service_rate, static_cast<unsigned long long>(s.mmc->customers));
    return 0;
  }
  std::printf("  scale     %s preset, seed %llu\n", s.scale.preset.c_str(), static_cast<unsigned long long>(s.seed));
  std::printf("  clock     %s for %.0f s (warm-up %.0f s)\n", format_iso(s.clock.start).c_str(), s.clock.duration_s,
              s.clock.warmup_s);
  std::printf("  mode      %s\n", s.mode == Mode::kLive ? "live" : "modelled");
  for (const auto& p : s.pace) std::printf("  pace      %s, speed %.4g\n", p.kind.c_str(), p.speed);
  for (const SwitchoverSpec& w : s.switchover)
    std::printf("  window    %s %s .. %s%s\n", w.scope.c_str(), format_iso(w.from).c_str(), format_iso(w.to).c_str(),
                w.announced ? "" : " (unannounced)");
  for (const FaultSpec& f : s.faults)
    std::printf("  fault     %s at %s (line %d)\n", f.kind == "kill" ? "kill core" : (f.kind + " " + f.call).c_str(),
                format_iso(f.at).c_str(), f.line);
  for (const SuspensionSpec& p : s.suspensions)
    std::printf("  fault     suspend %s (%s) from %s (line %d)\n", p.scope.c_str(), p.mode.c_str(),
                format_iso(p.at).c_str(), p.line);
  for (const NetworkFaultSpec& c : s.cuts)
    std::printf("  fault     %s %s at %s (line %d)\n", c.kind.c_str(),
                c.target.empty() ? ("{type: " + c.facility_type + "}").c_str() : c.target.c_str(), format_iso(c.at).c_str(),
                c.line);
  for (const CardStormSpec& c : s.card_storms)
    std::printf("  fault     card_reader %.3g from %s (line %d)\n", c.failure, format_iso(c.at).c_str(), c.line);
  std::printf("  slo       %zu\n", s.slo.size());
  return 0;
}

int calibrate_command(const CalibrateCommand& c) { return run_calibrate(c); }

}  // namespace yibao::sim
