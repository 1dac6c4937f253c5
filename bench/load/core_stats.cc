#include "bench/load/core_stats.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace yibao::load {

namespace v1 = settlement::v1;

std::optional<models::Histogram> histogram_delta(const v1::Histogram& before, const v1::Histogram& after) {
  if (after.bins() == 0) return std::nullopt;
  const bool empty_before = before.bins() == 0;
  if (!empty_before &&
      (before.lo_us() != after.lo_us() || before.hi_us() != after.hi_us() || before.bins() != after.bins()))
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
  const uint64_t syncs = after.commit_syncs() - before.commit_syncs();
  auto sizes = histogram_delta(before.commit_batch_size(), after.commit_batch_size());
  auto commits = histogram_delta(before.commit_time(), after.commit_time());
  if (batches > 0 && sizes && commits) {
    std::fprintf(out,
                 "  commit batches %llu (%.0f/s, %llu fsyncs), requests per batch mean %.1f p50 %.0f p99 %.0f; "
                 "commit + fsync time p50 %.3f ms p99 %.3f ms, summing to %.0f %% of the phase (the fsync "
                 "overlaps the next batch)\n",
                 static_cast<unsigned long long>(batches), seconds > 0 ? batches / seconds : 0.0,
                 static_cast<unsigned long long>(syncs), sizes->mean(),
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

std::vector<ThreadTime> read_thread_times(int pid) {
  std::vector<ThreadTime> out;
  std::error_code ec;
  const std::filesystem::path dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    ThreadTime t;
    std::ifstream sched(e.path() / "schedstat");
    std::ifstream comm(e.path() / "comm");
    if (!(sched >> t.on_cpu_ns >> t.wait_ns)) continue;
    std::getline(comm, t.comm);
    t.tid = std::atoi(e.path().filename().c_str());
    out.push_back(std::move(t));
  }
  return out;
}

void print_thread_times(std::FILE* out, const std::vector<ThreadTime>& before, const std::vector<ThreadTime>& after,
                        double seconds) {
  if (after.empty() || !(seconds > 0)) return;
  std::map<int, const ThreadTime*> earlier;
  for (const auto& t : before) earlier[t.tid] = &t;
  struct Row {
    const ThreadTime* t;
    double cpu_ms, wait_ms;
  };
  std::vector<Row> rows;
  for (const auto& t : after) {
    const ThreadTime* b = earlier.count(t.tid) ? earlier[t.tid] : nullptr;
    rows.push_back({&t, (t.on_cpu_ns - (b ? b->on_cpu_ns : 0)) / 1e6, (t.wait_ns - (b ? b->wait_ns : 0)) / 1e6});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.cpu_ms > b.cpu_ms; });
  std::fprintf(out,
               "  core threads (schedstat, this phase; the rest of a thread's time it was blocked: fsync, idle):\n");
  for (size_t i = 0; i < rows.size() && i < 6 && rows[i].cpu_ms >= 10; ++i)
    std::fprintf(out, "    tid %-7d %-16s on a CPU %7.0f ms (%3.0f %%), waiting for a CPU %7.0f ms (%3.0f %%)\n",
                 rows[i].t->tid, rows[i].t->comm.c_str(), rows[i].cpu_ms, rows[i].cpu_ms / (seconds * 10),
                 rows[i].wait_ms, rows[i].wait_ms / (seconds * 10));
}

}  // namespace yibao::load
