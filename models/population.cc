// Population: structure (regions, counties) and persons. Facilities and visitor draws are in
// population_facility.cc.
#include "models/population.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "models/check.h"
#include "models/population_internal.h"
#include "models/population_names.h"
#include "models/population_yaml.h"

namespace yibao::models {

using population_internal::mulmod;
using population_internal::split_begin;

struct Population::Core {
  int32_t county = 0;
  CivilDate birth;
  int32_t seq = 0;
  uint8_t sex = 1;
  bool elderly = false;   // at or above retirement age on Jan 1
  bool employee = false;
  Rng rng{0};             // the person's stream, after the scheme draw
};

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

std::optional<int32_t> Population::find_county(std::string_view admdvs) const {
  if (admdvs.size() != 6) return std::nullopt;
  const auto code = read_digits(admdvs, 0, 6);
  if (!code) return std::nullopt;
  const auto key = std::make_pair(static_cast<uint32_t>(*code), INT32_MIN);
  auto it = std::lower_bound(county_by_code_.begin(), county_by_code_.end(), key);
  if (it == county_by_code_.end() || it->first != *code) return std::nullopt;
  return it->second;
}

std::optional<int32_t> Population::find_region(std::string_view admdvs) const {
  if (admdvs.size() != 6 || admdvs.substr(4) != "00") return std::nullopt;
  const auto pp = read_digits(admdvs, 0, 2);
  const auto cc = read_digits(admdvs, 2, 2);
  if (!pp || !cc || *cc < 1 || *cc > static_cast<uint64_t>(def_.regions_per_province)) return std::nullopt;
  for (size_t p = 0; p < def_.provinces.size(); ++p) {
    if (static_cast<uint64_t>(def_.provinces[p]) == *pp)
      return static_cast<int32_t>(p * static_cast<size_t>(def_.regions_per_province) + *cc - 1);
  }
  return std::nullopt;
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
  const uint64_t permuted = (mulmod(i - c.person_begin, c.stride, n) + c.offset) % n;
  births_.birth_of(permuted * births_.slots() / n, k.birth, k.seq);
  k.sex = (k.seq & 1) != 0 ? 1 : 2;
  k.elderly = k.birth <= births_.born_by_retirement_age();
  const bool working = !k.elderly && k.birth <= births_.born_by_working_age();
  k.rng = Rng(seed_, population_internal::kStreamPerson, i);
  const double u = k.rng.uniform();
  k.employee = (working && u < p_employee_working_) || (k.elderly && u < p_employee_elderly_);
  return k;
}

bool Population::is_employee(uint64_t i) const { return core(i).employee; }

void Population::write_psn_no(uint64_t i, const County& c, char* out) const {
  std::memcpy(out, c.admdvs.data(), 6);
  write_digits(out + 6, i, 12);
  const uint32_t check = (mod97(std::string_view(out, 18)) + static_cast<uint32_t>(seed_tag_ % 97)) % 97;
  write_digits(out + 18, check, 2);
}

void Population::write_certno(const County& c, CivilDate birth, int32_t seq, char* out) const {
  std::memcpy(out, c.admdvs.data(), 6);
  const YearMonthDay d = ymd(birth);
  write_digits(out + 6, static_cast<uint64_t>(d.year), 4);
  write_digits(out + 10, static_cast<uint64_t>(d.month), 2);
  write_digits(out + 12, static_cast<uint64_t>(d.day), 2);
  write_digits(out + 14, static_cast<uint64_t>(seq), 3);
  out[17] = certno_check_char(std::string_view(out, 17));
}

void Population::write_card_sn(uint64_t i, char* out) const {
  uint64_t x = seed_tag_ ^ (i * 0x8CB92BA72F3D8DD7ULL);
  const uint64_t h = splitmix64(x);
  out[0] = static_cast<char>('A' + h % 26);
  write_digits(out + 1, i, 12);
  out[13] = static_cast<char>('A' + (h >> 32) % 26);
}

void Population::person_into(uint64_t i, Person& out) const {
  Core k = core(i);
  const County& c = counties_[static_cast<size_t>(k.county)];
  const PeopleDef& p = def_.people;
  Rng& rng = k.rng;
  out.psn_no.resize(20);
  write_psn_no(i, c, out.psn_no.data());
  out.certno.resize(18);
  write_certno(c, k.birth, k.seq, out.certno.data());
  out.card_sn.resize(14);
  write_card_sn(i, out.card_sn.data());
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
  out.insuplc_admdvs = regions_[static_cast<size_t>(c.region)].admdvs;
  const bool lapsed = !k.employee && u_lapse < p.lapsed_share_of_residents;
  out.enrolment = lapsed ? Enrolment::kLapsed : Enrolment::kEnrolled;
  out.paid_through = make_date(lapsed ? def_.year - 1 : def_.year, 12, 31);
  out.balc = Fen(0);
  if (k.employee) {
    const BalanceDist& b = k.elderly ? p.balance_retired : p.balance_active;
    const double fen = rng.lognormal_median(static_cast<double>(b.median.v), b.sigma);
    out.balc = Fen(std::min<int64_t>(b.max.v, static_cast<int64_t>(fen + 0.5)));
  }
  if (const auto rel = mulaid_relative(i)) {
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
  const County& c = counties_[static_cast<size_t>(county_of_person(i))];
  Rng rng(seed_, population_internal::kStreamMulaid, i);
  if (!(rng.uniform() < def_.people.mutual_aid_share) || c.persons() < 2) return std::nullopt;
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

std::string Population::psn_no(uint64_t i) const {
  std::string s(20, '0');
  write_psn_no(i, counties_[static_cast<size_t>(county_of_person(i))], s.data());
  return s;
}

std::string Population::certno(uint64_t i) const {
  const Core k = core(i);
  std::string s(18, '0');
  write_certno(counties_[static_cast<size_t>(k.county)], k.birth, k.seq, s.data());
  return s;
}

std::string Population::card_sn(uint64_t i) const {
  YB_CHECK(i < def_.persons, "person index out of range");
  std::string s(14, '0');
  write_card_sn(i, s.data());
  return s;
}

std::optional<uint64_t> Population::find_psn_no(std::string_view id) const {
  if (id.size() != 20) return std::nullopt;
  const auto i = read_digits(id, 6, 12);
  if (!i || *i >= def_.persons) return std::nullopt;
  char buf[20];
  write_psn_no(*i, counties_[static_cast<size_t>(county_of_person(*i))], buf);
  if (std::memcmp(buf, id.data(), 20) != 0) return std::nullopt;
  return *i;
}

std::optional<uint64_t> Population::find_card_sn(std::string_view id) const {
  if (id.size() != 14) return std::nullopt;
  const auto i = read_digits(id, 1, 12);
  if (!i || *i >= def_.persons) return std::nullopt;
  char buf[14];
  write_card_sn(*i, buf);
  if (std::memcmp(buf, id.data(), 14) != 0) return std::nullopt;
  return *i;
}

std::optional<uint64_t> Population::find_certno(std::string_view id) const {
  if (!certno_valid(id)) return std::nullopt;
  const auto county = find_county(id.substr(0, 6));
  const auto y = read_digits(id, 6, 4);
  const auto m = read_digits(id, 10, 2);
  const auto d = read_digits(id, 12, 2);
  const auto seq = read_digits(id, 14, 3);
  if (!county || !y || !m || !d || !seq || *m < 1 || *m > 12 || *d < 1 ||
      *d > static_cast<uint64_t>(days_in_month(static_cast<int32_t>(*y), static_cast<int32_t>(*m))))
    return std::nullopt;
  const CivilDate birth = make_date(static_cast<int32_t>(*y), static_cast<int32_t>(*m), static_cast<int32_t>(*d));
  const auto slot = births_.slot_of(birth, static_cast<int32_t>(*seq));
  if (!slot) return std::nullopt;
  // Invert slot = floor(permuted · S / n): permuted = ceil(slot · n / S), if that maps back.
  const County& c = counties_[static_cast<size_t>(*county)];
  const uint64_t n = c.persons();
  const uint64_t s = births_.slots();
  const uint64_t permuted = (*slot * n + s - 1) / s;
  if (permuted >= n || permuted * s / n != *slot) return std::nullopt;
  const uint64_t k = mulmod((permuted + n - c.offset) % n, c.stride_inverse, n);
  const uint64_t i = c.person_begin + k;
  char buf[18];
  const Core core_i = core(i);
  write_certno(c, core_i.birth, core_i.seq, buf);
  if (std::memcmp(buf, id.data(), 18) != 0) return std::nullopt;
  return i;
}

}  // namespace yibao::models
