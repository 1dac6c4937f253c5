// yibao-core: the settlement core's command line (flags -> ServerOptions -> RunServer).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "grpc/core/server.h"

int main(int argc, char** argv) {
  yibao::core::ServerOptions o;
  CLI::App app{"yibao-core: the medical-insurance settlement core (gRPC).\n"
               "Serves the Settlement and Admin services on a durable ledger."};
  app.add_option("--listen", o.listen, "address:port to listen on (port 0 picks a free one)")->capture_default_str();
  app.add_option("--ledger", o.ledger, "SQLite ledger file (created if absent), or 'memory' for a throw-away one")
      ->capture_default_str();
  app.add_option("--policy", o.policy_file, "policy set YAML (default: the DEFAULT FIXTURE, models/data/policy_default.yaml)");
  app.add_option("--catalog", o.catalog_file, "catalog YAML (default: models/data/catalog_fixture.yaml)");
  app.add_option("--generated-items", o.generated_items, "generated catalog items for load tests")->capture_default_str();
  app.add_option("--population", o.population,
                 "generate the population of this preset (county, city, province, nation); a ledger that holds "
                 "another (preset, seed) refuses to start");
  app.add_option("--seed", o.seed, "seed of the generated population")->capture_default_str();
  app.add_option("--presets", o.presets_file, "presets YAML (default: models/data/presets.yaml)");
  app.add_option("--admin-token", o.admin_token_file,
                 "file holding the Admin bearer token (default: <ledger>.admin-token, created mode 0600 if absent)");
  app.add_flag("--allow-plaintext", o.allow_plaintext, "allow listening beyond loopback without TLS");
  app.add_option("--clock", o.clock,
                 "wall: the system clock (China standard time); admin: Admin.SetClock sets it, it stands still "
                 "between SetClock calls, never goes backwards, and restarts at the last time the ledger saw")
      ->check(CLI::IsMember({"wall", "admin"}))
      ->capture_default_str();
  app.add_flag("--fault-injection", o.fault_injection,
               "enable Admin.InjectFault (added latency, refusals, lost replies per call kind): tests and drills only");
  app.add_option("--backfill-max-age-days", o.backfill_max_age_days,
                 "back-fill (backfill_flag = 1 on 2201/2401/2101/2102, Admin.ManualReimburse): the oldest care "
                 "time accepted, in days before entry (6 months); older is refused with E_STATE")
      ->check(CLI::Range(1, 3660))
      ->capture_default_str();
  app.add_option("--tls-cert", o.tls_cert, "PEM server certificate (chain); with --tls-key turns TLS on");
  app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", o.tls_client_ca,
                 "PEM CA that client certificates must chain to; client certificates are then required");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "yibao-core: %s\n", e.what());
    return 1;
  }
  return yibao::core::RunServer(o);
}
