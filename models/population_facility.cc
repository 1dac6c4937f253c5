// Population: facilities (codes, names, departments, chains, secrets, FEPs) and the draw of a
// plausible visitor for a facility.
#include <algorithm>
#include <cstring>

#include "models/check.h"
#include "models/population.h"
#include "models/population_internal.h"
#include "models/population_names.h"

namespace yibao::models {
namespace {

using population_internal::kStreamFacility;
using population_internal::kStreamSecret;

FacilityType type_of(Level kind) {
  switch (kind) {
    case Level::kLevel3:
    case Level::kLevel2:
    case Level::kLevel1: return FacilityType::kHospital;
    case Level::kPrimary: return FacilityType::kPrimary;
    case Level::kVillage: return FacilityType::kVillage;
    case Level::kPharmacy: return FacilityType::kPharmacy;
  }
  return FacilityType::kHospital;
}

// Kind of the facility with number `local` in county c.
int kind_at(const County& c, uint32_t local) {
  int k = 0;
  while (k < kFacilityKinds - 1 && c.kind_begin[static_cast<size_t>(k) + 1] <= local) ++k;
  return k;
}

std::string number(uint64_t v) { return std::to_string(v); }

}  // namespace

int32_t Population::county_of_facility(uint32_t j) const {
  YB_CHECK(j < facility_total_, "facility index out of range");
  auto it = std::upper_bound(county_facility_begin_.begin(), county_facility_begin_.end(), j);
  return static_cast<int32_t>(it - county_facility_begin_.begin()) - 1;
}

Level Population::facility_kind(uint32_t j) const {
  const County& c = counties_[static_cast<size_t>(county_of_facility(j))];
  return kKindOrder[static_cast<size_t>(kind_at(c, j - c.facility_begin))];
}

bool Population::has_own_fep(uint32_t j) const {
  const County& c = counties_[static_cast<size_t>(county_of_facility(j))];
  const uint32_t local = j - c.facility_begin;
  const Level kind = kKindOrder[static_cast<size_t>(kind_at(c, local))];
  if (kind == Level::kVillage) return false;
  if (kind != Level::kPharmacy) return true;
  return local - c.kind_begin[static_cast<size_t>(kind_index(Level::kPharmacy))] < c.pharmacies_with_fep;
}

void Population::write_facility_code(const County& c, uint32_t local, char* out) const {
  const Level kind = kKindOrder[static_cast<size_t>(kind_at(c, local))];
  out[0] = kind == Level::kPharmacy ? 'P' : 'H';
  std::memcpy(out + 1, c.admdvs.data(), 6);
  write_digits(out + 7, local, 4);
  // Luhn over the 10 digits (catches any single changed digit), shifted by the seed.
  int sum = 0;
  for (int k = 0; k < 10; ++k) {
    int d = out[10 - k] - '0';
    if (k % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  out[11] = static_cast<char>('0' + (10 - sum % 10 + static_cast<int>(seed_tag_ % 10)) % 10);
}

std::string Population::facility_code(uint32_t j) const {
  const County& c = counties_[static_cast<size_t>(county_of_facility(j))];
  std::string s(12, '0');
  write_facility_code(c, j - c.facility_begin, s.data());
  return s;
}

std::optional<uint32_t> Population::find_facility(std::string_view code) const {
  if (code.size() != 12 || (code[0] != 'H' && code[0] != 'P')) return std::nullopt;
  const auto county = find_county(code.substr(1, 6));
  const auto local = read_digits(code, 7, 4);
  if (!county || !local) return std::nullopt;
  const County& c = counties_[static_cast<size_t>(*county)];
  if (*local >= c.facilities()) return std::nullopt;
  const uint32_t j = c.facility_begin + static_cast<uint32_t>(*local);
  char buf[12];
  write_facility_code(c, static_cast<uint32_t>(*local), buf);
  if (std::memcmp(buf, code.data(), 12) != 0) return std::nullopt;
  return j;
}

std::string Population::facility_secret(uint32_t j) const {
  YB_CHECK(j < facility_total_, "facility index out of range");
  Rng rng(seed_, kStreamSecret, j);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t v = rng.next();
    for (int k = 0; k < 16; ++k) {
      s[static_cast<size_t>(half * 16 + k)] = kHex[v & 15];
      v >>= 4;
    }
  }
  return s;
}

Facility Population::facility(uint32_t j) const {
  const int32_t ci = county_of_facility(j);
  const County& c = counties_[static_cast<size_t>(ci)];
  const Region& region = regions_[static_cast<size_t>(c.region)];
  const uint32_t local = j - c.facility_begin;
  const int ki = kind_at(c, local);
  const Level kind = kKindOrder[static_cast<size_t>(ki)];
  const uint32_t nth = local - c.kind_begin[static_cast<size_t>(ki)];  // among its kind in the county
  Rng rng(seed_, kStreamFacility, j);
  const uint64_t name_key = rng.next();

  Facility f;
  f.code = facility_code(j);
  f.type = type_of(kind);
  f.level = kind;
  f.admdvs = region.admdvs;
  f.county = ci;
  switch (kind) {
    case Level::kLevel3: f.name = c.name + "第" + number(nth + 1) + "人民医院"; break;
    case Level::kLevel2: f.name = c.name + "第" + number(nth + 1) + "医院"; break;
    case Level::kLevel1: f.name = c.name + place_name(name_key) + "医院"; break;
    case Level::kPrimary:
      f.name = c.name + place_name(name_key) + (nth % 2 == 0 ? "镇卫生院" : "社区卫生服务中心");
      break;
    case Level::kVillage: f.name = c.name + place_name(name_key) + "村卫生室"; break;
    case Level::kPharmacy: break;  // named below, with its chain
  }
  const FacilitySetupDef& setup = def_.facility_setup;
  const int32_t depts = setup.departments_per_kind[static_cast<size_t>(ki)];
  f.departments.reserve(static_cast<size_t>(depts));
  for (int32_t d = 0; d < depts; ++d) {
    const DepartmentDef& dd = setup.departments[static_cast<size_t>(d)];
    f.departments.push_back(Department{dd.code, dd.name});
  }
  if (kind == Level::kPharmacy) {
    const double u = rng.uniform();
    const uint64_t chain = rng.below(static_cast<uint64_t>(std::max(1, setup.pharmacy_chains_per_region)));
    if (u < setup.pharmacy_chain_share && setup.pharmacy_chains_per_region > 0) {
      f.chain_code = "LS" + region.admdvs + "00";
      write_digits(f.chain_code.data() + 8, chain + 1, 2);
      const uint64_t chain_key = seed_ ^ ((static_cast<uint64_t>(c.region) << 8 | chain) * 0x94D049BB133111EBULL);
      f.name = place_name(chain_key) + "大药房(" + c.name + number(nth + 1) + "店)";
    } else {
      f.name = c.name + place_name(name_key) + "药店";
    }
  }
  f.secret = facility_secret(j);
  return f;
}

uint64_t Population::person_in_range(uint64_t begin, uint64_t end, Rng& rng) const {
  return begin + rng.below(end - begin);
}

uint64_t Population::person_for(uint32_t j, Rng& rng) const {
  const County& c = counties_[static_cast<size_t>(county_of_facility(j))];
  const Region& region = regions_[static_cast<size_t>(c.region)];
  const double cross = def_.people.cross_region_visit_share;
  if (cross > 0 && def_.regions_per_province > 1 && rng.uniform() < cross) {
    // Someone insured in another pooling region of the same province (out-of-area care).
    const uint64_t first = static_cast<uint64_t>(region.province) * static_cast<uint64_t>(def_.regions_per_province);
    uint64_t other = first + rng.below(static_cast<uint64_t>(def_.regions_per_province - 1));
    if (other >= static_cast<uint64_t>(c.region)) ++other;
    const Region& far = regions_[static_cast<size_t>(other)];
    return person_in_range(far.person_begin, far.person_end, rng);
  }
  const uint32_t local = j - c.facility_begin;
  if (kKindOrder[static_cast<size_t>(kind_at(c, local))] == Level::kLevel3)
    return person_in_range(region.person_begin, region.person_end, rng);
  return person_in_range(c.person_begin, c.person_end, rng);
}

std::optional<uint64_t> Population::chronic_person_for(uint32_t j, Rng& rng, int max_tries) const {
  for (int t = 0; t < max_tries; ++t) {
    const uint64_t i = person_for(j, rng);
    if (has_chronic_filing(i)) return i;
  }
  return std::nullopt;
}

}  // namespace yibao::models
