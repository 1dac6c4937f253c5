// Identifier formats of the generated population and their building blocks (DOMAIN.md §1):
//   psn_no          county admdvs(6) + person index(12) + check(2)            20 digits
//                   (check = (the 18 digits mod 97 + a seed tag) mod 97: any one changed digit fails)
//   certno          county admdvs(6) + birth yyyymmdd(8) + sequence(3) + GB 11643 check digit
//   card_sn         letter + person index(12) + letter (both letters from a seeded hash)   14 characters
//   fixmedins_code  'H' (medical) / 'P' (pharmacy) + county admdvs(6) + number in county(4) + check(1)
//                   (check = Luhn over the 10 digits, shifted by a seed tag)
//   filing id       'M' + person index(12) + filing number(2)                  15 characters
// Every id encodes its record's index, so lookups need no table; a lookup then regenerates the
// id of that index and compares, so a tampered or foreign id is not found.
//
// The certno's birth date and sequence come from a slot table (BirthTable): the age
// distribution, scaled so the busiest birth day has 999 sequence numbers. Slot s of a county is
// one (birth date, sequence) pair; a county maps its persons one to one onto a spread-out subset
// of the slots, so the birth dates follow the age distribution exactly and sex is the parity of
// the sequence (odd = male, as on a real ID card).
// Pure functions and immutable tables; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "models/population_preset.h"
#include "models/rng.h"
#include "models/time.h"

namespace yibao::models {

// The GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits: '0'-'9' or 'X'.
// Precondition: first17 has 17 digits.
char certno_check_char(std::string_view first17);
// True if `certno` is 17 digits followed by its correct check character.
bool certno_valid(std::string_view certno);

namespace detail {
inline constexpr auto kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int k = 0; k < 100; ++k) {
    t[static_cast<size_t>(2 * k)] = static_cast<char>('0' + k / 10);
    t[static_cast<size_t>(2 * k + 1)] = static_cast<char>('0' + k % 10);
  }
  return t;
}();
}  // namespace detail

// Writes `v` as exactly `width` decimal digits (most significant first) at out[0..width),
// two digits a step.
inline void write_digits(char* out, uint64_t v, int width) {
  int k = width;
  while (k >= 2) {
    const uint64_t r = v % 100;
    v /= 100;
    k -= 2;
    out[k] = detail::kDigitPairs[2 * r];
    out[k + 1] = detail::kDigitPairs[2 * r + 1];
  }
  if (k == 1) out[0] = static_cast<char>('0' + v % 10);
}
// Two digits of v < 100.
inline void write_pair(char* out, uint32_t v) {
  out[0] = detail::kDigitPairs[2 * v];
  out[1] = detail::kDigitPairs[2 * v + 1];
}
// Six digits of v < 1,000,000 in 32-bit arithmetic (the hot path of person ids).
inline void write6(char* out, uint32_t v) {
  const uint32_t hi = v / 10000, lo = v % 10000;
  write_pair(out, hi);
  write_pair(out + 2, lo / 100);
  write_pair(out + 4, lo % 100);
}
// Parses exactly `width` decimal digits; nullopt if any is not a digit.
inline std::optional<uint64_t> read_digits(std::string_view s, size_t pos, int width) {
  if (pos + static_cast<size_t>(width) > s.size()) return std::nullopt;
  uint64_t v = 0;
  for (int k = 0; k < width; ++k) {
    const char c = s[pos + static_cast<size_t>(k)];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// One stretch of birth dates with the same number of certno sequence numbers per day.
struct BirthBand {
  int32_t day_begin = 0;   // CivilDate days, inclusive
  int32_t day_end = 0;     // exclusive
  int32_t per_day = 0;     // sequence numbers per day, 1..999
  uint64_t slot_begin = 0; // first slot of the band
  uint64_t per_day_magic = 0;  // UINT64_MAX / per_day + 1 (division by multiplication)
};

class BirthTable {
 public:
  BirthTable() = default;
  // Requires a valid age distribution (contiguous bands from 0, positive total share).
  BirthTable(const PeopleDef& people, int32_t year);

  uint64_t slots() const { return slots_; }
  // Slot -> (birth date, sequence 1..999). Precondition: s < slots().
  void birth_of(uint64_t s, CivilDate& birth, int32_t& seq) const {
    const BirthBand* b = &bands_.front();
    for (const BirthBand& band : bands_) {
      if (band.slot_begin > s) break;
      b = &band;
    }
    // off / per_day by Lemire's multiply-shift, exact for 32-bit operands (off < 2^26).
    const uint64_t off = s - b->slot_begin;
    const auto day = static_cast<uint64_t>((static_cast<UInt128>(b->per_day_magic) * off) >> 64);
    birth = CivilDate{b->day_begin + static_cast<int32_t>(day)};
    seq = static_cast<int32_t>(off - day * static_cast<uint64_t>(b->per_day)) + 1;
  }
  // (birth date, sequence) -> slot; nullopt if the pair is no slot.
  std::optional<uint64_t> slot_of(CivilDate birth, int32_t seq) const;

  // Persons born on or before these dates are at least that old on Jan 1 of the year.
  CivilDate born_by_working_age() const { return born_by_working_; }
  CivilDate born_by_retirement_age() const { return born_by_retired_; }
  // Shares of slots (persons) of working age [working, retirement) and of retirement age.
  double working_share() const { return working_share_; }
  double elderly_share() const { return elderly_share_; }
  const std::vector<BirthBand>& bands() const { return bands_; }

 private:
  std::vector<BirthBand> bands_;  // ordered by date (oldest first); bands with no share dropped
  uint64_t slots_ = 0;
  CivilDate born_by_working_;
  CivilDate born_by_retired_;
  double working_share_ = 0;
  double elderly_share_ = 0;
};

}  // namespace yibao::models
