// Population: identifiers — writing psn_no, certno, card_sn (formats in
// models/population_ids.h) and finding a person or a division code from them, without tables.
#include <algorithm>
#include <cstring>

#include "models/check.h"
#include "models/population.h"
#include "models/population_internal.h"

namespace yibao::models {

using population_internal::mulmod;

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

// The 12-digit index as two independent 6-digit halves (shorter dependency chains).
void Population::write_index12(uint64_t i, char* out) const {
  write6(out, static_cast<uint32_t>(i / 1'000'000));
  write6(out + 6, static_cast<uint32_t>(i % 1'000'000));
}

void Population::write_psn_no(uint64_t i, const County& c, char* out) const {
  std::memcpy(out, c.admdvs.data(), 6);
  write_index12(i, out + 6);
  // ISO 7064-style mod 97 of the 18 digits (code · 10^12 + i < 2^64), shifted by the seed.
  const uint64_t check = ((static_cast<uint64_t>(c.code) * 1'000'000'000'000ULL + i) % 97 + seed_tag_ % 97) % 97;
  write_pair(out + 18, static_cast<uint32_t>(check));
}

void Population::write_certno(const County& c, CivilDate birth, int32_t seq, char* out) const {
  static constexpr char kCheck[12] = "10X98765432";
  std::memcpy(out, c.admdvs.data(), 6);
  const YearMonthDay d = ymd(birth);
  write_pair(out + 6, static_cast<uint32_t>(d.year / 100));
  write_pair(out + 8, static_cast<uint32_t>(d.year % 100));
  write_pair(out + 10, static_cast<uint32_t>(d.month));
  write_pair(out + 12, static_cast<uint32_t>(d.day));
  out[14] = static_cast<char>('0' + seq / 100);
  write_pair(out + 15, static_cast<uint32_t>(seq % 100));
  // GB 11643 weights 7 9 10 5 8 4 | 2 1 6 3 7 9 10 5 | 8 4 2 (positions 0-5 precomputed).
  static constexpr int32_t kWeights[11] = {2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int32_t sum = county_cert_weight_[static_cast<size_t>(&c - counties_.data())];
  for (size_t k = 0; k < 11; ++k) sum += (out[6 + k] - '0') * kWeights[k];
  out[17] = kCheck[sum % 11];
}

void Population::write_card_sn(uint64_t i, char* out) const {
  uint64_t x = seed_tag_ ^ (i * 0x8CB92BA72F3D8DD7ULL);
  const uint64_t h = splitmix64(x);
  out[0] = static_cast<char>('A' + h % 26);
  write_index12(i, out + 1);
  out[13] = static_cast<char>('A' + (h >> 32) % 26);
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
  // Invert slot = (permuted · scale) >> 32: permuted = ceil(slot · 2^32 / scale), if that maps back.
  const County& c = counties_[static_cast<size_t>(*county)];
  const uint64_t n = c.persons();
  const uint64_t permuted = ((*slot << 32) + c.slot_scale - 1) / c.slot_scale;
  if (permuted >= n || static_cast<uint64_t>((static_cast<UInt128>(permuted) * c.slot_scale) >> 32) != *slot)
    return std::nullopt;
  const uint64_t k = mulmod((permuted + n - c.offset) % n, c.stride_inverse, n);
  const uint64_t i = c.person_begin + k;
  char buf[18];
  const Core core_i = core(i);
  write_certno(c, core_i.birth, core_i.seq, buf);
  if (std::memcmp(buf, id.data(), 18) != 0) return std::nullopt;
  return i;
}

}  // namespace yibao::models
