#include "models/population_ids.h"

#include <algorithm>
#include <cmath>

#include "models/check.h"

namespace yibao::models {

char certno_check_char(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kChars[12] = "10X98765432";
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (first17[static_cast<size_t>(k)] - '0') * kWeights[k];
  return kChars[sum % 11];
}

bool certno_valid(std::string_view certno) {
  if (certno.size() != 18) return false;
  for (size_t k = 0; k < 17; ++k)
    if (certno[k] < '0' || certno[k] > '9') return false;
  return certno_check_char(certno.substr(0, 17)) == certno[17];
}

BirthTable::BirthTable(const PeopleDef& people, int32_t year) {
  YB_CHECK(!people.ages.empty(), "BirthTable needs an age distribution");
  // Oldest band first, so slots (and birth dates) ascend together.
  struct Raw {
    int32_t day_begin, day_end;
    double density;
  };
  std::vector<Raw> raw;
  double max_density = 0;
  for (auto it = people.ages.rbegin(); it != people.ages.rend(); ++it) {
    if (it->share <= 0 || it->to <= it->from) continue;
    // Aged [from, to) on Jan 1 of `year` <=> born in [Jan 1 (year - to) + 1, Jan 1 (year - from) + 1).
    const int32_t begin = make_date(year - it->to, 1, 1).days + 1;
    const int32_t end = make_date(year - it->from, 1, 1).days + 1;
    const double density = it->share / (end - begin);
    raw.push_back({begin, end, density});
    max_density = std::max(max_density, density);
  }
  YB_CHECK(!raw.empty() && max_density > 0, "BirthTable needs a positive age share");
  uint64_t slot = 0;
  for (const Raw& r : raw) {
    const auto per_day = static_cast<int32_t>(std::max(1.0, std::floor(999.0 * r.density / max_density + 0.5)));
    bands_.push_back({r.day_begin, r.day_end, per_day, slot, UINT64_MAX / static_cast<uint64_t>(per_day) + 1});
    slot += static_cast<uint64_t>(r.day_end - r.day_begin) * static_cast<uint64_t>(per_day);
  }
  slots_ = slot;
  // At most 120 years × 366 days × 999 < 2^26 slots: the generator's fast arithmetic relies on it.
  YB_CHECK(slots_ < (uint64_t{1} << 26), "birth slot table too large");
  born_by_working_ = make_date(year - people.working_age, 1, 1);
  born_by_retired_ = make_date(year - people.retirement_age, 1, 1);
  // Slots whose birth day falls in [lo, hi).
  auto slots_between = [&](int32_t lo, int32_t hi) {
    uint64_t n = 0;
    for (const BirthBand& b : bands_) {
      const int32_t a = std::max(lo, b.day_begin);
      const int32_t z = std::min(hi, b.day_end);
      if (z > a) n += static_cast<uint64_t>(z - a) * static_cast<uint64_t>(b.per_day);
    }
    return n;
  };
  const int32_t first = bands_.front().day_begin;
  const int32_t last = bands_.back().day_end;
  elderly_share_ = static_cast<double>(slots_between(first, born_by_retired_.days + 1)) / static_cast<double>(slots_);
  working_share_ = static_cast<double>(slots_between(born_by_retired_.days + 1, std::min(last, born_by_working_.days + 1))) /
                   static_cast<double>(slots_);
}

std::optional<uint64_t> BirthTable::slot_of(CivilDate birth, int32_t seq) const {
  for (const BirthBand& b : bands_) {
    if (birth.days < b.day_begin || birth.days >= b.day_end) continue;
    if (seq < 1 || seq > b.per_day) return std::nullopt;
    return b.slot_begin + static_cast<uint64_t>(birth.days - b.day_begin) * static_cast<uint64_t>(b.per_day) +
           static_cast<uint64_t>(seq - 1);
  }
  return std::nullopt;
}

}  // namespace yibao::models
