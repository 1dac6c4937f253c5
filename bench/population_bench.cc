// Generation speed of models/population: persons and facilities per second, id lookups, visitor
// draws, and a whole city preset (4 M persons) generated on one core, the way yibao-core loads a
// population. Run: build/bench/population_bench --benchmark_repetitions=5
//                    --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "models/check.h"
#include "models/population.h"

namespace yibao::models {
namespace {

const Population& pop(const char* name) {
  static std::map<std::string, Population>* cache = new std::map<std::string, Population>();
  auto it = cache->find(name);
  if (it == cache->end()) {
    Result<Population> p = Population::load(name, 7);
    YB_CHECK(p.ok(), "cannot load the preset");
    it = cache->emplace(name, std::move(p).value()).first;
  }
  return it->second;
}

// Sequential persons into one reused record (no allocation in steady state).
void BM_PersonInto(benchmark::State& state, const char* preset) {
  const Population& p = pop(preset);
  Person out;
  uint64_t i = 0;
  for (auto _ : state) {
    p.person_into(i, out);
    benchmark::DoNotOptimize(out);
    if (++i == p.person_count()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_PersonInto, city, "city");
BENCHMARK_CAPTURE(BM_PersonInto, nation, "nation");

// A fresh Person each time (its std::strings allocate).
void BM_Person(benchmark::State& state) {
  const Population& p = pop("city");
  uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.person(i));
    if (++i == p.person_count()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Person);

// Random persons of the nation (cold tables, a new county each time).
void BM_PersonRandomNation(benchmark::State& state) {
  const Population& p = pop("nation");
  Rng rng(1, stream_id("bench"), 0);
  Person out;
  for (auto _ : state) {
    p.person_into(rng.below(p.person_count()), out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PersonRandomNation);

// The whole city, as yibao-core --population city loads it.
void BM_CityAllPersons(benchmark::State& state) {
  const Population& p = pop("city");
  Person out;
  for (auto _ : state) {
    for (uint64_t i = 0; i < p.person_count(); ++i) {
      p.person_into(i, out);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(p.person_count()));
}
BENCHMARK(BM_CityAllPersons)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Filings(benchmark::State& state) {
  const Population& p = pop("city");
  uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.filings(i));
    if (++i == p.person_count()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Filings);

void BM_Facility(benchmark::State& state, const char* preset) {
  const Population& p = pop(preset);
  uint32_t j = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.facility(j));
    if (++j == p.facility_count()) j = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Facility, city, "city");
BENCHMARK_CAPTURE(BM_Facility, nation, "nation");

void BM_FindPsnNo(benchmark::State& state) {
  const Population& p = pop("city");
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < 4096; ++i) ids.push_back(p.psn_no(i * 977 % p.person_count()));
  size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.find_psn_no(ids[k++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindPsnNo);

void BM_FindCertno(benchmark::State& state) {
  const Population& p = pop("city");
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < 4096; ++i) ids.push_back(p.certno(i * 977 % p.person_count()));
  size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.find_certno(ids[k++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindCertno);

void BM_FindFacility(benchmark::State& state) {
  const Population& p = pop("city");
  std::vector<std::string> ids;
  for (uint32_t j = 0; j < p.facility_count(); ++j) ids.push_back(p.facility_code(j));
  size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.find_facility(ids[k]));
    if (++k == ids.size()) k = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindFacility);

void BM_PersonFor(benchmark::State& state) {
  const Population& p = pop("province");
  Rng rng(3, stream_id("bench"), 0);
  uint32_t j = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.person_for(j, rng));
    if (++j == p.facility_count()) j = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PersonFor);

}  // namespace
}  // namespace yibao::models

BENCHMARK_MAIN();
