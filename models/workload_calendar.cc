// Calendar, day factors and the hourly shapes of models/workload.h (DOMAIN.md §8.2).
#include <algorithm>

#include "models/check.h"
#include "models/workload.h"

namespace yibao::models {
namespace {

HourShape make_shape(std::initializer_list<std::pair<int, double>> from_hour) {
  // Each (hour, value) holds from that hour until the next entry's hour.
  HourShape s{};
  auto it = from_hour.begin();
  for (; it != from_hour.end(); ++it) {
    const auto next = std::next(it);
    const int end = next == from_hour.end() ? 24 : next->first;
    for (int h = it->first; h < end; ++h) s[static_cast<size_t>(h)] = it->second;
  }
  return s;
}

void insert_sorted(std::vector<int32_t>& v, int32_t x) {
  const auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

}  // namespace

std::string_view visit_kind_name(VisitKind k) {
  switch (k) {
    case VisitKind::kOutpatient: return "outpatient";
    case VisitKind::kChronicRefill: return "chronic_refill";
    case VisitKind::kPharmacy: return "pharmacy";
    case VisitKind::kInpatient: return "inpatient";
  }
  return "outpatient";
}

const HourShape& default_diurnal() {
  static const HourShape s =
      make_shape({{0, 0.1}, {7, 1.0}, {8, 3.0}, {10, 2.6}, {12, 0.9}, {14, 1.9}, {17, 0.8}, {20, 0.3}});
  return s;
}

const HourShape& default_discharge_shape() {
  static const HourShape s = make_shape({{0, 0.0}, {8, 1.0}, {9, 5.0}, {12, 1.5}, {17, 0.5}, {18, 0.0}});
  return s;
}

double hour_multiplier(int hour) {
  YB_CHECK(hour >= 0 && hour < 24, "hour out of range");
  return default_diurnal()[static_cast<size_t>(hour)];
}

void Calendar::add_holiday(CivilDate d) { insert_sorted(holidays_, d.days); }
void Calendar::add_makeup_day(CivilDate d) { insert_sorted(makeup_, d.days); }
bool Calendar::is_holiday(CivilDate d) const { return std::binary_search(holidays_.begin(), holidays_.end(), d.days); }
bool Calendar::is_makeup_day(CivilDate d) const { return std::binary_search(makeup_.begin(), makeup_.end(), d.days); }

double Calendar::weekday_factor(CivilDate d) const {
  if (is_holiday(d)) return 0.5;
  if (is_makeup_day(d)) return 1.1;
  switch (weekday(d)) {
    case 0: return 1.3;
    case 5: return 0.7;
    case 6: return 0.5;
    default: return 1.1;
  }
}

double Calendar::month_factor(CivilDate d) {
  const YearMonthDay x = ymd(d);
  double f = 1.0;
  if (x.day > days_in_month(x.year, x.month) - 3) f *= 1.1;
  if (x.month == 12) f *= x.day >= 25 ? 1.4 : 1.2;
  return f;
}

}  // namespace yibao::models
