// The generated population of a scale preset (DESIGN.md §4 "Population", DOMAIN.md §8.3): its
// pooling regions, county nodes, facilities, insured persons and their filings.
//
// Person i and facility j are pure functions of (preset definition, seed, index): nothing per
// person or facility is stored, so the nation's ≈1.35 bn persons are as addressable as a
// county's 300 k, and the core (`yibao-core --population city --seed 7`) and the simulator build
// the very same records. Only the small tables (regions, counties, the birth-slot table) live
// in memory. Layout:
//   - persons are numbered region by region, county by county (each county's persons are one
//     contiguous range, as are each region's);
//   - facilities likewise, and within a county by kind: level-3, level-2, level-1 hospitals,
//     township/community centres, village clinics, pharmacies (kKindOrder).
// Every identifier encodes its index (formats in models/population_ids.h); find_*() parse the
// index back and regenerate the id to compare, so a tampered or foreign id is not found.
// Each person draws from its own streams of models/rng.h (purpose × index), so generating
// person 17 does not depend on person 16.
//
// Choices worth knowing:
//   - Residents' premium is paid through Dec 31 of the preset's `year` (lapsed residents, a
//     configured share, through Dec 31 of the year before). Employees get the same date; the
//     field means nothing for them.
//   - Opening accumulators are zero: a core that starts on Jan 1 of `year`. A core that goes live
//     mid-year imports them through Admin instead.
//   - A person's insuplc_admdvs and a facility's admdvs are the pooling region's code (PPCC00),
//     so in-region care has mdtrtarea_admvs == insuplc_admdvs; the county code (PPCCDD) appears
//     inside certno, psn_no and fixmedins_code.
//   - Birth dates follow the age distribution exactly (certno slots, models/population_ids.h);
//     sex is the parity of the certno sequence. Employees are adults: in service at working
//     age, retired at retirement age or older; the chance of being an employee at each age
//     follows from the employee:resident split and the retired share.
//   - A mutual-aid relative is an employee of the same county (whose account pays).
//   - Facility secrets derive from the seed: test data only.
//
// Thread safety: a Population is immutable after create(); every const method is thread-safe.
// Rng arguments are the caller's and are mutated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/entities.h"
#include "models/population_ids.h"
#include "models/population_preset.h"
#include "models/rng.h"
#include "models/status.h"

namespace yibao::models {

// A pooling region (统筹区), usually a prefecture city.
struct Region {
  std::string admdvs;           // 6 digits, PPCC00
  std::string name;             // synthetic place name, e.g. "安平市"
  int32_t province = 0;         // index into PresetDef::provinces
  int32_t county_begin = 0;     // [county_begin, county_end) into Population::counties()
  int32_t county_end = 0;
  uint64_t person_begin = 0;    // [person_begin, person_end) person indices
  uint64_t person_end = 0;
  uint32_t facility_begin = 0;  // [facility_begin, facility_end) facility indices
  uint32_t facility_end = 0;
};

// A county node (county centre): the persons living there and the facilities that reach the
// core through it.
struct County {
  std::string admdvs;           // 6 digits, PPCCDD
  std::string name;             // synthetic, e.g. "安平县"
  uint32_t code = 0;            // admdvs as a number
  int32_t region = 0;           // index into Population::regions()
  uint64_t person_begin = 0;
  uint64_t person_end = 0;
  uint32_t facility_begin = 0;
  uint32_t facility_end = 0;
  // Facility numbers within the county where each kind (kKindOrder) starts; [kFacilityKinds] =
  // facility_end - facility_begin.
  std::array<uint32_t, kFacilityKinds + 1> kind_begin{};
  uint32_t pharmacies_with_fep = 0;  // the county's first N pharmacies run their own FEP
  // Person k of the county sits on certno slot (p · slot_scale) >> 32 with
  // p = (k·stride + offset) mod n, n = person count: a one-to-one map onto a spread-out subset
  // of the birth slots (slot_scale = floor(slots · 2^32 / n) ≥ 2^32 because n ≤ slots).
  uint64_t stride = 0;
  uint64_t stride_inverse = 0;  // stride · stride_inverse ≡ 1 (mod n)
  uint64_t offset = 0;
  uint64_t slot_scale = 0;
  double inv_persons = 0;       // 1.0 / n, for division-free modulo

  uint64_t persons() const { return person_end - person_begin; }
  uint32_t facilities() const { return facility_end - facility_begin; }
};

class Population {
 public:
  // Builds the tables of `def` (validated with validate_preset). INVALID_ARGUMENT if invalid.
  static Result<Population> create(PresetDef def, uint64_t seed);
  // Loads preset `name` from a presets file (default: models/data/presets.yaml).
  // INVALID_ARGUMENT with "file:line: ..." for a bad file, NOT_FOUND for an unknown name.
  static Result<Population> load(std::string_view name, uint64_t seed, const std::string& presets_file = {});

  const PresetDef& preset() const { return def_; }
  uint64_t seed() const { return seed_; }
  int32_t year() const { return def_.year; }
  // Digest of (definition, seed): equal digests ⇒ the same population. The core stores it to
  // recognise "the same (preset, seed)" on restart.
  uint64_t fingerprint() const;

