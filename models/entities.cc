#include "models/entities.h"

namespace yibao::models {

Accumulators& Accumulators::operator+=(const Accumulators& d) {
  otp_dedc_used += d.otp_dedc_used;
  otp_pool_paid += d.otp_pool_paid;
  chronic_pool_paid += d.chronic_pool_paid;
  pool_paid_total += d.pool_paid_total;
  large_paid += d.large_paid;
  si_base += d.si_base;
  si_paid += d.si_paid;
  cvlserv_paid += d.cvlserv_paid;
  hifes_paid += d.hifes_paid;
  maf_paid += d.maf_paid;
  ipt_dedc_paid += d.ipt_dedc_paid;
  admissions += d.admissions;
  return *this;
}

Accumulators& Accumulators::operator-=(const Accumulators& d) {
  otp_dedc_used -= d.otp_dedc_used;
  otp_pool_paid -= d.otp_pool_paid;
  chronic_pool_paid -= d.chronic_pool_paid;
  pool_paid_total -= d.pool_paid_total;
  large_paid -= d.large_paid;
  si_base -= d.si_base;
  si_paid -= d.si_paid;
  cvlserv_paid -= d.cvlserv_paid;
  hifes_paid -= d.hifes_paid;
  maf_paid -= d.maf_paid;
  ipt_dedc_paid -= d.ipt_dedc_paid;
  admissions -= d.admissions;
  return *this;
}

std::string_view psn_type_code(PsnType t) {
  switch (t) {
    case PsnType::kEmployeeActive: return "1101";
    case PsnType::kEmployeeRetired: return "1102";
    case PsnType::kResident: return "1500";
  }
  return "";
}

std::string_view maf_group_code(MafGroup g) {
  switch (g) {
    case MafGroup::kNone: return "";
    case MafGroup::kTekun: return "TK";
    case MafGroup::kDibao: return "DB";
    case MafGroup::kLowIncome: return "DS";
    case MafGroup::kAtRisk: return "FP";
  }
  return "";
}

std::string_view level_code(Level l) {
  switch (l) {
    case Level::kLevel3: return "3";
    case Level::kLevel2: return "2";
    case Level::kLevel1: return "1";
    case Level::kPrimary: return "P";
    case Level::kVillage: return "V";
    case Level::kPharmacy: return "";
  }
  return "";
}

std::string_view facility_type_code(FacilityType t) {
  switch (t) {
    case FacilityType::kHospital: return "HOSPITAL";
    case FacilityType::kPrimary: return "PRIMARY";
    case FacilityType::kVillage: return "VILLAGE";
    case FacilityType::kPharmacy: return "PHARMACY";
  }
  return "";
}

bool parse_psn_type(std::string_view s, PsnType& out) {
  if (s == "1101") out = PsnType::kEmployeeActive;
  else if (s == "1102") out = PsnType::kEmployeeRetired;
  else if (s == "1500") out = PsnType::kResident;
  else return false;
  return true;
}

bool parse_maf_group(std::string_view s, MafGroup& out) {
  if (s.empty()) out = MafGroup::kNone;
  else if (s == "TK") out = MafGroup::kTekun;
  else if (s == "DB") out = MafGroup::kDibao;
  else if (s == "DS") out = MafGroup::kLowIncome;
  else if (s == "FP") out = MafGroup::kAtRisk;
  else return false;
  return true;
}

bool parse_level(std::string_view s, Level& out) {
  if (s == "3") out = Level::kLevel3;
  else if (s == "2") out = Level::kLevel2;
  else if (s == "1") out = Level::kLevel1;
  else if (s == "P") out = Level::kPrimary;
  else if (s == "V") out = Level::kVillage;
  else if (s.empty()) out = Level::kPharmacy;
  else return false;
  return true;
}

bool parse_facility_type(std::string_view s, FacilityType& out) {
  if (s == "HOSPITAL") out = FacilityType::kHospital;
  else if (s == "PRIMARY") out = FacilityType::kPrimary;
  else if (s == "VILLAGE") out = FacilityType::kVillage;
  else if (s == "PHARMACY") out = FacilityType::kPharmacy;
  else return false;
  return true;
}

bool parse_insutype(std::string_view s, Insutype& out) {
  if (s == "310") out = Insutype::kEmployee;
  else if (s == "390") out = Insutype::kResident;
  else return false;
  return true;
}

bool parse_filing_case(std::string_view s, FilingCase& out) {
  if (s.empty()) out = FilingCase::kNone;
  else if (s == "RESIDENT") out = FilingCase::kResident;
  else if (s == "WORKER") out = FilingCase::kWorker;
  else if (s == "REFERRAL") out = FilingCase::kReferral;
  else if (s == "EMERGENCY") out = FilingCase::kEmergency;
  else return false;
  return true;
}

}  // namespace yibao::models
