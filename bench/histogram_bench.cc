// Cost of models::Histogram (models/histogram.h): add() on the hot path of every latency
// recorder (yibao-load's completion callbacks, the core's per-RPC stats, the simulator), merge,
// quantile and export.
//
//   build-*/bench/histogram_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <vector>

#include "models/histogram.h"
#include "models/rng.h"

namespace {

using yibao::models::Histogram;

std::vector<double> samples(size_t n) {
  yibao::models::Rng rng(1, yibao::models::stream_id("histogram_bench"));
  std::vector<double> v(n);
  for (auto& x : v) x = rng.lognormal_median(900.0, 0.8);
  return v;
}

void BM_HistogramAdd(benchmark::State& state) {
  const auto v = samples(4096);
  Histogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.add(v[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramAdd);

Histogram filled() {
  Histogram h;
  for (double x : samples(100'000)) h.add(x);
  return h;
}

void BM_HistogramMerge(benchmark::State& state) {
  const Histogram a = filled();
  Histogram acc;
  for (auto _ : state) {
    acc += a;
  }
  benchmark::DoNotOptimize(acc.count());
}
BENCHMARK(BM_HistogramMerge);

void BM_HistogramQuantile(benchmark::State& state) {
  const Histogram h = filled();
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.quantile(0.99));
  }
}
BENCHMARK(BM_HistogramQuantile);

void BM_HistogramExport(benchmark::State& state) {
  const Histogram h = filled();
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.export_plain());
  }
}
BENCHMARK(BM_HistogramExport);

}  // namespace

BENCHMARK_MAIN();
