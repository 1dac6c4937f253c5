// The domain's records: persons, facilities, filings and per-year accumulators.
//
// These are plain values shared by the calculator, the population generator, the core's ledger
// and the simulator. Enum values that appear on the wire or in the ledger are never renumbered.
// Money is Fen, times are civil (models/time.h). No invariants beyond the field comments; the
// population generator and the core's Admin upserts validate what they build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/money.h"
#include "models/time.h"

namespace yibao::models {

// insutype: 310 employee scheme, 390 resident scheme (never renumber).
enum class Insutype : int16_t { kEmployee = 310, kResident = 390 };

// psn_type (fixture codes on the wire: "1101", "1102", "1500").
enum class PsnType : uint8_t { kEmployeeActive = 1, kEmployeeRetired = 2, kResident = 3 };

// Medical-assistance group (DOMAIN.md §4.4.5, §4.6.12). Wire: "", "TK", "DB", "DS", "FP".
enum class MafGroup : uint8_t {
  kNone = 0,
  kTekun = 1,      // 特困 extreme poverty: 90 %
  kDibao = 2,      // 低保 minimum living support: 70 %
  kLowIncome = 3,  // other low-income: 60 %
  kAtRisk = 4,     // at risk of returning to poverty: 60 %
};

// Enrolment status. Wire psn_insu_stas: "1" enrolled, "2" lapsed, "4" stopped.
enum class Enrolment : uint8_t { kEnrolled = 1, kLapsed = 2, kStopped = 4 };

enum class FacilityType : uint8_t { kHospital = 1, kPrimary = 2, kVillage = 3, kPharmacy = 4 };

// The level that selects a row of the policy tables. Wire hosp_lv: "3", "2", "1", "P", "V", "".
enum class Level : uint8_t { kVillage = 0, kPrimary = 1, kLevel1 = 2, kLevel2 = 3, kLevel3 = 4, kPharmacy = 5 };

struct Person {
  std::string psn_no;          // person number (key)
  std::string certno;          // ID number (18 characters)
  std::string card_sn;         // social-security card serial
  std::string name;
  uint8_t sex = 1;             // 1 male, 2 female
  CivilDate birth;
  Insutype insutype = Insutype::kResident;
  PsnType psn_type = PsnType::kResident;
  bool cvlserv = false;        // civil-servant subsidy
  bool hifes = false;          // enterprise supplementary
  MafGroup maf_group = MafGroup::kNone;
  std::string insuplc_admdvs;  // place of insurance, 6 digits
  Enrolment enrolment = Enrolment::kEnrolled;
  CivilDate paid_through;      // residents: premium paid through (inclusive)
  Fen balc;                    // opening personal-account balance (employees)
  std::string mulaid_psn_no;   // family mutual-aid relative (empty if none)
};

struct Department {
  std::string code;
  std::string name;
};

struct Facility {
  std::string code;            // fixmedins_code, 12 characters
  std::string name;
  FacilityType type = FacilityType::kHospital;
  Level level = Level::kLevel2;
  std::string admdvs;          // region, 6 digits
  int32_t county = 0;          // index of the county node it reaches the core through
  std::string chain_code;      // chain or group; empty if none
  std::vector<Department> departments;
  std::string secret;          // sign-in secret
};

// Filings (2501-2507), effective-dated.
enum class FilingType : uint8_t { kReferral = 1, kChronic = 3, kDesignated = 5, kInjury = 7 };
// Out-of-area case of DOMAIN.md §4.4.6. kNone = unfiled self-referral when out of area.
enum class FilingCase : uint8_t { kNone = 0, kResident = 1, kWorker = 2, kReferral = 3, kEmergency = 4 };

struct Filing {
  std::string id;
  std::string psn_no;
  FilingType type = FilingType::kChronic;
  std::string dise_codg;       // ICD-10 for chronic / referral
  CivilDate begin;
  CivilDate end{INT32_MAX};    // inclusive; INT32_MAX = open
  FilingCase filing_case = FilingCase::kNone;
  std::string mdtrtarea_admvs;
  bool active_on(CivilDate d) const { return begin <= d && d <= end; }
};

// A person's running totals for one scheme and care year (query 5206). All Fen are ≥ 0.
// A settlement adds its contribution; its cancellation subtracts exactly the same (I8).
struct Accumulators {
  Fen otp_dedc_used;       // employee outpatient deductible used
  Fen otp_pool_paid;       // general-outpatient pooled payments (both schemes)
  Fen chronic_pool_paid;   // employee chronic-benefit payments
  Fen pool_paid_total;     // all pooled payments, toward the annual pooled cap
  Fen large_paid;          // large-amount supplement (employees)
  Fen si_base;             // serious-illness base (residents), even beyond the cap
  Fen si_paid;             // serious-illness payments
  Fen cvlserv_paid;        // civil-servant subsidy
  Fen hifes_paid;          // enterprise supplementary
  Fen maf_paid;            // medical assistance
  Fen ipt_dedc_paid;       // inpatient deductibles borne
  int32_t admissions = 0;  // inpatient settlements this year

  Accumulators& operator+=(const Accumulators& d);
  Accumulators& operator-=(const Accumulators& d);
  bool operator==(const Accumulators&) const = default;
};

// Wire codes of the enums above.
std::string_view psn_type_code(PsnType t);       // "1101" / "1102" / "1500"
std::string_view maf_group_code(MafGroup g);     // "" / "TK" / "DB" / "DS" / "FP"
std::string_view level_code(Level l);            // "3" / "2" / "1" / "P" / "V" / ""
std::string_view facility_type_code(FacilityType t);  // "HOSPITAL" / "PRIMARY" / "VILLAGE" / "PHARMACY"
bool parse_psn_type(std::string_view s, PsnType& out);
bool parse_maf_group(std::string_view s, MafGroup& out);
bool parse_level(std::string_view s, Level& out);
bool parse_facility_type(std::string_view s, FacilityType& out);
bool parse_insutype(std::string_view s, Insutype& out);
// Wire filing_case: "" none, "RESIDENT", "WORKER", "REFERRAL", "EMERGENCY".
bool parse_filing_case(std::string_view s, FilingCase& out);

}  // namespace yibao::models
