#include "models/population_preset.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "models/population_ids.h"
#include "models/rng.h"

namespace yibao::models {
namespace {

Status bad(const PresetDef& def, std::string field, const std::string& what) {
  std::string msg = "preset " + (def.name.empty() ? std::string("(unnamed)") : def.name) + ": " + field + ": " + what;
  return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(msg), std::move(field));
}

// Size of part g of an even split of n into `parts` (as the generator splits).
uint64_t split(uint64_t n, uint64_t parts, uint64_t g) {
  return static_cast<uint64_t>(static_cast<UInt128>(n) * (g + 1) / parts - static_cast<UInt128>(n) * g / parts);
}

bool is_share(double x) { return std::isfinite(x) && x >= 0.0 && x <= 1.0; }

Status check_share(const PresetDef& def, const std::string& field, double x) {
  if (!is_share(x)) return bad(def, field, "must be a share in [0, 1], got " + std::to_string(x));
  return Status::Ok();
}

Status check_assistance(const PresetDef& def, const std::string& field, const AssistanceShares& a) {
  YB_RETURN_IF_ERROR(check_share(def, field + ".TK", a.tekun));
  YB_RETURN_IF_ERROR(check_share(def, field + ".DB", a.dibao));
  YB_RETURN_IF_ERROR(check_share(def, field + ".DS", a.low_income));
  YB_RETURN_IF_ERROR(check_share(def, field + ".FP", a.at_risk));
  if (a.total() > 1.0 + 1e-9) return bad(def, field, "group shares sum to more than 1");
  return Status::Ok();
}

Status check_balance(const PresetDef& def, const std::string& field, const BalanceDist& b) {
  if (b.median.v < 0) return bad(def, field + ".median_yuan", "must be ≥ 0");
  if (!std::isfinite(b.sigma) || b.sigma < 0 || b.sigma > 5) return bad(def, field + ".sigma", "must be in [0, 5]");
  if (b.max.v < 0) return bad(def, field + ".max_yuan", "must be ≥ 0");
  return Status::Ok();
}

Status check_people(const PresetDef& def) {
  const PeopleDef& p = def.people;
  if (p.ages.empty()) return bad(def, "people.ages", "needs at least one band");
  int32_t expect_from = 0;
  double total = 0;
  for (size_t k = 0; k < p.ages.size(); ++k) {
    const AgeBand& b = p.ages[k];
    const std::string f = "people.ages[" + std::to_string(k) + "]";
    if (b.from != expect_from) return bad(def, f + ".from", "bands must be contiguous from age 0 (expected " + std::to_string(expect_from) + ")");
    if (b.to <= b.from || b.to > 120) return bad(def, f + ".to", "must be above `from` and at most 120");
    YB_RETURN_IF_ERROR(check_share(def, f + ".share", b.share));
    total += b.share;
    expect_from = b.to;
  }
  if (std::fabs(total - 1.0) > 1e-6) return bad(def, "people.ages", "shares sum to " + std::to_string(total) + ", not 1");
  if (p.working_age < 0 || p.working_age >= p.retirement_age || p.retirement_age > expect_from)
    return bad(def, "people.working_age", "need 0 ≤ working_age < retirement_age ≤ the oldest age band's end");
  YB_RETURN_IF_ERROR(check_share(def, "people.retired_share_of_employees", p.retired_share_of_employees));
  YB_RETURN_IF_ERROR(check_share(def, "people.civil_servant_share_of_employees", p.civil_servant_share_of_employees));
  YB_RETURN_IF_ERROR(check_share(def, "people.enterprise_supplement_share_of_employees", p.enterprise_supplement_share_of_employees));
  YB_RETURN_IF_ERROR(check_assistance(def, "people.assistance.residents", p.assistance_residents));
  YB_RETURN_IF_ERROR(check_assistance(def, "people.assistance.employees", p.assistance_employees));
  YB_RETURN_IF_ERROR(check_share(def, "people.chronic_filing_share", p.chronic_filing_share));
  YB_RETURN_IF_ERROR(check_share(def, "people.chronic_filing_share_elderly", p.chronic_filing_share_elderly));
  YB_RETURN_IF_ERROR(check_share(def, "people.mutual_aid_share", p.mutual_aid_share));
  YB_RETURN_IF_ERROR(check_share(def, "people.lapsed_share_of_residents", p.lapsed_share_of_residents));
  YB_RETURN_IF_ERROR(check_share(def, "people.cross_region_visit_share", p.cross_region_visit_share));
  YB_RETURN_IF_ERROR(check_balance(def, "people.balance.active", p.balance_active));
  YB_RETURN_IF_ERROR(check_balance(def, "people.balance.retired", p.balance_retired));
  return Status::Ok();
}

Status check_structure(const PresetDef& def) {
  if (def.name.empty()) return bad(def, "name", "must not be empty");
  if (def.year < 1950 || def.year > 2200) return bad(def, "year", "must be in 1950..2200");
  if (def.persons == 0 || def.persons > 999'999'999'999ULL) return bad(def, "persons", "must be in 1..999,999,999,999");
  if (def.employee_parts < 0 || def.resident_parts < 0 || def.employee_parts + def.resident_parts <= 0)
    return bad(def, "employee_resident", "needs two non-negative parts, not both zero");
  if (def.provinces.empty()) return bad(def, "provinces", "needs at least one province code");
  std::set<int32_t> seen;
  for (int32_t p : def.provinces) {
    if (p < 11 || p > 99) return bad(def, "provinces", "a province code has 2 digits (11..99), got " + std::to_string(p));
    if (!seen.insert(p).second) return bad(def, "provinces", "province code " + std::to_string(p) + " appears twice");
  }
  if (def.regions_per_province < 1 || def.regions_per_province > 99)
    return bad(def, "regions_per_province", "must be in 1..99 (2-digit city codes)");
  const int64_t regions = def.region_count();
  if (def.county_nodes < regions) return bad(def, "county_nodes", "every pooling region needs at least one county node");
  if ((def.county_nodes + regions - 1) / regions > 99) return bad(def, "county_nodes", "at most 99 counties per region (2-digit county codes)");
  if (def.feps < def.hospitals_and_centres())
    return bad(def, "feps", "fewer FEPs than hospitals and township/community centres (each runs its own)");
  if (def.feps > def.hospitals_and_centres() + def.facilities[5])
    return bad(def, "feps", "more FEPs than hospitals, centres and pharmacies together");
  if (def.visits_per_day.outpatient < 0 || def.visits_per_day.pharmacy < 0 || def.visits_per_day.admissions < 0)
    return bad(def, "visits_per_day", "counts must be ≥ 0");
  return Status::Ok();
}

Status check_setup(const PresetDef& def) {
  const FacilitySetupDef& s = def.facility_setup;
  std::set<std::string> codes;
  for (const DepartmentDef& d : s.departments) {
    if (d.code.empty() || d.code.size() > 20) return bad(def, "facility_setup.departments", "a department code must have 1..20 characters");
    if (!codes.insert(d.code).second) return bad(def, "facility_setup.departments", "department code " + d.code + " appears twice");
  }
  for (int k = 0; k < kFacilityKinds; ++k) {
    const int32_t n = s.departments_per_kind[static_cast<size_t>(k)];
    if (n < 0 || n > static_cast<int32_t>(s.departments.size()))
      return bad(def, "facility_setup.departments_per_kind", "counts must be in 0..the number of departments listed");
  }
  YB_RETURN_IF_ERROR(check_share(def, "facility_setup.pharmacy_chain_share", s.pharmacy_chain_share));
  if (s.pharmacy_chains_per_region < 0 || s.pharmacy_chains_per_region > 99)
    return bad(def, "facility_setup.pharmacy_chains_per_region", "must be in 0..99");
  if (s.pharmacy_chain_share > 0 && s.pharmacy_chains_per_region == 0)
    return bad(def, "facility_setup.pharmacy_chains_per_region", "a positive chain share needs at least one chain");
  const bool any_chronic = def.people.chronic_filing_share > 0 || def.people.chronic_filing_share_elderly > 0;
  if (any_chronic && def.chronic_diseases.empty()) return bad(def, "chronic_diseases", "chronic filings need a disease list");
  for (const ChronicDiseaseDef& d : def.chronic_diseases) {
    if (d.code.empty() || d.code.size() > 20) return bad(def, "chronic_diseases", "a disease code must have 1..20 characters");
    if (!std::isfinite(d.weight) || d.weight <= 0) return bad(def, "chronic_diseases", "weight of " + d.code + " must be > 0");
  }
  return Status::Ok();
}

// Constraints that follow from the generator's formats.
Status check_capacity(const PresetDef& def) {
  const BirthTable births(def.people, def.year);
  const double emp = def.employee_share();
  const double retired = def.people.retired_share_of_employees;
  if (emp * (1 - retired) > births.working_share() + 1e-12)
    return bad(def, "employee_resident", "more in-service employees than persons of working age in people.ages");
  if (emp * retired > births.elderly_share() + 1e-12)
    return bad(def, "people.retired_share_of_employees", "more retirees than persons of retirement age in people.ages");
  // Counties split evenly over regions, persons and facilities over regions and then over the
  // region's counties: a county holds at most ceil(ceil(n / regions) / floor(counties / regions)).
  const uint64_t regions = static_cast<uint64_t>(def.region_count());
  const uint64_t min_counties = static_cast<uint64_t>(def.county_nodes) / regions;
  auto most_per_county = [&](uint64_t n) {
    const uint64_t per_region = (n + regions - 1) / regions;
    return (per_region + min_counties - 1) / min_counties;
  };
  for (uint64_t r = 0; r < regions; ++r) {  // every county gets at least one person
    const uint64_t persons_r = split(def.persons, regions, r);
    if (persons_r < split(static_cast<uint64_t>(def.county_nodes), regions, r))
      return bad(def, "county_nodes", "more county nodes than persons in a region");
  }
  const uint64_t biggest = most_per_county(def.persons);
  const uint64_t cap = births.slots();
  if (biggest > cap)
    return bad(def, "persons", "a county would hold " + std::to_string(biggest) + " persons, more than the " +
                                   std::to_string(cap) + " certno slots of the age distribution: add county_nodes");
  if (cap > 0 && biggest > (uint64_t{1} << 62) / cap) return bad(def, "persons", "too many persons per county");
  // Facility numbers within a county have 4 digits.
  uint64_t per_county = 0;
  for (int k = 0; k < kFacilityKinds; ++k) per_county += most_per_county(def.facilities[static_cast<size_t>(k)]);
  if (per_county > 9999) return bad(def, "facilities", "more than 9,999 facilities in a county: add county_nodes");
  return Status::Ok();
}

struct Digest {
  uint64_t h = 0xcbf29ce484222325ULL;
  void bytes(const void* p, size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (size_t k = 0; k < n; ++k) {
      h ^= c[k];
      h *= 0x100000001b3ULL;
    }
  }
  void u(uint64_t v) { bytes(&v, sizeof v); }
  void i(int64_t v) { u(static_cast<uint64_t>(v)); }
  void d(double v) { u(std::bit_cast<uint64_t>(v)); }
  void s(const std::string& v) {
    u(v.size());
    bytes(v.data(), v.size());
  }
};

}  // namespace

uint32_t PresetDef::facility_total() const {
  uint64_t t = 0;
  for (uint32_t n : facilities) t += n;
  return static_cast<uint32_t>(std::min<uint64_t>(t, UINT32_MAX));
}

uint32_t PresetDef::hospitals_and_centres() const { return facilities[0] + facilities[1] + facilities[2] + facilities[3]; }

double PresetDef::employee_share() const {
  const int32_t total = employee_parts + resident_parts;
  return total > 0 ? static_cast<double>(employee_parts) / total : 0.0;
}

Status validate_preset(const PresetDef& def) {
  YB_RETURN_IF_ERROR(check_structure(def));
  uint64_t total = 0;
  for (uint32_t n : def.facilities) total += n;
  if (total >= UINT32_MAX) return bad(def, "facilities", "more than 4,294,967,294 facilities");
  YB_RETURN_IF_ERROR(check_people(def));
  YB_RETURN_IF_ERROR(check_setup(def));
  return check_capacity(def);
}

uint64_t certno_capacity(const PeopleDef& people, int32_t year) { return BirthTable(people, year).slots(); }

uint64_t preset_digest(const PresetDef& def) {
  Digest g;
  g.s(def.name);
  g.i(def.year);
  g.u(def.persons);
  g.i(def.employee_parts);
  g.i(def.resident_parts);
  g.u(def.provinces.size());
  for (int32_t p : def.provinces) g.i(p);
  g.i(def.regions_per_province);
  g.i(def.county_nodes);
  for (uint32_t n : def.facilities) g.u(n);
  g.u(def.feps);
  g.i(def.visits_per_day.outpatient);
  g.i(def.visits_per_day.pharmacy);
  g.i(def.visits_per_day.admissions);
  const PeopleDef& p = def.people;
  g.u(p.ages.size());
  for (const AgeBand& b : p.ages) {
    g.i(b.from);
    g.i(b.to);
    g.d(b.share);
  }
  g.i(p.working_age);
  g.i(p.retirement_age);
  g.d(p.retired_share_of_employees);
  g.d(p.civil_servant_share_of_employees);
  g.d(p.enterprise_supplement_share_of_employees);
  for (const AssistanceShares* a : {&p.assistance_residents, &p.assistance_employees}) {
    g.d(a->tekun);
    g.d(a->dibao);
    g.d(a->low_income);
    g.d(a->at_risk);
  }
  g.d(p.chronic_filing_share);
  g.d(p.chronic_filing_share_elderly);
  g.d(p.mutual_aid_share);
  g.d(p.lapsed_share_of_residents);
  for (const BalanceDist* b : {&p.balance_active, &p.balance_retired}) {
    g.i(b->median.v);
    g.d(b->sigma);
    g.i(b->max.v);
  }
  g.d(p.cross_region_visit_share);
  const FacilitySetupDef& s = def.facility_setup;
  g.u(s.departments.size());
  for (const DepartmentDef& d : s.departments) {
    g.s(d.code);
    g.s(d.name);
  }
  for (int32_t n : s.departments_per_kind) g.i(n);
  g.d(s.pharmacy_chain_share);
  g.i(s.pharmacy_chains_per_region);
  g.u(def.chronic_diseases.size());
  for (const ChronicDiseaseDef& d : def.chronic_diseases) {
    g.s(d.code);
    g.s(d.name);
    g.d(d.weight);
  }
  return g.h;
}

}  // namespace yibao::models
