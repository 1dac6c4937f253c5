// Identifier formats of the generated population and their building blocks (DOMAIN.md §1):
//   psn_no          county admdvs(6) + person index(12) + check(2)            20 digits
//   certno          county admdvs(6) + birth yyyymmdd(8) + sequence(3) + GB 11643 check digit
//   card_sn         letter + person index(10) + letter                          12 characters
//   fixmedins_code  'H' (medical) / 'P' (pharmacy) + county admdvs(6) + number in county(4) + check(1)
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

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "models/population_preset.h"
#include "models/time.h"

namespace yibao::models {

// The GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits: '0'-'9' or 'X'.
// Precondition: first17 has 17 digits.
char certno_check_char(std::string_view first17);
// True if `certno` is 17 digits followed by its correct check character.
bool certno_valid(std::string_view certno);

// Writes `v` as exactly `width` decimal digits (most significant first) at out[0..width).
inline void write_digits(char* out, uint64_t v, int width) {
  for (int k = width - 1; k >= 0; --k) {
    out[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
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
    const uint64_t off = s - b->slot_begin;
    birth = CivilDate{b->day_begin + static_cast<int32_t>(off / static_cast<uint64_t>(b->per_day))};
    seq = static_cast<int32_t>(off % static_cast<uint64_t>(b->per_day)) + 1;
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

// ISO 7064 MOD 97-10 style remainder of a decimal string (digits only), 0..96.
uint32_t mod97(std::string_view digits);

}  // namespace yibao::models
