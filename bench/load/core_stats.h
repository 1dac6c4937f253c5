// The core's own view of a load run, from two Admin.GetStats snapshots (before and after the
// timed phase): commit batches of the group-commit writer (count, requests per batch, commit
// time) and per-RPC server latency (arrival to reply), as differences of the cumulative
// histograms — where the time goes when the client's figures fall short.
// Pure functions; thread-safe on distinct arguments.
#pragma once

#include <cstdio>
#include <optional>

#include "models/histogram.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::load {

// after − before, bin by bin (same layout), as a histogram; nullopt if the layouts differ or
// `after` is not a superset of `before`. The difference's max is `after`'s (an upper bound).
std::optional<models::Histogram> histogram_delta(const settlement::v1::Histogram& before,
                                                 const settlement::v1::Histogram& after);

// Prints the "core:" section of the report.
void print_core_stats(std::FILE* out, const settlement::v1::GetStatsReply& before,
                      const settlement::v1::GetStatsReply& after, double seconds);

}  // namespace yibao::load
