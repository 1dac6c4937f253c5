// Shared helpers of the population tests: presets loaded once per (name, seed), and evenly
// spread samples of person indices.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/population.h"

namespace yibao::models::testing_population {

// The shipped preset `name` generated with `seed`, built once per test binary.
inline const Population& shared(const std::string& name, uint64_t seed = 7) {
  static auto* cache = new std::map<std::pair<std::string, uint64_t>, Population>();
  auto it = cache->find({name, seed});
  if (it == cache->end()) {
    Result<Population> p = Population::load(name, seed);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    it = cache->emplace(std::make_pair(name, seed), std::move(p).value()).first;
  }
  return it->second;
}

// Evenly spread sample of n person indices.
inline std::vector<uint64_t> sample(const Population& pop, uint64_t n) {
  std::vector<uint64_t> out;
  const uint64_t step = std::max<uint64_t>(1, pop.person_count() / n);
  for (uint64_t i = 0; i < pop.person_count() && out.size() < n; i += step) out.push_back(i);
  return out;
}

}  // namespace yibao::models::testing_population
