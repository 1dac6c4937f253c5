// PersonPicker: visitors for a load run that must not touch each other's accounts (bench/load).
// It draws enrolled persons (residents with a premium paid through `today`) who would visit a
// facility (Population::person_for), each at most once per picker and never together with their
// family mutual-aid relative, so no two visits of one run share a person or an account (a
// pre-settlement stays valid until its settle: nobody else moves that person's accumulators or
// the balances it draws on). The simulator, where visits may share persons, draws through
// WorkloadModel::plan_visit instead.
// Memory: one set entry per drawn person (and relative). Not thread-safe (one owner).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_set>

#include "models/entities.h"
#include "models/population.h"
#include "models/rng.h"
#include "models/time.h"

namespace yibao::models {

class PersonPicker {
 public:
  // `pop` must outlive the picker. Draws come from stream "load.persons" of `seed`.
  PersonPicker(const Population& pop, uint64_t seed, CivilDate today);
  // An enrolled person of facility j's catchment, neither they nor their mutual-aid relative
  // drawn before by this picker (the relative counts as drawn afterwards); nullopt after 200
  // misses.
  std::optional<Person> draw(uint32_t j);
  size_t drawn() const { return used_.size(); }

 private:
  const Population& pop_;
  Rng rng_;
  CivilDate today_;
  std::unordered_set<uint64_t> used_;
  Person scratch_;
};

}  // namespace yibao::models
