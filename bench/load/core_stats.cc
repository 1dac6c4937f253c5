#include "bench/load/core_stats.h"

#include <map>
#include <string>

namespace yibao::load {

namespace v1 = settlement::v1;

std::optional<models::Histogram> histogram_delta(const v1::Histogram& before, const v1::Histogram& after) {
  if (after.bins() == 0) return std::nullopt;
  const bool empty_before = before.bins() == 0;
  if (!empty_before && (before.lo_us() != after.lo_us() || before.hi_us() != after.hi_us() || before.bins() != after.bins()))
    return std::nullopt;
  std::map<uint32_t, int64_t> counts;
  for (const auto& b : after.counts()) counts[b.index()] += static_cast<int64_t>(b.count());
  if (!empty_before)
    for (const auto& b : before.counts()) counts[b.index()] -= static_cast<int64_t>(b.count());
  models::HistogramExport e;
  e.lo_us = after.lo_us();
  e.hi_us = after.hi_us();
  e.bins = after.bins();
  for (const auto& [i, c] : counts) {
    if (c < 0) return std::nullopt;
    if (c > 0) e.counts.emplace_back(i, static_cast<uint64_t>(c));
  }
  const int64_t under = static_cast<int64_t>(after.underflow()) - static_cast<int64_t>(before.underflow());
  const int64_t over = static_cast<int64_t>(after.overflow()) - static_cast<int64_t>(before.overflow());
  if (under < 0 || over < 0) return std::nullopt;
  e.underflow = static_cast<uint64_t>(under);
  e.overflow = static_cast<uint64_t>(over);
  e.sum_us = std::max(0.0, after.sum_us() - before.sum_us());
  e.max_us = after.max_us();
  auto h = models::Histogram::import_plain(e);
  if (!h.ok()) return std::nullopt;
  return std::move(h).value();
}

void print_core_stats(std::FILE* out, const v1::GetStatsReply& before, const v1::GetStatsReply& after, double seconds) {
  std::fprintf(out, "core (Admin.GetStats, this phase): ledger %s\n", after.ledger().c_str());
  if (before.started_at() != after.started_at() || after.commit_batches() < before.commit_batches()) {
    std::fprintf(out, "  the core restarted during the phase (started %s, then %s): no difference to show\n",
                 before.started_at().c_str(), after.started_at().c_str());
    return;
  }
  const uint64_t batches = after.commit_batches() - before.commit_batches();
  auto sizes = histogram_delta(before.commit_batch_size(), after.commit_batch_size());
  auto commits = histogram_delta(before.commit_time(), after.commit_time());
  if (batches > 0 && sizes && commits) {
    std::fprintf(out,
                 "  commit batches %llu (%.0f/s), requests per batch mean %.1f p50 %.0f p99 %.0f; "
                 "commit (sync) time p50 %.3f ms p99 %.3f ms, %.0f %% of the phase\n",
                 static_cast<unsigned long long>(batches), seconds > 0 ? batches / seconds : 0.0, sizes->mean(),
                 sizes->quantile(0.5), sizes->quantile(0.99), commits->quantile(0.5) / 1000,
                 commits->quantile(0.99) / 1000, seconds > 0 ? commits->sum() / 1e4 / seconds : 0.0);
  }
  std::map<std::string, const v1::RpcStats*> earlier;
  for (const auto& r : before.rpcs()) earlier[r.infno()] = &r;
  for (const auto& r : after.rpcs()) {
    const v1::RpcStats* b = earlier.count(r.infno()) ? earlier[r.infno()] : nullptr;
    const uint64_t ok = r.ok() - (b ? b->ok() : 0);
    const uint64_t refused = r.refused() - (b ? b->refused() : 0);
    const uint64_t replayed = r.replayed() - (b ? b->replayed() : 0);
    if (ok + refused + replayed == 0) continue;
    auto lat = histogram_delta(b ? b->latency() : v1::Histogram(), r.latency());
    if (!lat) continue;
    std::fprintf(out, "  server %-16s ok %9llu refused %7llu replayed %6llu   p50 %8.3f  p99 %8.3f ms\n",
                 r.infno().c_str(), static_cast<unsigned long long>(ok), static_cast<unsigned long long>(refused),
                 static_cast<unsigned long long>(replayed), lat->quantile(0.5) / 1000, lat->quantile(0.99) / 1000);
  }
}

}  // namespace yibao::load
