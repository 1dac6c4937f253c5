// Seeded, per-stream random numbers (DESIGN.md §5 "Determinism").
//
// Every entity and purpose draws from its own stream: Rng(seed, stream, index) mixes the three
// with SplitMix64 into the state of a xoshiro256** generator, so person 17's draws do not depend
// on how many draws person 16 made, and a run is a pure function of (scenario, seed).
// The sampling functions are our own (the standard library's distributions differ between
// versions); they use only +, ×, std::log, std::sqrt, std::cos, std::exp, which are exactly
// rounded or stable on one platform and compiler.
// An Rng is a small value (32 bytes); not thread-safe, make one per thread or entity.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace yibao::models {

constexpr uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stable 64-bit hash of a purpose name (FNV-1a), to name streams by text.
constexpr uint64_t stream_id(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

__extension__ typedef unsigned __int128 UInt128;

class Rng {
 public:
  explicit constexpr Rng(uint64_t seed, uint64_t stream = 0, uint64_t index = 0) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL) ^ (index * 0x8CB92BA72F3D8DD7ULL);
    splitmix64(x);  // decorrelate nearby seeds
    for (auto& w : s_) w = splitmix64(x);
  }

  constexpr uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_pos() { return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, unbiased enough for n << 2^64).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<UInt128>(next()) * n) >> 64); }
  // Uniform integer in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1)); }
  bool bernoulli(double p) { return uniform() < p; }
  double exponential(double rate) { return -std::log(uniform_pos()) / rate; }
  // Standard normal by Box-Muller (one draw per call; the pair's second half is discarded so
  // each call consumes exactly two uniforms, keeping streams easy to reason about).
  double normal() {
    const double u1 = uniform_pos();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Lognormal with the given median and sigma of the underlying normal.
  double lognormal_median(double median, double sigma) { return median * std::exp(sigma * normal()); }
  // Poisson by inversion (small means) or a normal approximation (mean > 60).
  int64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 60) {
      const double v = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
      return v < 0 ? 0 : static_cast<int64_t>(v);
    }
    const double l = std::exp(-mean);
    int64_t k = 0;
    double p = uniform_pos();
    while (p > l) {
      ++k;
      p *= uniform_pos();
    }
    return k;
  }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4]{};
};

}  // namespace yibao::models
