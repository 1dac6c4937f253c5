// Tests of models/histogram.h: quantile accuracy against exact sorted samples, merge, the plain
// export/import round trip and its validation.
#include "models/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/rng.h"

namespace yibao::models {
namespace {

// The exact nearest-rank quantile: the sample of rank max(1, ceil(q n)).
double exact_quantile(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n)));
  return sorted[rank - 1];
}

std::vector<double> lognormal_samples(uint64_t seed, size_t n, double median_us, double sigma) {
  Rng rng(seed, stream_id("histogram_test"));
  std::vector<double> v(n);
  for (auto& x : v) x = rng.lognormal_median(median_us, sigma);
  return v;
}

constexpr double kQuantiles[] = {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0};

TEST(Histogram, DefaultLayoutBinWidthGivesOnePercent) {
  Histogram h;
  EXPECT_EQ(h.layout(), kLatencyLayout);
  const double r = h.lower_edge(1) / h.lower_edge(0);
  EXPECT_LT(std::sqrt(r) - 1.0, 0.01);
  EXPECT_NEAR(h.lower_edge(0), 1.0, 1e-12);
  EXPECT_NEAR(h.lower_edge(kLatencyLayout.bins), 1e8, 1e-3);
}

struct QuantileCase {
  uint64_t seed;
  size_t n;
  double median_us;
  double sigma;
};

class HistogramQuantile : public ::testing::TestWithParam<QuantileCase> {};

TEST_P(HistogramQuantile, WithinOnePercentOfExactSamples) {
  const QuantileCase c = GetParam();
  std::vector<double> samples = lognormal_samples(c.seed, c.n, c.median_us, c.sigma);
  Histogram h;
  double sum = 0;
  for (double x : samples) {
    h.add(x);
    sum += x;
  }
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(h.count(), c.n);
  EXPECT_DOUBLE_EQ(h.min(), samples.front());
  EXPECT_DOUBLE_EQ(h.max(), samples.back());
  EXPECT_NEAR(h.sum(), sum, 1e-9 * sum);
  EXPECT_NEAR(h.mean(), sum / static_cast<double>(c.n), 1e-9 * sum);
  EXPECT_EQ(h.underflow(), 0u);
  EXPECT_EQ(h.overflow(), 0u);
  for (double q : kQuantiles) {
    const double want = exact_quantile(samples, q);
    const double got = h.quantile(q);
    EXPECT_LE(std::abs(got - want), 0.01 * want) << "q=" << q << " want " << want << " got " << got;
  }
}

