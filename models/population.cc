// Population: structure (regions, counties) and persons. Identifiers are written and found in
// population_lookup.cc; facilities and visitor draws are in population_facility.cc.
#include "models/population.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "models/check.h"
#include "models/population_internal.h"
#include "models/population_names.h"
#include "models/population_yaml.h"

namespace yibao::models {

using population_internal::fast_mod;
using population_internal::hash_uniform;
using population_internal::mulmod;
using population_internal::split_begin;

namespace {

uint64_t gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Inverse of a modulo n (gcd(a, n) = 1, n ≥ 1).
uint64_t mod_inverse(uint64_t a, uint64_t n) {
  if (n == 1) return 0;
  Int128 t = 0, new_t = 1, r = n, new_r = a;
  while (new_r != 0) {
    const Int128 q = r / new_r;
    const Int128 t2 = t - q * new_t;
    t = new_t;
    new_t = t2;
    const Int128 r2 = r - q * new_r;
    r = new_r;
    new_r = r2;
  }
  if (t < 0) t += n;
  return static_cast<uint64_t>(t);
}

// A stride near n / φ (low discrepancy: consecutive persons spread over the age distribution)
// nudged by the seed, coprime with n.
uint64_t pick_stride(uint64_t n, uint64_t h) {
  if (n <= 2) return 1 % n == 0 ? 0 : 1;
  uint64_t s = static_cast<uint64_t>(static_cast<double>(n) * 0.6180339887498949) + h % std::max<uint64_t>(1, n / 64);
  s %= n;
  while (s == 0 || gcd(s, n) != 1) s = (s + 1) % n;
  return s;
}

void write_admdvs(int32_t province, int32_t city, int32_t county, std::string& out) {
  out.resize(6);
  write_digits(out.data(), static_cast<uint64_t>(province), 2);
  write_digits(out.data() + 2, static_cast<uint64_t>(city), 2);
  write_digits(out.data() + 4, static_cast<uint64_t>(county), 2);
}

}  // namespace

Result<Population> Population::create(PresetDef def, uint64_t seed) {
  YB_RETURN_IF_ERROR(validate_preset(def));
  Population pop;
  pop.seed_ = seed;
  pop.births_ = BirthTable(def.people, def.year);
  {
    uint64_t x = seed ^ population_internal::kStreamTag;
    pop.seed_tag_ = splitmix64(x);
  }
  const double emp = def.employee_share();
  const double retired = def.people.retired_share_of_employees;
  pop.p_employee_working_ = pop.births_.working_share() > 0 ? emp * (1 - retired) / pop.births_.working_share() : 0.0;
  pop.p_employee_elderly_ = pop.births_.elderly_share() > 0 ? emp * retired / pop.births_.elderly_share() : 0.0;
  double total_weight = 0;
  for (const ChronicDiseaseDef& d : def.chronic_diseases) total_weight += d.weight;
  double cum = 0;
  for (const ChronicDiseaseDef& d : def.chronic_diseases) {
    cum += d.weight;
    pop.chronic_cdf_.push_back(cum / total_weight);
  }
  if (!pop.chronic_cdf_.empty()) pop.chronic_cdf_.back() = 1.0;

  const uint64_t regions = static_cast<uint64_t>(def.region_count());
  const uint64_t counties = static_cast<uint64_t>(def.county_nodes);
  const uint64_t pharmacies = def.facilities[static_cast<size_t>(kind_index(Level::kPharmacy))];
  const uint64_t fep_pharmacies = def.feps - def.hospitals_and_centres();
  uint64_t pharmacies_before = 0;  // pharmacies in earlier counties (for the FEP quota)
  uint32_t facility_next = 0;
  for (uint64_t r = 0; r < regions; ++r) {
    Region region;
    region.province = static_cast<int32_t>(r / static_cast<uint64_t>(def.regions_per_province));
    const int32_t city = static_cast<int32_t>(r % static_cast<uint64_t>(def.regions_per_province)) + 1;
    const int32_t pp = def.provinces[static_cast<size_t>(region.province)];
    write_admdvs(pp, city, 0, region.admdvs);
    region.name = place_name(seed ^ (static_cast<uint64_t>(pp * 100 + city) * 0x9E3779B97F4A7C15ULL)) + "市";
    region.county_begin = static_cast<int32_t>(split_begin(counties, regions, r));
    region.county_end = static_cast<int32_t>(split_begin(counties, regions, r + 1));
    region.person_begin = split_begin(def.persons, regions, r);
    region.person_end = split_begin(def.persons, regions, r + 1);
    region.facility_begin = facility_next;
    const uint64_t nc = static_cast<uint64_t>(region.county_end - region.county_begin);
    const uint64_t region_persons = region.person_end - region.person_begin;
    std::array<uint64_t, kFacilityKinds> region_kind{};
    for (size_t k = 0; k < kFacilityKinds; ++k)
      region_kind[k] = split_begin(def.facilities[k], regions, r + 1) - split_begin(def.facilities[k], regions, r);
    for (uint64_t q = 0; q < nc; ++q) {
      County c;
      c.region = static_cast<int32_t>(r);
      write_admdvs(pp, city, static_cast<int32_t>(q) + 1, c.admdvs);
      c.code = static_cast<uint32_t>(read_digits(c.admdvs, 0, 6).value_or(0));
      c.name = place_name(seed ^ (static_cast<uint64_t>(c.code) * 0xD1B54A32D192ED03ULL)) + (q == 0 ? "区" : "县");
      c.person_begin = region.person_begin + split_begin(region_persons, nc, q);
      c.person_end = region.person_begin + split_begin(region_persons, nc, q + 1);
      c.facility_begin = facility_next;
      uint32_t local = 0;
      for (size_t k = 0; k < kFacilityKinds; ++k) {
        c.kind_begin[k] = local;
        local += static_cast<uint32_t>(split_begin(region_kind[k], nc, q + 1) - split_begin(region_kind[k], nc, q));
      }
      c.kind_begin[kFacilityKinds] = local;
      facility_next += local;
      c.facility_end = facility_next;
      // FEP pharmacies in proportion to pharmacies: exact total, never more than the county has.
      const uint64_t here = c.kind_begin[kFacilityKinds] - c.kind_begin[static_cast<size_t>(kind_index(Level::kPharmacy))];
      if (pharmacies > 0) {
        c.pharmacies_with_fep = static_cast<uint32_t>(split_begin(fep_pharmacies, pharmacies, pharmacies_before + here) -
                                                      split_begin(fep_pharmacies, pharmacies, pharmacies_before));
      }
      pharmacies_before += here;
      // The certno permutation of the county's persons.
      const uint64_t n = c.persons();
      Rng prng(seed, population_internal::kStreamCounty, pop.counties_.size());
      c.stride = pick_stride(n, prng.next());
      c.stride_inverse = mod_inverse(c.stride, n);
      c.offset = prng.below(n);
      c.slot_scale = (pop.births_.slots() << 32) / n;
      c.inv_persons = 1.0 / static_cast<double>(n);
      YB_CHECK(n == 1 || mulmod(c.stride, c.stride_inverse, n) == 1, "county stride has no inverse");
      pop.county_by_code_.emplace_back(c.code, static_cast<int32_t>(pop.counties_.size()));
      pop.county_person_begin_.push_back(c.person_begin);
      pop.county_facility_begin_.push_back(c.facility_begin);
      pop.counties_.push_back(std::move(c));
    }
    region.facility_end = facility_next;
    pop.regions_.push_back(std::move(region));
  }
  pop.facility_total_ = facility_next;
  YB_CHECK(pop.facility_total_ == def.facility_total(), "facility split lost a facility");
  std::sort(pop.county_by_code_.begin(), pop.county_by_code_.end());
  // Weighted digit sums of the county codes (GB 11643 weights of certno positions 0-5).
  static constexpr int32_t kWeights[6] = {7, 9, 10, 5, 8, 4};
  for (const County& c : pop.counties_) {
    int32_t sum = 0;
    for (size_t k = 0; k < 6; ++k) sum += (c.admdvs[k] - '0') * kWeights[k];
    pop.county_cert_weight_.push_back(sum);
  }
  pop.year_end_ = make_date(def.year, 12, 31);
  pop.previous_year_end_ = make_date(def.year - 1, 12, 31);
  pop.def_ = std::move(def);
  return pop;
}

Result<Population> Population::load(std::string_view name, uint64_t seed, const std::string& presets_file) {
  YB_ASSIGN_OR_RETURN(PresetCatalog catalog, load_presets_file(presets_file.empty() ? default_presets_path() : presets_file));
  const PresetDef* def = catalog.find(name);
  if (def == nullptr)
    return Status(Code::kNotFound, reason::kBadRequest, "no preset named '" + std::string(name) + "'", "preset");
  return create(*def, seed);
}

uint64_t Population::fingerprint() const {
  uint64_t x = preset_digest(def_) ^ (seed_ * 0x9E3779B97F4A7C15ULL);
  return splitmix64(x);
}

// ---- Persons ---------------------------------------------------------------------------------

int32_t Population::county_of_person(uint64_t i) const {
  YB_CHECK(i < def_.persons, "person index out of range");
  auto it = std::upper_bound(county_person_begin_.begin(), county_person_begin_.end(), i);
  return static_cast<int32_t>(it - county_person_begin_.begin()) - 1;
}

Population::Core Population::core(uint64_t i) const {
  Core k;
  k.county = county_of_person(i);
  const County& c = counties_[static_cast<size_t>(k.county)];
  const uint64_t n = c.persons();
  // n ≤ slots < 2^26, so (i - begin) · stride + offset < 2^52 (fast_mod's range).
  const uint64_t permuted = fast_mod((i - c.person_begin) * c.stride + c.offset, n, c.inv_persons);
  births_.birth_of(static_cast<uint64_t>((static_cast<UInt128>(permuted) * c.slot_scale) >> 32), k.birth, k.seq);
  k.sex = (k.seq & 1) != 0 ? 1 : 2;
  k.elderly = k.birth <= births_.born_by_retirement_age();
  const bool working = !k.elderly && k.birth <= births_.born_by_working_age();
  const double u = hash_uniform(seed_, population_internal::kStreamScheme, i);
  k.employee = (working && u < p_employee_working_) || (k.elderly && u < p_employee_elderly_);
  return k;
}

bool Population::is_employee(uint64_t i) const { return core(i).employee; }

void Population::person_into(uint64_t i, Person& out) const {
  Core k = core(i);
  const County& c = counties_[static_cast<size_t>(k.county)];
  const PeopleDef& p = def_.people;
  Rng rng(seed_, population_internal::kStreamPerson, i);
  out.psn_no.resize(20);
  write_psn_no(i, c, out.psn_no.data());
  out.certno.resize(18);
  write_certno(c, k.birth, k.seq, out.certno.data());
  out.card_sn.resize(14);
  {
    uint64_t x = seed_tag_ ^ (i * 0x8CB92BA72F3D8DD7ULL);  // as write_card_sn, reusing the digits
    const uint64_t h = splitmix64(x);
    char* card = out.card_sn.data();
    card[0] = static_cast<char>('A' + h % 26);
    std::memcpy(card + 1, out.psn_no.data() + 6, 12);
    card[13] = static_cast<char>('A' + (h >> 32) % 26);
  }
  draw_person_name(rng, k.sex, out.name);
  out.sex = k.sex;
  out.birth = k.birth;
  // A fixed number of draws whatever the outcome, so adding a field later changes nothing else.
  const double u_cvl = rng.uniform();
  const double u_hifes = rng.uniform();
  const double u_maf = rng.uniform();
  const double u_lapse = rng.uniform();
  out.insutype = k.employee ? Insutype::kEmployee : Insutype::kResident;
  out.psn_type = !k.employee ? PsnType::kResident : k.elderly ? PsnType::kEmployeeRetired : PsnType::kEmployeeActive;
  out.cvlserv = k.employee && u_cvl < p.civil_servant_share_of_employees;
  out.hifes = k.employee && u_hifes < p.enterprise_supplement_share_of_employees;
  const AssistanceShares& a = k.employee ? p.assistance_employees : p.assistance_residents;
  out.maf_group = u_maf < a.tekun                                   ? MafGroup::kTekun
                  : u_maf < a.tekun + a.dibao                       ? MafGroup::kDibao
                  : u_maf < a.tekun + a.dibao + a.low_income        ? MafGroup::kLowIncome
                  : u_maf < a.tekun + a.dibao + a.low_income + a.at_risk ? MafGroup::kAtRisk
                                                                    : MafGroup::kNone;
  out.insuplc_admdvs.resize(6);  // in place: no allocation, no library call
  std::memcpy(out.insuplc_admdvs.data(), regions_[static_cast<size_t>(c.region)].admdvs.data(), 6);
  const bool lapsed = !k.employee && u_lapse < p.lapsed_share_of_residents;
  out.enrolment = lapsed ? Enrolment::kLapsed : Enrolment::kEnrolled;
  out.paid_through = lapsed ? previous_year_end_ : year_end_;
  out.balc = Fen(0);
  if (k.employee) {
    const BalanceDist& b = k.elderly ? p.balance_retired : p.balance_active;
    const double fen = rng.lognormal_median(static_cast<double>(b.median.v), b.sigma);
    out.balc = Fen(std::min<int64_t>(b.max.v, static_cast<int64_t>(fen + 0.5)));
  }
  if (const auto rel = mulaid_relative_in(i, c)) {
    out.mulaid_psn_no.resize(20);
    write_psn_no(*rel, c, out.mulaid_psn_no.data());
  } else {
    out.mulaid_psn_no.clear();
  }
}

Person Population::person(uint64_t i) const {
  Person p;
  person_into(i, p);
  return p;
}

std::optional<uint64_t> Population::mulaid_relative(uint64_t i) const {
  return mulaid_relative_in(i, counties_[static_cast<size_t>(county_of_person(i))]);
}

std::optional<uint64_t> Population::mulaid_relative_in(uint64_t i, const County& c) const {
  if (!(hash_uniform(seed_, population_internal::kStreamMulaid, i) < def_.people.mutual_aid_share) || c.persons() < 2)
    return std::nullopt;
  Rng rng(seed_, population_internal::kStreamMulaid, i);
  // An employee of the same county (the account that pays); give up after 32 non-employees.
  for (int t = 0; t < 32; ++t) {
    const uint64_t j = c.person_begin + rng.below(c.persons());
    if (j != i && is_employee(j)) return j;
  }
  return std::nullopt;
}

bool Population::has_chronic_filing(uint64_t i) const {
  const Core k = core(i);
  Rng rng(seed_, population_internal::kStreamFiling, i);
  const double share = k.elderly ? def_.people.chronic_filing_share_elderly : def_.people.chronic_filing_share;
  return rng.uniform() < share;
}

std::vector<Filing> Population::filings(uint64_t i) const {
  std::vector<Filing> out;
  const Core k = core(i);
  Rng rng(seed_, population_internal::kStreamFiling, i);
  const double share = k.elderly ? def_.people.chronic_filing_share_elderly : def_.people.chronic_filing_share;
  if (!(rng.uniform() < share)) return out;
  const double u = rng.uniform();
  const size_t d = static_cast<size_t>(std::upper_bound(chronic_cdf_.begin(), chronic_cdf_.end(), u) - chronic_cdf_.begin());
  const ChronicDiseaseDef& disease = def_.chronic_diseases[std::min(d, chronic_cdf_.size() - 1)];
  Filing f;
  f.id.resize(15);
  f.id[0] = 'M';
  write_digits(f.id.data() + 1, i, 12);
  write_digits(f.id.data() + 13, 1, 2);  // the person's first filing
  f.psn_no = psn_no(i);
  f.type = FilingType::kChronic;
  f.dise_codg = disease.code;
  // Filed up to five years before the year began, never before birth.
  const int32_t jan1 = make_date(def_.year, 1, 1).days;
  f.begin = CivilDate{std::max(k.birth.days, jan1 - static_cast<int32_t>(rng.between(1, 5 * 365)))};
  f.mdtrtarea_admvs = regions_[static_cast<size_t>(counties_[static_cast<size_t>(k.county)].region)].admdvs;
  out.push_back(std::move(f));
  return out;
}

Accumulators Population::opening_accumulators(uint64_t i, int32_t year) const {
  YB_CHECK(i < def_.persons, "person index out of range");
  (void)year;
  return Accumulators{};
}

}  // namespace yibao::models
