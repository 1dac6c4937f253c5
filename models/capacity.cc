// Capacity analytics of models/capacity.h. Eigen is allowed here only (DESIGN.md §3).
#include "models/capacity.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "models/check.h"

namespace yibao::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

double erlang_b(double offered_load, int32_t servers) {
  YB_CHECK(offered_load >= 0 && servers >= 0, "erlang_b: negative load or servers");
  double b = 1.0;
  for (int32_t k = 1; k <= servers; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double utilisation(double lambda, double mu, int32_t servers) {
  YB_CHECK(lambda >= 0 && mu > 0 && servers >= 1, "M/M/c: need lambda >= 0, mu > 0, c >= 1");
  return lambda / (servers * mu);
}

double erlang_c(double lambda, double mu, int32_t servers) {
  const double rho = utilisation(lambda, mu, servers);
  if (rho >= 1) return 1.0;
  const double b = erlang_b(lambda / mu, servers);
  return b / (1 - rho * (1 - b));
}

MmcResult mmc(double lambda, double mu, int32_t servers) {
  MmcResult r;
  r.utilisation = utilisation(lambda, mu, servers);
  r.stable = r.utilisation < 1;
  r.p_wait = erlang_c(lambda, mu, servers);
  if (!r.stable) {
    r.wq = r.w = r.lq = r.l = kInf;
    return r;
  }
  r.wq = r.p_wait / (servers * mu - lambda);
  r.w = r.wq + 1 / mu;
  r.lq = lambda * r.wq;
  r.l = lambda * r.w;
  return r;
}

int32_t servers_for_wait(double lambda, double mu, double target_wq_s, int32_t max_servers) {
  // Wq falls as c grows: start at the least stable c.
  auto c = static_cast<int32_t>(std::floor(lambda / mu)) + 1;
  for (c = std::max(c, 1); c <= max_servers; ++c) {
    if (mmc(lambda, mu, c).wq <= target_wq_s) return c;
  }
  return -1;
}

MvaResult mva(std::span<const MvaStation> stations, int32_t customers, double think_s) {
  YB_CHECK(customers >= 1 && think_s >= 0, "mva: need customers >= 1 and think time >= 0");
  const size_t k = stations.size();
  MvaResult r;
  r.queue.assign(k, 0.0);
  r.residence_s.assign(k, 0.0);
  double x = 0;
  for (int32_t n = 1; n <= customers; ++n) {
    double total = 0;
    for (size_t i = 0; i < k; ++i) {
      YB_CHECK(stations[i].demand_s >= 0, "mva: negative demand");
      // Arrival theorem: an arriving customer sees the network with one customer fewer.
      r.residence_s[i] = stations[i].delay ? stations[i].demand_s : stations[i].demand_s * (1 + r.queue[i]);
      total += r.residence_s[i];
    }
    x = total + think_s > 0 ? n / (total + think_s) : kInf;
    for (size_t i = 0; i < k; ++i) r.queue[i] = x * r.residence_s[i];
    r.throughput_by_n.push_back(x);
    r.response_s = total;
  }
  r.throughput = x;
  r.utilisation.resize(k);
  for (size_t i = 0; i < k; ++i) r.utilisation[i] = x * stations[i].demand_s;
  return r;
}

double UslFit::throughput(double n) const { return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1)); }

double UslFit::peak_n() const {
  if (kappa <= 0 || sigma >= 1) return kInf;
  return std::sqrt((1 - sigma) / kappa);
}

double UslFit::peak_throughput() const {
  const double n = peak_n();
  if (n == kInf) return sigma > 0 ? lambda / sigma : kInf;
  return throughput(n);
}

Result<UslFit> fit_usl(std::span<const std::pair<double, double>> points) {
  const auto m = static_cast<Eigen::Index>(points.size());
  if (m < 3) return Status(Code::kInvalidArgument, reason::kBadRequest, "usl fit: need at least 3 points");
  std::vector<double> ns;
  for (const auto& [n, x] : points) {
    if (!(n > 0) || !(x > 0) || !std::isfinite(n) || !std::isfinite(x))
      return Status(Code::kInvalidArgument, reason::kBadRequest, "usl fit: N and X must be positive and finite");
    bool seen = false;
    for (double v : ns) seen = seen || v == n;
    if (!seen) ns.push_back(n);
  }
  if (ns.size() < 3) return Status(Code::kInvalidArgument, reason::kBadRequest, "usl fit: need 3 distinct N");

  // Linear start: N/X = a + b(N−1) + c·N(N−1), with a = 1/λ, b = σ/λ, c = κ/λ.
  Eigen::MatrixXd a(m, 3);
  Eigen::VectorXd y(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const double n = points[static_cast<size_t>(i)].first;
    a(i, 0) = 1;
    a(i, 1) = n - 1;
    a(i, 2) = n * (n - 1);
    y(i) = n / points[static_cast<size_t>(i)].second;
  }
  const Eigen::Vector3d lin = a.colPivHouseholderQr().solve(y);
  Eigen::Vector3d p;  // (λ, σ, κ)
  p(0) = lin(0) > 0 ? 1 / lin(0) : points[0].second / points[0].first;
  p(1) = std::max(0.0, lin(1) * p(0));
  p(2) = std::max(0.0, lin(2) * p(0));

  // Gauss–Newton (damped, projected onto σ, κ ≥ 0) on the residuals of X itself.
  const auto sse = [&](const Eigen::Vector3d& q) {
    double s = 0;
    for (const auto& [n, x] : points) {
      const double e = q(0) * n / (1 + q(1) * (n - 1) + q(2) * n * (n - 1)) - x;
      s += e * e;
    }
    return s;
  };
  double best = sse(p);
  for (int it = 0; it < 100; ++it) {
    Eigen::MatrixXd j(m, 3);
    Eigen::VectorXd r(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto [n, x] = points[static_cast<size_t>(i)];
      const double d = 1 + p(1) * (n - 1) + p(2) * n * (n - 1);
      const double f = p(0) * n / d;
      r(i) = x - f;
      j(i, 0) = n / d;
      j(i, 1) = -f * (n - 1) / d;
      j(i, 2) = -f * n * (n - 1) / d;
    }
    const Eigen::Vector3d step = j.colPivHouseholderQr().solve(r);
    bool improved = false;
    for (double scale = 1; scale > 1e-6; scale /= 2) {
      Eigen::Vector3d q = p + scale * step;
      q(1) = std::max(0.0, q(1));
      q(2) = std::max(0.0, q(2));
      if (q(0) <= 0) continue;
      const double s = sse(q);
      if (s < best) {
        improved = best - s > 1e-15 * (1 + best);
        p = q;
        best = s;
        break;
      }
    }
    if (!improved) break;
  }

  UslFit fit;
  fit.lambda = p(0);
  fit.sigma = p(1);
  fit.kappa = p(2);
  double mean = 0;
  for (const auto& pt : points) mean += pt.second;
  mean /= static_cast<double>(m);
  double tot = 0;
  for (const auto& pt : points) tot += (pt.second - mean) * (pt.second - mean);
  fit.r2 = tot > 0 ? 1 - best / tot : 1;
  return fit;
}

double drain_time_s(double backlog, double lambda, double capacity) {
  if (backlog <= 0) return 0;
  if (capacity <= lambda) return kInf;
  return backlog / (capacity - lambda);
}

}  // namespace yibao::models
