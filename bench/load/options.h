// LoadOptions: everything a yibao-load run is told (main.cc fills it from the command line;
// tests and tools may fill it directly). Plain value; validate() says what is wrong with it.
#pragma once

#include <cstdint>
#include <string>

#include "grpc/client/client_pool.h"

namespace yibao::load {

// settle: durable 2207 on visits prepared (2201/2203/2204/2206) before the timed phase;
// visit: whole outpatient visits (1101 → 2201 → 2203 → 2204 → 2206 → 2207) and, at pharmacies,
// sales (1101 → 2101 → 2102), every call timed and each unit end to end;
// echo: Admin.Echo, the no-work baseline.
enum class Mix { kSettle, kVisit, kEcho };
const char* mix_name(Mix m);

struct LoadOptions {
  std::string core;                 // target, "host:port"
  std::string population;           // preset the core was started with
  uint64_t seed = 0;                // its seed
  double duration_s = 10;           // timed phase, seconds
  double rate = 0;                  // units per second (settlements, visits+sales, echoes)
  bool max = false;                 // as fast as the in-flight window allows
  bool poisson = false;             // Poisson arrivals instead of constant spacing (--rate only)
  Mix mix = Mix::kSettle;
  int facilities = 200;             // facilities driven, spread over kinds
  std::string admin_token_file;     // Admin bearer token (Admin.GetStats, Echo)
  std::string acked_file;           // append acknowledged settlements here
  std::string presets_file;         // presets YAML (default models/data/presets.yaml)
  int channels = 4;                 // HTTP/2 connections
  int in_flight = 0;                // units in flight at most; 0 = the mix's default
  int64_t prepare = 0;              // settle: visits to prepare; 0 = rate × duration (+5 %),
                                    // or for --max a fixed pool of 3,000 × duration
  int retries = 2;                  // retries of UNAVAILABLE / DEADLINE_EXCEEDED, same msgid
  int retry_backoff_ms = 50;        // first retry's wait (doubling, ≤ 1 s)
  int deadline_ms = 10000;          // per-attempt deadline of queries and uploads
  int settle_deadline_ms = 30000;   // per-attempt deadline of 2207 / 2102 (DOMAIN.md §8.4)
  uint32_t generated_items = 2000;  // generated catalog items the core holds (yibao-core --generated-items)
  uint64_t load_seed = 1;           // seed of the loader's own draws (persons, lines, arrivals)
  double progress_s = 5;            // progress line interval (0 = none)
  int connect_timeout_s = 10;       // to reach the core at start
  client::TlsOptions tls;
  bool core_stats = true;           // print the core's own view of the run (Admin.GetStats)
  int core_pid = 0;                 // the core's pid on this machine: print its threads' CPU time

  // Empty if valid, else one sentence.
  std::string validate() const;
  // In-flight window: the given one or the mix's default.
  int window() const;
};

}  // namespace yibao::load
