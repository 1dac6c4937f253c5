// Tests of models/population: the shipped presets' counts, determinism, shares of the drawn
// persons, facilities and visitor draws.
#include "models/population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <unordered_set>

#include "models/policy.h"
#include "models/population_yaml.h"
#include "tests/models/population_fixture.h"

namespace yibao::models {
namespace {

using testing_population::sample;
using testing_population::shared;

// ---- Presets -----------------------------------------------------------------------------

struct PresetRow {
  const char* name;
  uint64_t persons;
  std::array<uint32_t, kFacilityKinds> facilities;  // level3, level2, level1, primary, village, pharmacy
  uint32_t feps;
  int32_t county_nodes;
  int32_t regions;
  int64_t outpatient, pharmacy, admissions;
  int32_t employee_parts, resident_parts;
};

// DOMAIN.md §8.3 (nation: 27 provinces).
const PresetRow kPresets[] = {
    {"county", 300'000, {0, 3, 8, 15, 200, 150}, 30, 1, 1, 4'000, 2'000, 60, 15, 85},
    {"city", 4'000'000, {20, 60, 150, 200, 1'500, 2'500}, 700, 8, 1, 60'000, 30'000, 800, 30, 70},
    {"province", 50'000'000, {250, 700, 1'800, 2'500, 25'000, 30'000}, 8'000, 100, 15, 650'000, 330'000, 9'000, 25, 75},
    {"nation", 1'350'000'000, {6'750, 18'900, 48'600, 67'500, 675'000, 810'000}, 216'000, 2'700, 405,
     17'550'000, 8'910'000, 243'000, 25, 75},
};

TEST(PopulationPresets, ShippedFileMatchesTheDomainTable) {
  Result<PresetCatalog> cat = load_presets_file(default_presets_path());
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  ASSERT_EQ(cat->presets.size(), 4u);
  for (const PresetRow& row : kPresets) {
    SCOPED_TRACE(row.name);
    const PresetDef* def = cat->find(row.name);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->persons, row.persons);
    EXPECT_EQ(def->facilities, row.facilities);
    EXPECT_EQ(def->feps, row.feps);
    EXPECT_EQ(def->county_nodes, row.county_nodes);
    EXPECT_EQ(def->region_count(), row.regions);
    EXPECT_EQ(def->visits_per_day.outpatient, row.outpatient);
    EXPECT_EQ(def->visits_per_day.pharmacy, row.pharmacy);
    EXPECT_EQ(def->visits_per_day.admissions, row.admissions);
    EXPECT_EQ(def->employee_parts, row.employee_parts);
    EXPECT_EQ(def->resident_parts, row.resident_parts);
  }
}

TEST(PopulationPresets, CountsOfEveryPresetAddUp) {
  for (const PresetRow& row : kPresets) {
    SCOPED_TRACE(row.name);
    const Population& pop = shared(row.name);
    EXPECT_EQ(pop.person_count(), row.persons);
    EXPECT_EQ(pop.region_count(), row.regions);
    EXPECT_EQ(pop.county_count(), row.county_nodes);
    uint64_t facilities = 0;
    for (uint32_t n : row.facilities) facilities += n;
    EXPECT_EQ(pop.facility_count(), facilities);
    for (int k = 0; k < kFacilityKinds; ++k)
      EXPECT_EQ(pop.facility_count(kKindOrder[static_cast<size_t>(k)]), row.facilities[static_cast<size_t>(k)]);
    // Counties tile persons and facilities; their kinds add up; FEPs add up to the preset's.
    std::array<uint64_t, kFacilityKinds> kinds{};
    uint64_t next_person = 0, feps = 0;
    uint32_t next_facility = 0;
    for (const County& c : pop.counties()) {
      EXPECT_EQ(c.person_begin, next_person);
      EXPECT_EQ(c.facility_begin, next_facility);
      EXPECT_GT(c.persons(), 0u);
      next_person = c.person_end;
      next_facility = c.facility_end;
      for (size_t k = 0; k < kFacilityKinds; ++k) kinds[k] += c.kind_begin[k + 1] - c.kind_begin[k];
      feps += c.kind_begin[4] + c.pharmacies_with_fep;  // hospitals and centres, then FEP pharmacies
      EXPECT_LE(c.pharmacies_with_fep, c.kind_begin[6] - c.kind_begin[5]);
      EXPECT_EQ(c.admdvs.substr(0, 4), pop.regions()[static_cast<size_t>(c.region)].admdvs.substr(0, 4));
    }
    EXPECT_EQ(next_person, row.persons);
    EXPECT_EQ(next_facility, facilities);
    for (size_t k = 0; k < kFacilityKinds; ++k) EXPECT_EQ(kinds[k], row.facilities[k]);
    EXPECT_EQ(feps, row.feps);
    std::set<std::string> codes;
    for (const Region& r : pop.regions()) {
      EXPECT_EQ(r.admdvs.size(), 6u);
      EXPECT_EQ(r.admdvs.substr(4), "00");
      EXPECT_TRUE(codes.insert(r.admdvs).second) << r.admdvs;
      EXPECT_EQ(pop.find_region(r.admdvs), &r - pop.regions().data());
    }
  }
}

TEST(PopulationPresets, NationHasTwentySevenProvinces) {
  const Population& pop = shared("nation");
  std::set<std::string> provinces;
  for (const Region& r : pop.regions()) provinces.insert(r.admdvs.substr(0, 2));
  EXPECT_EQ(provinces.size(), 27u);
  // The last person of the nation is addressable and round-trips.
  const uint64_t last = pop.person_count() - 1;
  const Person p = pop.person(last);
  EXPECT_EQ(pop.find_psn_no(p.psn_no), last);
  EXPECT_EQ(pop.find_certno(p.certno), last);
  EXPECT_EQ(pop.find_card_sn(p.card_sn), last);
  EXPECT_EQ(p.insuplc_admdvs, pop.regions().back().admdvs);
}

TEST(PopulationPresets, ChronicDiseasesAreOnTheDefaultPolicyList) {
  const std::vector<std::string> listed = default_chronic_list();
  for (const ChronicDiseaseDef& d : shared("city").preset().chronic_diseases) {
    const bool on = std::any_of(listed.begin(), listed.end(), [&](const std::string& p) { return d.code.rfind(p, 0) == 0; });
    EXPECT_TRUE(on) << d.code << " is not on the policy's chronic list";
  }
}

TEST(PopulationPresets, UnknownPresetIsNotFound) {
  Result<Population> p = Population::load("galaxy", 7);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kNotFound);
}

// ---- Determinism ---------------------------------------------------------------------------

bool same_person(const Person& a, const Person& b) {
  return a.psn_no == b.psn_no && a.certno == b.certno && a.card_sn == b.card_sn && a.name == b.name && a.sex == b.sex &&
         a.birth == b.birth && a.insutype == b.insutype && a.psn_type == b.psn_type && a.cvlserv == b.cvlserv &&
         a.hifes == b.hifes && a.maf_group == b.maf_group && a.insuplc_admdvs == b.insuplc_admdvs &&
         a.enrolment == b.enrolment && a.paid_through == b.paid_through && a.balc == b.balc &&
         a.mulaid_psn_no == b.mulaid_psn_no;
}

TEST(PopulationDeterminism, SamePresetAndSeedGiveIdenticalRecords) {
  Result<Population> a = Population::load("city", 42);
  Result<Population> b = Population::load("city", 42);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->fingerprint(), b->fingerprint());
  for (uint64_t i : sample(*a, 5'000)) {
    ASSERT_TRUE(same_person(a->person(i), b->person(i))) << i;
    EXPECT_EQ(a->filings(i).size(), b->filings(i).size());
  }
  for (uint32_t j = 0; j < a->facility_count(); j += 7) {
    const Facility fa = a->facility(j), fb = b->facility(j);
    ASSERT_EQ(fa.code, fb.code);
    ASSERT_EQ(fa.name, fb.name);
    ASSERT_EQ(fa.secret, fb.secret);
    ASSERT_EQ(fa.chain_code, fb.chain_code);
  }
}

TEST(PopulationDeterminism, DifferentSeedGivesDifferentRecords) {
  const Population& a = shared("city", 7);
  const Population& b = shared("city", 8);
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  int differ = 0, names = 0;
  const auto idx = sample(a, 2'000);
  for (uint64_t i : idx) {
    const Person pa = a.person(i), pb = b.person(i);
    differ += same_person(pa, pb) ? 0 : 1;
    names += pa.name == pb.name ? 0 : 1;
  }
  EXPECT_EQ(differ, static_cast<int>(idx.size()));
  EXPECT_GT(names, static_cast<int>(idx.size()) * 9 / 10);
  EXPECT_NE(a.facility_secret(0), b.facility_secret(0));
  // Ids of one seed are (nearly all) unknown to another.
  int found = 0;
  for (uint64_t i : idx) found += b.find_psn_no(a.psn_no(i)).has_value() ? 1 : 0;
  EXPECT_LT(found, static_cast<int>(idx.size()) / 20);
}

TEST(PopulationDeterminism, PersonIntoEqualsPerson) {
  const Population& pop = shared("county");
  Person reused;
  for (uint64_t i : sample(pop, 3'000)) {
    pop.person_into(i, reused);
    ASSERT_TRUE(same_person(reused, pop.person(i))) << i;
  }
}

// ---- Shares --------------------------------------------------------------------------------

TEST(PopulationShares, RoughlyAsConfigured) {
  const Population& pop = shared("city");
  const PeopleDef& cfg = pop.preset().people;
  const auto idx = sample(pop, 100'000);
  const double n = static_cast<double>(idx.size());
  double employees = 0, retired = 0, cvl = 0, hifes = 0, males = 0, under18 = 0, aged60 = 0;
  double res = 0, res_db = 0, res_tk = 0, chronic = 0, mulaid = 0, lapsed = 0;
  std::vector<int64_t> active_balc;
  const CivilDate jan1 = make_date(pop.year(), 1, 1);
  for (uint64_t i : idx) {
    const Person p = pop.person(i);
    const int age = ymd(jan1).year - ymd(p.birth).year - (p.birth.days == make_date(ymd(p.birth).year, 1, 1).days ? 0 : 1);
    under18 += age < 18;
    aged60 += age >= 60;
    males += p.sex == 1;
    if (p.insutype == Insutype::kEmployee) {
      ++employees;
      retired += p.psn_type == PsnType::kEmployeeRetired;
      EXPECT_EQ(p.psn_type == PsnType::kEmployeeRetired, age >= 60);
      EXPECT_GE(age, 18);
      cvl += p.cvlserv;
      hifes += p.hifes;
      EXPECT_GE(p.balc.v, 0);
      if (p.psn_type == PsnType::kEmployeeActive) active_balc.push_back(p.balc.v);
    } else {
      ++res;
      EXPECT_EQ(p.psn_type, PsnType::kResident);
      EXPECT_EQ(p.balc.v, 0);
      EXPECT_FALSE(p.cvlserv);
      res_db += p.maf_group == MafGroup::kDibao;
      res_tk += p.maf_group == MafGroup::kTekun;
      EXPECT_EQ(p.paid_through, make_date(pop.year(), 12, 31));
    }
    lapsed += p.enrolment != Enrolment::kEnrolled;
    chronic += pop.has_chronic_filing(i);
    mulaid += !p.mulaid_psn_no.empty();
    EXPECT_EQ(p.insuplc_admdvs, pop.regions()[0].admdvs);
  }
  EXPECT_NEAR(employees / n, 0.30, 0.01);
  EXPECT_NEAR(retired / employees, cfg.retired_share_of_employees, 0.015);
  EXPECT_NEAR(cvl / employees, cfg.civil_servant_share_of_employees, 0.01);
  EXPECT_NEAR(hifes / employees, cfg.enterprise_supplement_share_of_employees, 0.01);
  EXPECT_NEAR(males / n, 0.5, 0.01);
  EXPECT_NEAR(under18 / n, 0.21, 0.01);
  EXPECT_NEAR(aged60 / n, 0.19, 0.01);
  EXPECT_NEAR(res_db / res, cfg.assistance_residents.dibao, 0.003);
  EXPECT_NEAR(res_tk / res, cfg.assistance_residents.tekun, 0.002);
  EXPECT_EQ(lapsed, 0);
  const double want_chronic = 0.81 * cfg.chronic_filing_share + 0.19 * cfg.chronic_filing_share_elderly;
  EXPECT_NEAR(chronic / n, want_chronic, 0.005);
  EXPECT_NEAR(mulaid / n, cfg.mutual_aid_share, 0.01);
  std::sort(active_balc.begin(), active_balc.end());
  const double median = static_cast<double>(active_balc[active_balc.size() / 2]);
  EXPECT_NEAR(median / static_cast<double>(cfg.balance_active.median.v), 1.0, 0.05);
  EXPECT_LE(active_balc.back(), cfg.balance_active.max.v);
}

TEST(PopulationShares, LapsedResidentsWhenConfigured) {
  Result<PresetCatalog> cat = load_presets_file(default_presets_path());
  ASSERT_TRUE(cat.ok());
  PresetDef def = *cat->find("county");
  def.people.lapsed_share_of_residents = 0.05;
  Result<Population> pop = Population::create(def, 3);
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  double res = 0, lapsed = 0;
  for (uint64_t i : sample(*pop, 50'000)) {
    const Person p = pop->person(i);
    if (p.insutype != Insutype::kResident) {
      EXPECT_EQ(p.enrolment, Enrolment::kEnrolled);
      continue;
    }
    ++res;
    if (p.enrolment == Enrolment::kLapsed) {
      ++lapsed;
      EXPECT_EQ(p.paid_through, make_date(def.year - 1, 12, 31));
    }
  }
  EXPECT_NEAR(lapsed / res, 0.05, 0.005);
}

TEST(PopulationShares, FilingsAndMutualAid) {
  const Population& pop = shared("city");
  std::set<std::string> diseases;
  for (const ChronicDiseaseDef& d : pop.preset().chronic_diseases) diseases.insert(d.code);
  int filings = 0;
  for (uint64_t i : sample(pop, 20'000)) {
    const std::vector<Filing> f = pop.filings(i);
    ASSERT_EQ(f.empty(), !pop.has_chronic_filing(i));
    for (const Filing& x : f) {
      ++filings;
      EXPECT_EQ(x.type, FilingType::kChronic);
      EXPECT_TRUE(diseases.count(x.dise_codg)) << x.dise_codg;
      EXPECT_EQ(x.psn_no, pop.psn_no(i));
      EXPECT_TRUE(x.active_on(make_date(pop.year(), 1, 1)));
      EXPECT_GE(x.begin, pop.person(i).birth);
      EXPECT_EQ(x.id.size(), 15u);
    }
    if (const auto rel = pop.mulaid_relative(i)) {
      EXPECT_NE(*rel, i);
      EXPECT_TRUE(pop.is_employee(*rel));
      EXPECT_EQ(pop.county_of_person(*rel), pop.county_of_person(i));
      EXPECT_EQ(pop.person(i).mulaid_psn_no, pop.psn_no(*rel));
    }
    const Accumulators acc = pop.opening_accumulators(i, pop.year());
    EXPECT_EQ(acc, Accumulators{});
  }
  EXPECT_GT(filings, 500);
}

// ---- Facilities ----------------------------------------------------------------------------

TEST(PopulationFacilities, CodesCountiesDepartmentsChains) {
  for (const char* name : {"county", "city", "province"}) {
    SCOPED_TRACE(name);
    const Population& pop = shared(name);
    std::unordered_set<std::string> codes;
    uint64_t feps = 0, chained = 0, pharmacies = 0;
    const uint32_t step = pop.facility_count() > 20'000 ? 7 : 1;
    for (uint32_t j = 0; j < pop.facility_count(); j += step) {
      const Facility f = pop.facility(j);
      ASSERT_EQ(f.code.size(), 12u) << f.code;
      ASSERT_TRUE(codes.insert(f.code).second) << f.code;
      ASSERT_EQ(pop.find_facility(f.code), j);
      ASSERT_GE(f.county, 0);
      ASSERT_LT(f.county, pop.county_count());
      const County& c = pop.counties()[static_cast<size_t>(f.county)];
      EXPECT_GE(j, c.facility_begin);
      EXPECT_LT(j, c.facility_end);
      EXPECT_EQ(f.admdvs, pop.regions()[static_cast<size_t>(c.region)].admdvs);
      EXPECT_EQ(f.code.substr(1, 6), c.admdvs);
      EXPECT_EQ(f.code[0], f.type == FacilityType::kPharmacy ? 'P' : 'H');
      EXPECT_EQ(f.level, pop.facility_kind(j));
      EXPECT_EQ(f.departments.size(),
                static_cast<size_t>(pop.preset().facility_setup.departments_per_kind[static_cast<size_t>(kind_index(f.level))]));
      EXPECT_EQ(f.secret.size(), 32u);
      EXPECT_FALSE(f.name.empty());
      if (f.type == FacilityType::kPharmacy) {
        ++pharmacies;
        if (!f.chain_code.empty()) {
          ++chained;
          EXPECT_EQ(f.chain_code.size(), 10u);
          EXPECT_EQ(f.chain_code.substr(2, 6), f.admdvs);
        }
      } else {
        EXPECT_TRUE(f.chain_code.empty());
      }
      feps += pop.has_own_fep(j);
      if (f.type == FacilityType::kHospital || f.type == FacilityType::kPrimary) { EXPECT_TRUE(pop.has_own_fep(j)); }
      if (f.type == FacilityType::kVillage) { EXPECT_FALSE(pop.has_own_fep(j)); }
    }
    if (step == 1) { EXPECT_EQ(feps, pop.preset().feps); }
    EXPECT_NEAR(static_cast<double>(chained) / static_cast<double>(pharmacies), pop.preset().facility_setup.pharmacy_chain_share, 0.05);
  }
}

TEST(PopulationFacilities, HospitalsHaveTheListedDepartments) {
  const Population& pop = shared("city");
  const Facility f = pop.facility(0);  // the first level-3 hospital of the first county
  ASSERT_EQ(f.level, Level::kLevel3);
  ASSERT_GE(f.departments.size(), 2u);
  EXPECT_EQ(f.departments[1].code, "A03");
  std::set<std::string> codes;
  for (const Department& d : f.departments) EXPECT_TRUE(codes.insert(d.code).second);
}

// ---- Visitors ------------------------------------------------------------------------------

TEST(PopulationVisitors, PersonForLivesNearby) {
  const Population& pop = shared("city");
  Rng rng(1, stream_id("test"), 0);
  for (uint32_t j = 0; j < pop.facility_count(); j += 11) {
    const County& c = pop.counties()[static_cast<size_t>(pop.county_of_facility(j))];
    const uint64_t i = pop.person_for(j, rng);
    if (pop.facility_kind(j) == Level::kLevel3) {
      EXPECT_EQ(pop.region_of_person(i), c.region);
    } else {
      EXPECT_GE(i, c.person_begin);
      EXPECT_LT(i, c.person_end);
    }
  }
  const auto chronic = pop.chronic_person_for(100, rng);
  ASSERT_TRUE(chronic.has_value());
  EXPECT_TRUE(pop.has_chronic_filing(*chronic));
}

TEST(PopulationVisitors, CrossRegionShareInTheProvince) {
  const Population& pop = shared("province");
  Rng rng(2, stream_id("test"), 0);
  const uint32_t j = pop.regions()[3].facility_begin + 50;  // a facility of region 3
  int away = 0;
  const int n = 100'000;
  for (int k = 0; k < n; ++k) {
    const uint64_t i = pop.person_for(j, rng);
    const int32_t r = pop.region_of_person(i);
    if (r != 3) {
      ++away;
      EXPECT_EQ(pop.regions()[static_cast<size_t>(r)].province, pop.regions()[3].province);
    }
  }
  EXPECT_NEAR(static_cast<double>(away) / n, 0.01, 0.002);
}

}  // namespace
}  // namespace yibao::models
