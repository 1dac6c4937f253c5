#include "models/workload_persons.h"

namespace yibao::models {

PersonPicker::PersonPicker(const Population& pop, uint64_t seed, CivilDate today)
    : pop_(pop), rng_(seed, stream_id("load.persons")), today_(today) {}

std::optional<Person> PersonPicker::draw(uint32_t j) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    const uint64_t i = pop_.person_for(j, rng_);
    if (used_.count(i) != 0) continue;
    // Family mutual aid: a person's settlement may draw on the relative's account, so neither
    // may be a visitor of this run already (their accounts would move between 2206 and 2207).
    const std::optional<uint64_t> relative = pop_.mulaid_relative(i);
    if (relative && used_.count(*relative) != 0) continue;
    pop_.person_into(i, scratch_);
    if (scratch_.enrolment != Enrolment::kEnrolled) continue;
    if (scratch_.insutype == Insutype::kResident && scratch_.paid_through < today_) continue;
    used_.insert(i);
    if (relative) used_.insert(*relative);
    return scratch_;
  }
  return std::nullopt;
}

}  // namespace yibao::models
