// Scale presets (DOMAIN.md §8.3, DEFAULT FIXTURE): the definition a Population is generated
// from. models/data/presets.yaml holds the four shipped presets (county, city, province, nation);
// models/population_yaml.* loads it; a scenario may copy a PresetDef and override fields.
//
// A PresetDef is a plain value. validate_preset() checks every field and the cross-field
// constraints the generator relies on (certno capacity per county, 4-digit facility numbers per
// county, an age distribution with room for the employee split); Population::create() refuses
// a definition that fails it. Shares are fractions in [0, 1]; money is Fen; ages are whole years
// on January 1 of `year`. Thread-safe to share read-only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/entities.h"
#include "models/money.h"
#include "models/status.h"

namespace yibao::models {

// Facility kinds in the order a county lists them (facility numbers within a county run through
// level-3, level-2, level-1 hospitals, township/community centres, village clinics, pharmacies).
inline constexpr int kFacilityKinds = 6;
inline constexpr std::array<Level, kFacilityKinds> kKindOrder = {
    Level::kLevel3, Level::kLevel2, Level::kLevel1, Level::kPrimary, Level::kVillage, Level::kPharmacy};
// Position of a Level in kKindOrder.
constexpr int kind_index(Level l) {
  switch (l) {
    case Level::kLevel3: return 0;
    case Level::kLevel2: return 1;
    case Level::kLevel1: return 2;
    case Level::kPrimary: return 3;
    case Level::kVillage: return 4;
    case Level::kPharmacy: return 5;
  }
  return 0;
}

// One band of the age distribution: the share of persons aged [from, to) years on January 1.
struct AgeBand {
  int32_t from = 0;
  int32_t to = 0;
  double share = 0;
};

// Lognormal account balance of an employee: median, sigma of the underlying normal, cap.
struct BalanceDist {
  Fen median;
  double sigma = 0;
  Fen max;
};

// Medical-assistance group shares (DOMAIN.md §4.4.5): TK, DB, DS, FP; their sum ≤ 1.
struct AssistanceShares {
  double tekun = 0;      // TK 特困
  double dibao = 0;      // DB 低保
  double low_income = 0; // DS other low-income
  double at_risk = 0;    // FP at risk of returning to poverty
  double total() const { return tekun + dibao + low_income + at_risk; }
};

// What persons look like. Every share is of the group named.
struct PeopleDef {
  std::vector<AgeBand> ages;               // contiguous from 0, shares sum to 1
  int32_t working_age = 18;                // employees are at least this old
  int32_t retirement_age = 60;             // employees this old or older are retired
  double retired_share_of_employees = 0;   // psn_type 1102 among insutype 310
  double civil_servant_share_of_employees = 0;       // cvlserv_flag
  double enterprise_supplement_share_of_employees = 0;  // hifes_flag
  AssistanceShares assistance_residents;
  AssistanceShares assistance_employees;
  double chronic_filing_share = 0;          // a 2503 chronic filing, persons below retirement age
  double chronic_filing_share_elderly = 0;  // the same, persons at or above retirement age
  double mutual_aid_share = 0;              // persons with a family mutual-aid relative
  double lapsed_share_of_residents = 0;     // residents whose premium ran out last year
  BalanceDist balance_active;               // opening balc of in-service employees
  BalanceDist balance_retired;              // opening balc of retirees
  double cross_region_visit_share = 0;      // person_for(): a visitor from another region
};

// A department of a hospital (national department code, e.g. "A03" internal medicine).
struct DepartmentDef {
  std::string code;
  std::string name;
};

struct FacilitySetupDef {
  std::vector<DepartmentDef> departments;  // a facility of a kind has the first N of these
  // Departments per facility, by kind (kKindOrder); a pharmacy has none.
  std::array<int32_t, kFacilityKinds> departments_per_kind{};
  double pharmacy_chain_share = 0;         // pharmacies belonging to a chain
  int32_t pharmacy_chains_per_region = 0;  // chains each pooling region has (≤ 99)
};

// A disease a chronic filing may name, with its relative weight.
struct ChronicDiseaseDef {
  std::string code;  // ICD-10, e.g. "I11", "E11.2"
  std::string name;
  double weight = 0;
};

struct VisitsPerDay {
  int64_t outpatient = 0;
  int64_t pharmacy = 0;
  int64_t admissions = 0;
};

struct PresetDef {
  std::string name;                     // "county", "city", "province", "nation"
  int32_t year = 2024;                  // policy year (ages on Jan 1; premiums paid through Dec 31)
  uint64_t persons = 0;                 // insured persons
  int32_t employee_parts = 0;           // employee : resident split, e.g. 30 : 70
  int32_t resident_parts = 0;
  // Region structure. Pooling region r of province p has admdvs PPCC00 with PP = provinces[p]
  // and CC = 01, 02, ...; its counties have PPCCDD with DD = 01, 02, ...
  std::vector<int32_t> provinces;       // 2-digit province codes, e.g. {45}
  int32_t regions_per_province = 1;     // pooling regions (prefecture cities) per province
  int32_t county_nodes = 1;             // county nodes over the whole preset, spread evenly
  // Facilities by kind (kKindOrder): level 3, 2, 1, township/community, village, pharmacy.
  std::array<uint32_t, kFacilityKinds> facilities{};
  uint32_t feps = 0;                    // front-end processors: every hospital and centre + some pharmacies
  VisitsPerDay visits_per_day;          // workload of the simulator (read by models/workload)
  PeopleDef people;
  FacilitySetupDef facility_setup;
  std::vector<ChronicDiseaseDef> chronic_diseases;

  int32_t region_count() const { return static_cast<int32_t>(provinces.size()) * regions_per_province; }
  uint32_t facility_total() const;
  uint32_t hospitals_and_centres() const;  // level 3 + 2 + 1 + primary (each has its own FEP)
  double employee_share() const;
};

// Checks a definition; INVALID_ARGUMENT (reason E_BAD_REQUEST) naming the first bad field.
Status validate_preset(const PresetDef& def);

// The number of persons a county can hold: certno slots (birth date × sequence 001-999) under
// the age distribution of `people` for `year`. Used by validation.
uint64_t certno_capacity(const PeopleDef& people, int32_t year);

// A stable 64-bit digest of every field of a definition (FNV-1a over a canonical encoding).
uint64_t preset_digest(const PresetDef& def);

}  // namespace yibao::models
