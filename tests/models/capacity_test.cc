// models/capacity: Erlang B/C against textbook values and a log-space reference for c = 1000,
// MVA against hand-worked cases and the finite-source closed form, the USL fit recovering known
// parameters, and the drain time.
#include "models/capacity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace yibao::models {
namespace {

// Erlang C from its definition, in log space: P0 terms a^k/k! and a^c/c! · c/(c − a).
double erlang_c_reference(double a, int c) {
  double log_max = -1e300;
  std::vector<double> logs;
  for (int k = 0; k < c; ++k) logs.push_back(k * std::log(a) - std::lgamma(k + 1.0));
  const double last = c * std::log(a) - std::lgamma(c + 1.0) + std::log(c / (c - a));
  for (double l : logs) log_max = std::max(log_max, l);
  log_max = std::max(log_max, last);
  double sum = 0;
  for (double l : logs) sum += std::exp(l - log_max);
  const double tail = std::exp(last - log_max);
  return tail / (sum + tail);
}

TEST(Capacity, ErlangTextbookValues) {
  EXPECT_NEAR(erlang_b(2, 3), 0.210526, 1e-6);
  EXPECT_DOUBLE_EQ(erlang_b(5, 0), 1.0);
  const MmcResult r = mmc(2, 1, 3);
  EXPECT_TRUE(r.stable);
  EXPECT_NEAR(r.utilisation, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.p_wait, 0.4444, 1e-4);
  EXPECT_NEAR(r.wq, 0.4444, 1e-4);
  EXPECT_NEAR(r.w, 1.4444, 1e-4);
  EXPECT_NEAR(r.lq, 0.8889, 1e-4);
  EXPECT_NEAR(r.l, 2.8889, 1e-4);
  // M/M/1: Pw = ρ, Wq = ρ / (μ − λ).
  const MmcResult one = mmc(0.5, 1, 1);
  EXPECT_NEAR(one.p_wait, 0.5, 1e-12);
  EXPECT_NEAR(one.wq, 1.0, 1e-12);
  EXPECT_NEAR(one.w, 2.0, 1e-12);
  EXPECT_NEAR(erlang_c(0.5, 1, 1), 0.5, 1e-12);
}

TEST(Capacity, ErlangStableForAThousandServers) {
  for (double a : {500.0, 900.0, 950.0, 990.0, 999.0}) {
    const double c = erlang_c(a, 1, 1000);
    EXPECT_TRUE(c >= 0 && c <= 1) << a;
    EXPECT_NEAR(c, erlang_c_reference(a, 1000), 1e-9) << a;
  }
  EXPECT_NEAR(erlang_c(500, 1, 1000), 0, 1e-12);
  EXPECT_GT(erlang_c(999, 1, 1000), 0.9);
}

TEST(Capacity, UnstableAndServersForAWait) {
  const MmcResult r = mmc(3, 1, 3);
  EXPECT_FALSE(r.stable);
  EXPECT_TRUE(std::isinf(r.wq));
  EXPECT_EQ(r.p_wait, 1.0);
  EXPECT_EQ(servers_for_wait(2, 1, 0.1), 4);  // c = 3: Wq 0.444; c = 4: Wq 0.087
  EXPECT_EQ(servers_for_wait(2, 1, 0.5), 3);
  EXPECT_EQ(servers_for_wait(100, 1, 1e-30, 101), -1);
  // The stress target of the city preset: 40 settlements/s at 20 ms each wants ≥ 1 server.
  EXPECT_GE(servers_for_wait(40, 50, 0.01), 1);
  EXPECT_NEAR(utilisation(40, 50, 2), 0.4, 1e-12);
}

TEST(Capacity, MvaHandWorkedAndFiniteSource) {
  const std::vector<MvaStation> two = {{1.0, false}, {0.5, false}};
  const MvaResult r = mva(two, 2);
  ASSERT_EQ(r.throughput_by_n.size(), 2u);
  EXPECT_NEAR(r.throughput_by_n[0], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.throughput, 6.0 / 7.0, 1e-12);
  EXPECT_NEAR(r.queue[0], 10.0 / 7.0, 1e-12);
  EXPECT_NEAR(r.queue[1], 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(r.response_s, 7.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.utilisation[0], 6.0 / 7.0, 1e-12);
  // One server, think time Z, N customers (machine repairman): X = (1 − P0) / S with
  // P0 = 1 / Σ_k N!/(N−k)! (S/Z)^k; N = 3, S = 1, Z = 2 → X = 0.789474.
  const std::vector<MvaStation> one = {{1.0, false}};
  EXPECT_NEAR(mva(one, 3, 2.0).throughput, 1 - 1 / 4.75, 1e-9);
  // A delay station adds its demand without queueing; throughput tends to 1/Dmax.
  const std::vector<MvaStation> mixed = {{0.01, false}, {0.5, true}};
  const MvaResult big = mva(mixed, 500);
  EXPECT_NEAR(big.throughput, 100, 0.5);
  EXPECT_NEAR(big.residence_s[1], 0.5, 1e-12);
  EXPECT_LE(big.utilisation[0], 1.0 + 1e-9);
}

TEST(Capacity, UslFitRecoversKnownParameters) {
  const UslFit truth{1000, 0.05, 0.001, 1};
  std::vector<std::pair<double, double>> pts;
  for (double n : {1, 2, 4, 8, 16, 32, 64}) pts.emplace_back(n, truth.throughput(n));
  const Result<UslFit> f = fit_usl(pts);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_NEAR(f->lambda, 1000, 1e-6);
  EXPECT_NEAR(f->sigma, 0.05, 1e-9);
  EXPECT_NEAR(f->kappa, 0.001, 1e-11);
  EXPECT_NEAR(f->r2, 1, 1e-12);
  EXPECT_NEAR(f->peak_n(), std::sqrt(0.95 / 0.001), 1e-6);
  EXPECT_NEAR(f->peak_throughput(), truth.throughput(std::sqrt(0.95 / 0.001)), 1e-6);
  // ±2 % noise (fixed pattern): close, and still a peak near 31.
  const double noise[] = {0.02, -0.02, 0.01, -0.01, 0.015, -0.015, 0.0};
  for (size_t i = 0; i < pts.size(); ++i) pts[i].second *= 1 + noise[i];
  const Result<UslFit> g = fit_usl(pts);
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(g->lambda, 1000, 40);
  EXPECT_NEAR(g->sigma, 0.05, 0.02);
  EXPECT_GT(g->r2, 0.98);
  EXPECT_NEAR(g->peak_n(), 30.8, 5);
  // Linear scaling: no peak; Amdahl only: peak at the asymptote λ/σ.
  const UslFit linear{10, 0, 0, 1};
  EXPECT_TRUE(std::isinf(linear.peak_n()));
  EXPECT_TRUE(std::isinf(linear.peak_throughput()));
  const UslFit amdahl{10, 0.1, 0, 1};
  EXPECT_NEAR(amdahl.peak_throughput(), 100, 1e-12);
}

TEST(Capacity, UslFitRefusesTooFewOrBadPoints) {
  const std::vector<std::pair<double, double>> two = {{1, 10}, {2, 19}};
  EXPECT_FALSE(fit_usl(two).ok());
  const std::vector<std::pair<double, double>> same = {{1, 10}, {1, 11}, {2, 19}};
  EXPECT_FALSE(fit_usl(same).ok());
  const std::vector<std::pair<double, double>> neg = {{1, 10}, {2, -1}, {3, 25}};
  EXPECT_FALSE(fit_usl(neg).ok());
}

TEST(Capacity, DrainTime) {
  EXPECT_DOUBLE_EQ(drain_time_s(3600, 1, 2), 3600);
  EXPECT_DOUBLE_EQ(drain_time_s(0, 5, 1), 0);
  EXPECT_TRUE(std::isinf(drain_time_s(10, 2, 2)));
  EXPECT_TRUE(std::isinf(drain_time_s(10, 3, 2)));
  // A day's switchover backlog of the city preset (90,000 settlements) drained at 40/s
  // against a 1/s mean: 90,000 / 39 s ≈ 38.5 min.
  EXPECT_NEAR(drain_time_s(90000, 1, 40) / 60, 38.46, 0.01);
}

}  // namespace
}  // namespace yibao::models