INSTANTIATE_TEST_SUITE_P(Lognormal, HistogramQuantile,
                         ::testing::Values(QuantileCase{1, 100'000, 800.0, 0.6},     // typical RPC
                                           QuantileCase{2, 50'000, 100.0, 1.0},      // wide, down near lo
                                           QuantileCase{3, 1'000, 1e6, 1.2},         // seconds, heavy tail
                                           QuantileCase{4, 7, 300.0, 0.3}));         // tiny sample

TEST(Histogram, EveryBinStaysWithinOnePercent) {
  // Worst case: samples at both edges of many bins.
  Histogram h;
  for (uint32_t i = 0; i < kLatencyLayout.bins; i += 7) {
    for (double x : {h.lower_edge(i) * (1 + 1e-12), h.lower_edge(i + 1) * (1 - 1e-12)}) {
      Histogram one;
      one.add(h.lower_edge(0) * 0.5);  // below, so min does not clamp the answer
      one.add(x);
      one.add(1e9);  // above, so max does not clamp it either
      EXPECT_LE(std::abs(one.quantile(0.5) - x), 0.01 * x) << "bin " << i;
    }
  }
}

TEST(Histogram, EmptyIsZeroEverywhere) {
  Histogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.min(), 0.0);
  EXPECT_EQ(h.max(), 0.0);
  const HistogramExport e = h.export_plain();
  EXPECT_TRUE(e.counts.empty());
  EXPECT_EQ(e.underflow + e.overflow, 0u);
}

TEST(Histogram, UnderAndOverflowAreKept) {
  Histogram h;
  h.add(0.0);
  h.add(-5.0);  // recorded as 0
  h.add(0.5);
  h.add(100.0);
  h.add(2e8);
  h.add(std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.underflow(), 3u);
  EXPECT_EQ(h.overflow(), 2u);
  EXPECT_EQ(h.min(), 0.0);
  EXPECT_EQ(h.quantile(0.0), 0.0);   // rank 1 in the underflow: min
  EXPECT_EQ(h.quantile(0.5), 0.0);   // rank 3 in the underflow: min
  EXPECT_NEAR(h.quantile(4.0 / 6), 100.0, 1.0);
  EXPECT_EQ(h.quantile(1.0), std::numeric_limits<double>::infinity());  // overflow: max
}

TEST(Histogram, MergeOfTwoEqualsOneOverTheUnion) {
  const auto a = lognormal_samples(11, 20'000, 500.0, 0.8);
  const auto b = lognormal_samples(12, 30'000, 5'000.0, 1.2);
  Histogram ha, hb, hu;
  for (double x : a) {
    ha.add(x);
    hu.add(x);
  }
  for (double x : b) {
    hb.add(x);
    hu.add(x);
  }
  hu.add(1e9);
  hb.add(1e9);
  Histogram merged = ha;
  merged += hb;
  EXPECT_EQ(merged.count(), hu.count());
  EXPECT_EQ(merged.min(), hu.min());
  EXPECT_EQ(merged.max(), hu.max());
  EXPECT_NEAR(merged.sum(), hu.sum(), 1e-9 * hu.sum());  // only the order of additions differs
  for (uint32_t i = 0; i < kLatencyLayout.bins; ++i) ASSERT_EQ(merged.bin_count(i), hu.bin_count(i)) << i;
  EXPECT_EQ(merged.overflow(), hu.overflow());
  for (double q : kQuantiles) EXPECT_EQ(merged.quantile(q), hu.quantile(q)) << q;
  const Histogram sum = ha + hb;
  EXPECT_EQ(sum.count(), hu.count());
  // Merging an empty histogram changes nothing.
  merged += Histogram();
  EXPECT_EQ(merged.count(), hu.count());
  EXPECT_EQ(merged.min(), hu.min());
}

TEST(Histogram, LayoutsMustMatchToMerge) {
  Histogram a;
  Histogram b(HistogramLayout{1.0, 1e6, 100});
  EXPECT_FALSE(a.compatible(b));
  EXPECT_TRUE(b.compatible(Histogram(HistogramLayout{1.0, 1e6, 100})));
  EXPECT_DEATH(a += b, "different layouts");
}

TEST(Histogram, ExportImportRoundTrip) {
  const auto samples = lognormal_samples(21, 10'000, 1'200.0, 1.0);
  Histogram h;
  for (double x : samples) h.add(x);
  h.add(0.25);
  h.add(5e8);
  const HistogramExport e = h.export_plain();
  EXPECT_EQ(e.lo_us, 1.0);
  EXPECT_EQ(e.hi_us, 1e8);
  EXPECT_EQ(e.bins, 930u);
  EXPECT_EQ(e.underflow, 1u);
  EXPECT_EQ(e.overflow, 1u);
  EXPECT_EQ(e.max_us, 5e8);
  EXPECT_TRUE(std::is_sorted(e.counts.begin(), e.counts.end()));
  for (const auto& [i, c] : e.counts) EXPECT_GT(c, 0u) << i;

  Result<Histogram> back = Histogram::import_plain(e);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->export_plain(), e);
  EXPECT_EQ(back->count(), h.count());
  EXPECT_EQ(back->sum(), h.sum());
  EXPECT_EQ(back->max(), h.max());
  EXPECT_EQ(back->min(), 0.0);  // underflow present: the lower bound is 0
  for (double q : {0.5, 0.9, 0.99, 1.0}) EXPECT_EQ(back->quantile(q), h.quantile(q)) << q;
  // An imported histogram merges with a local one.
  *back += h;
  EXPECT_EQ(back->count(), 2 * h.count());
}

TEST(Histogram, ImportWithoutUnderflowBoundsMinByTheLowestBin) {
  Histogram h;
  h.add(150.0);
  h.add(900.0);
  Result<Histogram> back = Histogram::import_plain(h.export_plain());
  ASSERT_TRUE(back.ok());
  EXPECT_LE(back->min(), 150.0);
  EXPECT_GE(back->min(), 150.0 / 1.021);
}

TEST(Histogram, ImportRefusesBadInput) {
  Histogram h;
  h.add(10.0);
  const HistogramExport good = h.export_plain();
  struct Case {
    const char* name;
    void (*spoil)(HistogramExport&);
    const char* field;
  };
  const Case cases[] = {
      {"zero bins", [](HistogramExport& e) { e.bins = 0; }, "bins"},
      {"huge bins", [](HistogramExport& e) { e.bins = kMaxHistogramBins + 1; }, "bins"},
      {"lo zero", [](HistogramExport& e) { e.lo_us = 0; }, "lo_us"},
      {"hi below lo", [](HistogramExport& e) { e.hi_us = 0.5; }, "lo_us"},
      {"nan hi", [](HistogramExport& e) { e.hi_us = std::nan(""); }, "lo_us"},
      {"index out of range", [](HistogramExport& e) { e.counts.push_back({930, 1}); }, "counts"},
      {"repeated index", [](HistogramExport& e) { e.counts.push_back(e.counts.front()); }, "counts"},
      {"zero count", [](HistogramExport& e) { e.counts.front().second = 0; }, "counts"},
      {"count overflow", [](HistogramExport& e) { e.underflow = ~uint64_t{0}; }, "counts"},
      {"inf sum", [](HistogramExport& e) { e.sum_us = std::numeric_limits<double>::infinity(); }, "sum_us"},
  };
  for (const Case& c : cases) {
    HistogramExport e = good;
    c.spoil(e);
    Result<Histogram> r = Histogram::import_plain(e);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << c.name;
    EXPECT_EQ(r.status().field(), c.field) << c.name;
  }
}

TEST(Histogram, AddingNanAborts) {
  Histogram h;
  EXPECT_DEATH(h.add(std::nan("")), "NaN");
}

}  // namespace
}  // namespace yibao::models
