// The core's own view of a load run, from two Admin.GetStats snapshots (before and after the
// timed phase): commit batches of the group-commit writer (count, requests per batch, commit
// time) and per-RPC server latency (arrival to reply), as differences of the cumulative
// histograms — where the time goes when the client's figures fall short.
// With --core-pid (same machine), the core's threads' time on a CPU and waiting for one.
// Pure functions (and /proc reads); thread-safe on distinct arguments.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "models/histogram.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::load {

// after − before, bin by bin (same layout), as a histogram; nullopt if the layouts differ or
// `after` is not a superset of `before`. The difference's max is `after`'s (an upper bound).
std::optional<models::Histogram> histogram_delta(const settlement::v1::Histogram& before,
                                                 const settlement::v1::Histogram& after);

// Per-thread CPU accounting of a local process (Linux /proc/PID/task/*/schedstat): nanoseconds
// on a CPU and waiting for one. Empty if unreadable (another machine, another OS).
struct ThreadTime {
  int tid = 0;
  std::string comm;
  uint64_t on_cpu_ns = 0;
  uint64_t wait_ns = 0;
};
std::vector<ThreadTime> read_thread_times(int pid);
// Prints the busiest threads between two snapshots over `seconds` of wall time.
void print_thread_times(std::FILE* out, const std::vector<ThreadTime>& before, const std::vector<ThreadTime>& after,
                        double seconds);

// Prints the "core:" section of the report.
void print_core_stats(std::FILE* out, const settlement::v1::GetStatsReply& before,
                      const settlement::v1::GetStatsReply& after, double seconds);

}  // namespace yibao::load
