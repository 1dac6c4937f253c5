// yibao-load: the open-loop load generator's command line (flags -> LoadOptions -> run_load).
// Exit codes: 0 a completed run, 1 a bad flag, an unreachable core or a population mismatch.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "bench/load/driver.h"

int main(int argc, char** argv) {
  using yibao::load::Mix;
  yibao::load::LoadOptions o;
  CLI::App app{
      "yibao-load: open-loop load against a running yibao-core.\n"
      "Regenerates the core's population (Admin.GetStats gives preset, seed and year), signs an\n"
      "operator in at --facilities facilities and sends units at --rate R per second (latency from\n"
      "each unit's intended send time; late sends counted) or --max (a bounded in-flight window).\n"
      "Mixes: settle = durable 2207 on visits prepared beforehand (untimed); visit = whole visits\n"
      "1101 2201 2203 2204 2206 2207 and pharmacy sales 1101 2101 2102; echo = Admin.Echo."};
  std::string mix = "settle";
  app.add_option("--core", o.core, "yibao-core address host:port")->required();
  app.add_option("--population", o.population, "population preset the core was started with")->required();
  app.add_option("--seed", o.seed, "population seed the core was started with")->required();
  app.add_option("--duration", o.duration_s, "timed phase, seconds")->required();
  auto* rate = app.add_option("--rate", o.rate, "units per second (settlements, visits + sales, echoes)");
  auto* max = app.add_flag("--max", o.max, "as fast as the in-flight window allows");
  rate->excludes(max);
  app.add_flag("--poisson", o.poisson, "Poisson arrivals at --rate (default: constant spacing)");
  app.add_option("--mix", mix, "settle, visit or echo")
      ->check(CLI::IsMember({"settle", "visit", "echo"}))
      ->capture_default_str();
  app.add_option("--facilities", o.facilities, "facilities to drive, spread over kinds")->capture_default_str();
  app.add_option("--admin-token", o.admin_token_file, "file with the Admin bearer token (<ledger>.admin-token)");
  app.add_option("--acked", o.acked_file,
                 "append one line per acknowledged settlement: msgid,setl_id,mdtrt_id,fixmedins_code,"
                 "medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay (fen)");
  app.add_option("--channels", o.channels, "HTTP/2 connections to the core")->capture_default_str();
  app.add_option("--in-flight", o.in_flight,
                 "units in flight at most (default: --max settle and echo 512, visit 128; --rate 100000)");
  app.add_option("--prepare", o.prepare,
                 "settle mix: visits to prepare (default rate x duration + 5 %; --max: a fixed pool of "
                 "3,000 x duration within [10,000, 240,000]; size it to max rate x duration for a fast core)");
  app.add_option("--retries", o.retries, "retries of UNAVAILABLE / DEADLINE_EXCEEDED with the same msgid")
      ->capture_default_str();
  app.add_option("--retry-backoff-ms", o.retry_backoff_ms, "first retry's wait, doubling up to 1 s")
      ->capture_default_str();
  app.add_option("--deadline-ms", o.deadline_ms, "per-attempt deadline of queries and uploads")->capture_default_str();
  app.add_option("--settle-deadline-ms", o.settle_deadline_ms, "per-attempt deadline of 2207 and 2102")
      ->capture_default_str();
  app.add_option("--generated-items", o.generated_items,
                 "generated catalog items the core holds (its --generated-items)")
      ->capture_default_str();
  app.add_option("--load-seed", o.load_seed, "seed of the loader's draws (persons, fee lines, arrivals)")
      ->capture_default_str();
  app.add_option("--progress", o.progress_s, "seconds between progress lines (0 = none)")->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout_s, "seconds to reach the core")->capture_default_str();
  app.add_option("--presets", o.presets_file, "presets YAML (default: models/data/presets.yaml)");
  app.add_option("--tls-ca", o.tls.ca_file, "PEM CA of the core's certificate (turns TLS on)");
  app.add_option("--tls-client-cert", o.tls.client_cert_file, "PEM client certificate (mutual TLS)");
  app.add_option("--tls-client-key", o.tls.client_key_file, "PEM client key (mutual TLS)");
  app.add_option("--tls-server-name", o.tls.server_name_override, "name to check the core's certificate against");
  app.add_option("--core-pid", o.core_pid,
                 "pid of the core when it runs on this machine: report its threads' time on a CPU and waiting for one");
  bool no_core_stats = false;
  app.add_flag("--no-core-stats", no_core_stats, "do not print the core's own view (Admin.GetStats) of the run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "yibao-load: %s\n", e.what());
    return 1;
  }
  static const std::map<std::string, Mix> kMixes{
      {"settle", Mix::kSettle}, {"visit", Mix::kVisit}, {"echo", Mix::kEcho}};
  o.mix = kMixes.at(mix);
  o.core_stats = !no_core_stats;
  return yibao::load::run_load(o, stdout, stderr);
}
