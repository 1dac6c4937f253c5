// yibao-sim: command line only (DESIGN.md §2). Subcommands:
//   run SCENARIO.yaml [--out DIR] [--seed N] [--mode modelled|live] [--core ADDR]
//       [--admin-token FILE] [--tls-ca F --tls-client-cert F --tls-client-key F]
//   validate SCENARIO.yaml
//   calibrate [--core ADDR] [--admin-token FILE] --out FILE
// Exit codes: 0 pass, 3 SLO or invariant failure, 1 any error (bad flags included), each error
// as one line on stderr.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "sim/engine.h"

int main(int argc, char** argv) {
  using yibao::sim::RunOptions;
  CLI::App app{"yibao-sim: simulation and capacity-test harness of a medical-insurance settlement network"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help of every subcommand");

  RunOptions run;
  std::string mode;
  auto* run_cmd = app.add_subcommand("run", "run a scenario and write its run directory");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("--out", run.out_dir, "run directory (default: runs/<scenario>-<seed>)");
  run_cmd->add_option("--seed", run.seed, "seed (default: the scenario's)");
  run_cmd->add_option("--mode", mode, "modelled or live (default: the scenario's)")
      ->check(CLI::IsMember({"modelled", "live"}));
  run_cmd->add_option("--core", run.core_address, "live: drive the yibao-core at HOST:PORT (default: start one)");
  run_cmd->add_option("--admin-token", run.admin_token_file, "live with --core: the core's admin token file");
  run_cmd->add_option("--tls-ca", run.tls.ca_file, "live: CA certificate (PEM) to verify the core");
  run_cmd->add_option("--tls-client-cert", run.tls.client_cert_file, "live: client certificate (PEM)");
  run_cmd->add_option("--tls-client-key", run.tls.client_key_file, "live: client private key (PEM)");
  run_cmd->add_flag("--quiet", run.quiet, "no progress line or summary table");

  std::string validate_path;
  auto* validate_cmd = app.add_subcommand("validate", "check a scenario file and print what it would run");
  validate_cmd->add_option("scenario", validate_path, "scenario YAML file")->required();

  yibao::sim::CalibrateCommand cal;
  auto* cal_cmd = app.add_subcommand("calibrate", "measure a core and write a calibration of the modelled core");
  cal_cmd->add_option("--core", cal.core_address, "the yibao-core at HOST:PORT (default: start one)");
  cal_cmd->add_option("--admin-token", cal.admin_token_file, "with --core: the core's admin token file");
  cal_cmd->add_option("--out", cal.out, "calibration YAML to write")->required();
  cal_cmd->add_option("--seconds", cal.seconds, "length of the load, wall seconds")->capture_default_str();
  cal_cmd->add_option("--rate", cal.rate, "visits per second of the load")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "yibao-sim: %s (see --help)\n", e.what());
    return 1;
  }

  if (!mode.empty()) run.mode = mode == "live" ? yibao::sim::Mode::kLive : yibao::sim::Mode::kModelled;
  if (*run_cmd) return yibao::sim::run_command(run);
  if (*validate_cmd) return yibao::sim::validate_command(validate_path);
  if (*cal_cmd) return yibao::sim::calibrate_command(cal);
  return 1;
}
