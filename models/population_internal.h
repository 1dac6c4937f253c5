// Internals shared by population.cc and population_facility.cc: random-stream names and small
// integer helpers. Not part of the API; only models/population*.cc include it.
#pragma once

#include <cstdint>

#include "models/rng.h"

namespace yibao::models::population_internal {

// One stream per purpose (models/rng.h): a person's fields, filings and mutual-aid relative
// draw from separate streams, so each can be regenerated alone.
inline constexpr uint64_t kStreamPerson = stream_id("population.person");
inline constexpr uint64_t kStreamFiling = stream_id("population.filing");
inline constexpr uint64_t kStreamMulaid = stream_id("population.mulaid");
inline constexpr uint64_t kStreamCounty = stream_id("population.county");
inline constexpr uint64_t kStreamFacility = stream_id("population.facility");
inline constexpr uint64_t kStreamSecret = stream_id("population.secret");
inline constexpr uint64_t kStreamTag = stream_id("population.tag");
inline constexpr uint64_t kStreamScheme = stream_id("population.scheme");

// One uniform in [0, 1) for (seed, stream, index): a single SplitMix64 step, for decisions
// that must be cheap to regenerate alone (a person's scheme, whether it has a relative).
inline double hash_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL) ^ (index * 0x8CB92BA72F3D8DD7ULL);
  return static_cast<double>(splitmix64(x) >> 11) * 0x1.0p-53;
}

// t mod n without a hardware division, for t < 2^52 and inv_n = 1.0 / n: the quotient from
// the double product is off by at most one, and the fix-up makes the result exact.
inline uint64_t fast_mod(uint64_t t, uint64_t n, double inv_n) {
  const auto q = static_cast<uint64_t>(static_cast<double>(t) * inv_n);
  auto r = static_cast<int64_t>(t) - static_cast<int64_t>(q * n);
  if (r < 0) r += static_cast<int64_t>(n);
  if (r >= static_cast<int64_t>(n)) r -= static_cast<int64_t>(n);
  return static_cast<uint64_t>(r);
}

// Start of part g of an even split of n items into `parts` parts: floor(n · g / parts).
inline uint64_t split_begin(uint64_t n, uint64_t parts, uint64_t g) {
  return static_cast<uint64_t>(static_cast<UInt128>(n) * g / parts);
}

// a · b mod n (a, b < n); 64-bit arithmetic whenever the product fits.
inline uint64_t mulmod(uint64_t a, uint64_t b, uint64_t n) {
  if (n <= UINT32_MAX) return a * b % n;
  return static_cast<uint64_t>(static_cast<UInt128>(a) * b % n);
}

}  // namespace yibao::models::population_internal
