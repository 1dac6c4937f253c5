// Capacity analytics (DESIGN.md §2, DOMAIN.md §8): the closed forms the simulator's results are
// checked against and the sweeps are summarised with.
//   - M/M/c (Erlang C): probability of waiting, mean wait, response time, queue lengths, the
//     servers needed for a target wait. Computed through the Erlang B recursion
//     B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), which stays within [0, 1] and is stable for c
//     in the thousands (no factorials, no powers).
//   - Exact mean value analysis (MVA) of a closed single-class network of queueing stations and
//     delay (infinite-server) stations with a think time.
//   - The Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)): least-squares fit over
//     measured (N, X) points (Eigen; linear fit of N/X, then Gauss–Newton on X), its peak.
//   - Backlog drain time after an outage: B / (capacity − λ).
// Units: rates per second, times in seconds (any one time unit works throughout).
// Pure functions; thread-safe. Eigen is used only in capacity.cc.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "models/status.h"

namespace yibao::models {

// Erlang B: blocking probability of M/M/c/c with offered load a = λ/μ (Erlangs), c ≥ 0.
double erlang_b(double offered_load, int32_t servers);

struct MmcResult {
  bool stable = false;      // λ < c·μ; otherwise the waits below are +infinity
  double utilisation = 0;   // ρ = λ / (c·μ)
  double p_wait = 0;        // Erlang C: P(an arrival waits)
  double wq = 0;            // mean wait in queue, s
  double w = 0;             // mean response (wait + service), s
  double lq = 0;            // mean number waiting
  double l = 0;             // mean number in the system
};

// M/M/c with arrival rate λ, service rate μ per server, c servers (λ ≥ 0, μ > 0, c ≥ 1;
// YB_CHECK otherwise).
MmcResult mmc(double lambda, double mu, int32_t servers);
// Erlang C alone (1 when unstable).
double erlang_c(double lambda, double mu, int32_t servers);
double utilisation(double lambda, double mu, int32_t servers);
// The fewest servers whose mean wait Wq ≤ target_wq_s; -1 if none up to max_servers.
int32_t servers_for_wait(double lambda, double mu, double target_wq_s, int32_t max_servers = 100000);

// One station of a closed network: its service demand per customer cycle (visits × service
// time, s); a delay station has no queue (infinite servers).
struct MvaStation {
  double demand_s = 0;
  bool delay = false;
};

struct MvaResult {
  double throughput = 0;            // customers per s at the population asked for
  double response_s = 0;            // Σ residence times (think time excluded)
  std::vector<double> residence_s;  // per station
  std::vector<double> queue;        // mean customers per station
  std::vector<double> utilisation;  // per station (X·D; a delay station's is its mean busy count)
  std::vector<double> throughput_by_n;  // X(1), ..., X(N)
};

// Exact MVA for `customers` ≥ 1 customers with think time `think_s` ≥ 0.
MvaResult mva(std::span<const MvaStation> stations, int32_t customers, double think_s = 0);

struct UslFit {
  double lambda = 0;  // throughput of one unit of concurrency (X(1) ideal)
  double sigma = 0;   // contention (≥ 0)
  double kappa = 0;   // coherency (≥ 0)
  double r2 = 0;      // coefficient of determination over the X values
  double throughput(double n) const;  // X(n)
  // Concurrency of the maximum, sqrt((1 − σ) / κ); +infinity when κ = 0 or σ ≥ 1 (no peak).
  double peak_n() const;
  double peak_throughput() const;     // X(peak_n()), or λ/σ (the asymptote) without a peak
};

// Least squares over (N, X) points, N > 0, X > 0, at least 3 points with 3 distinct N.
// INVALID_ARGUMENT otherwise.
Result<UslFit> fit_usl(std::span<const std::pair<double, double>> points);

// Time to drain a backlog of `backlog` items while new work arrives at λ and the system does
// `capacity` (= μ·c) per second: backlog / (capacity − λ); 0 for no backlog; +infinity when
// capacity ≤ λ.
double drain_time_s(double backlog, double lambda, double capacity);

}  // namespace yibao::models