  // ---- Structure -------------------------------------------------------------------------
  uint64_t person_count() const { return def_.persons; }
  uint32_t facility_count() const { return facility_total_; }
  uint32_t facility_count(Level kind) const { return def_.facilities[static_cast<size_t>(kind_index(kind))]; }
  int32_t region_count() const { return static_cast<int32_t>(regions_.size()); }
  int32_t county_count() const { return static_cast<int32_t>(counties_.size()); }
  const std::vector<Region>& regions() const { return regions_; }
  const std::vector<County>& counties() const { return counties_; }
  // Index of a county or region by its 6-digit code; nullopt if unknown.
  std::optional<int32_t> find_county(std::string_view admdvs) const;
  std::optional<int32_t> find_region(std::string_view admdvs) const;
  // The birth-slot table behind certno (exposed for tests and capacity checks).
  const BirthTable& births() const { return births_; }

  // ---- Persons (i < person_count(); a larger i is a broken invariant: YB_CHECK) ------------
  Person person(uint64_t i) const;
  // Same as person(i), reusing `out`'s string buffers: no heap allocation once they have grown.
  void person_into(uint64_t i, Person& out) const;
  int32_t county_of_person(uint64_t i) const;
  int32_t region_of_person(uint64_t i) const { return counties_[static_cast<size_t>(county_of_person(i))].region; }
  bool is_employee(uint64_t i) const;
  // The family mutual-aid relative: an employee of the same county, or nullopt.
  std::optional<uint64_t> mulaid_relative(uint64_t i) const;
  // Filings in force at the start of the year: a chronic-disease filing (2503) for a share of
  // persons, open-ended; empty for the others.
  std::vector<Filing> filings(uint64_t i) const;
  bool has_chronic_filing(uint64_t i) const;
  // Opening accumulators for `year`: all zero (a core starting on Jan 1; see the file comment).
  Accumulators opening_accumulators(uint64_t i, int32_t year) const;

  std::string psn_no(uint64_t i) const;
  std::string certno(uint64_t i) const;
  std::string card_sn(uint64_t i) const;
  // Identifier -> person index; nullopt if no person of this population has that identifier.
  std::optional<uint64_t> find_psn_no(std::string_view psn_no) const;
  std::optional<uint64_t> find_certno(std::string_view certno) const;
  std::optional<uint64_t> find_card_sn(std::string_view card_sn) const;

  // ---- Facilities (j < facility_count(); YB_CHECK otherwise) ------------------------------
  Facility facility(uint32_t j) const;
  int32_t county_of_facility(uint32_t j) const;
  Level facility_kind(uint32_t j) const;
  // Hospitals and township/community centres run their own front-end processor, and enough
  // pharmacies that the preset's FEP count is met; village clinics never.
  bool has_own_fep(uint32_t j) const;
  std::string facility_code(uint32_t j) const;
  // Sign-in secret (32 hex digits), derived from the seed: test data.
  std::string facility_secret(uint32_t j) const;
  std::optional<uint32_t> find_facility(std::string_view fixmedins_code) const;

  // ---- Drawing visitors --------------------------------------------------------------------
  // A person who would plausibly visit facility j: a resident of its county (of its region for
  // a level-3 hospital), or with probability cross_region_visit_share someone from another
  // region of the same province. Consumes draws from `rng`.
  uint64_t person_for(uint32_t j, Rng& rng) const;
  // Like person_for, but a person with a chronic filing; nullopt after `max_tries` misses.
  std::optional<uint64_t> chronic_person_for(uint32_t j, Rng& rng, int max_tries = 64) const;

 private:
  Population() = default;
  // The index-derived part of a person, cheap enough to recompute for a relative's check.
  struct Core {
    int32_t county = 0;
    CivilDate birth;
    int32_t seq = 0;         // certno sequence 1..999 (odd = male)
    uint8_t sex = 1;
    bool elderly = false;    // at or above retirement age on Jan 1
    bool employee = false;
  };

  Core core(uint64_t i) const;
  std::optional<uint64_t> mulaid_relative_in(uint64_t i, const County& c) const;
  void write_index12(uint64_t i, char* out) const;
  void write_psn_no(uint64_t i, const County& c, char* out) const;
  void write_certno(const County& c, CivilDate birth, int32_t seq, char* out) const;
  void write_card_sn(uint64_t i, char* out) const;
  void write_facility_code(const County& c, uint32_t local, char* out) const;
  uint64_t person_in_range(uint64_t begin, uint64_t end, Rng& rng) const;

  PresetDef def_;
  uint64_t seed_ = 0;
  uint32_t facility_total_ = 0;
  std::vector<Region> regions_;
  std::vector<County> counties_;
  std::vector<std::pair<uint32_t, int32_t>> county_by_code_;  // (admdvs as a number, county), sorted
  std::vector<uint64_t> county_person_begin_;    // counties_[c].person_begin, for binary search
  std::vector<uint32_t> county_facility_begin_;  // counties_[c].facility_begin
  BirthTable births_;
  std::vector<int32_t> county_cert_weight_;  // weighted digit sum of each county code (certno 0-5)
  CivilDate year_end_;                       // Dec 31 of the year, and of the year before
  CivilDate previous_year_end_;
  std::vector<double> chronic_cdf_;  // cumulative weights of def_.chronic_diseases, ending at 1
  // Derived probabilities of being an employee for working-age and retirement-age persons.
  double p_employee_working_ = 0;
  double p_employee_elderly_ = 0;
  uint64_t seed_tag_ = 0;  // seed-derived salt of the check characters
};

}  // namespace yibao::models
