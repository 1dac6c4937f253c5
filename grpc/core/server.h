// RunServer: yibao-core's life from options to exit (DESIGN.md §4).
//
// Opens the ledger, brings the population, policy sets, catalog and sign-ins in, starts the
// writer and the gRPC server (Settlement, Admin, grpc.health.v1, reflection), prints one line
// saying where it listens, and serves until SIGTERM or SIGINT, when it stops taking calls, lets
// the ones in flight finish (5 s at most) and returns 0. A start-up error (bad option, ledger
// that cannot be opened, a different population on the ledger, port in use, unreadable TLS
// files, plaintext beyond loopback without --allow-plaintext) returns 1 after printing one line
// to stderr.
#pragma once

#include <cstdint>
#include <string>

namespace yibao::core {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  std::string ledger = "./yibao.db";        // a SQLite file path, or "memory"
  std::string policy_file;                  // empty: models/data/policy_default.yaml
  std::string catalog_file;                 // empty: models/data/catalog_fixture.yaml
  uint32_t generated_items = 2000;          // generated catalog items for load ("G..." codes)
  std::string population;                   // preset name; empty: no generated population
  uint64_t seed = 1;
  std::string presets_file;                 // empty: models/data/presets.yaml
  std::string admin_token_file;             // empty: <ledger>.admin-token (created if absent)
  bool allow_plaintext = false;             // listen beyond loopback without TLS
  std::string log_level = "info";
  std::string clock = "wall";               // "wall" or "admin" (clock.h)
  bool fault_injection = false;             // enables Admin.InjectFault (faults.h)
  int32_t backfill_max_age_days = 183;      // oldest back-filled care time, days before entry (§11.18)
  // TLS (PEM files): a certificate and its key turn TLS on; a client CA makes client
  // certificates required (and verified against it).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
};

// Blocks until shutdown. Returns the process exit code.
int RunServer(const ServerOptions& options);

}  // namespace yibao::core
