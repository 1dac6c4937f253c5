// models/workload: volumes that integrate to the preset's daily figures, day and calendar
// factors, the exact hourly NHPP (counts against the integral), determinism, visit plans and the
// §8.4 samplers. Fee plans are tested in workload_fees_test.cc.
#include "models/workload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "tests/models/population_fixture.h"

namespace yibao::models {
namespace {

using testing_population::shared;

constexpr std::array<VisitKind, kVisitKinds> kAllKinds = {VisitKind::kOutpatient, VisitKind::kChronicRefill,
                                                         VisitKind::kPharmacy, VisitKind::kInpatient};

const FeePlanner& planner() {
  static const FeePlanner* p = [] {
    Result<FeePlanner> r = FeePlanner::create(0);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return new FeePlanner(std::move(r).value());
  }();
  return *p;
}

// Σ over all facilities of the visits of kind k expected on `day`, from rate_per_s sampled once
// per hour (the rate is constant within an hour).
double day_total_from_rates(const WorkloadModel& w, VisitKind k, CivilDate day) {
  double sum = 0;
  for (uint32_t j = 0; j < w.population().facility_count(); ++j)
    for (int h = 0; h < 24; ++h) sum += w.rate_per_s(j, k, start_of(day).plus_seconds(h * 3600 + 1800)) * 3600;
  return sum;
}

TEST(Workload, ShapesAverageOneAndSeventyPercentInClinicHours) {
  const HourShape& d = default_diurnal();
  EXPECT_NEAR(std::accumulate(d.begin(), d.end(), 0.0), 24.0, 1e-12);
  const double clinic = d[8] + d[9] + d[10] + d[11] + d[14] + d[15] + d[16];
  EXPECT_NEAR(clinic / 24.0, 0.70, 0.01);
  EXPECT_EQ(hour_multiplier(8), 3.0);
  EXPECT_EQ(hour_multiplier(3), 0.1);
  EXPECT_EQ(hour_multiplier(23), 0.3);
  const HourShape& x = default_discharge_shape();
  EXPECT_NEAR(std::accumulate(x.begin(), x.end(), 0.0), 24.0, 1e-12);
  EXPECT_GT((x[9] + x[10] + x[11]) / 24.0, 0.6);  // discharges cluster at 09–12
}

TEST(Workload, DayFactors) {
  Calendar c;
  // 2024-03-04 is a Monday.
  const double expect[7] = {1.3, 1.1, 1.1, 1.1, 1.1, 0.7, 0.5};
  for (int i = 0; i < 7; ++i) EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 3, 4 + i)), expect[i]) << i;
  // National Day 2024: Tue Oct 1 is a holiday (Sunday's factor); Sat Oct 12 a make-up working day.
  c.add_holiday(make_date(2024, 10, 1));
  c.add_makeup_day(make_date(2024, 10, 12));
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 10, 1)), 0.5);
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 10, 12)), 1.1);
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 10, 13)), 0.5);  // the Sunday after stays a Sunday
  // Month end: the last 3 days ×1.1 (Fri 2024-03-29; Feb 2024 has 29 days: Tue 27 is in).
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 3, 29)), 1.1 * 1.1);
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 3, 28)), 1.1);
  EXPECT_DOUBLE_EQ(Calendar::month_factor(make_date(2024, 2, 27)), 1.1);
  EXPECT_DOUBLE_EQ(Calendar::month_factor(make_date(2024, 2, 26)), 1.0);
  // December ×1.2, its last week ×1.4 (with the month end on top).
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 12, 10)), 1.1 * 1.2);  // Tuesday
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 12, 24)), 1.1 * 1.2);  // Tuesday
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 12, 26)), 1.1 * 1.4);  // Thursday
  EXPECT_DOUBLE_EQ(c.day_factor(make_date(2024, 12, 30)), 1.3 * 1.4 * 1.1);  // Monday, month end
}

class Volumes : public ::testing::TestWithParam<const char*> {};

TEST_P(Volumes, IntegrateToThePresetsDailyFigures) {
  const Population& pop = shared(GetParam());
  const WorkloadModel w(pop);
  const VisitsPerDay& v = pop.preset().visits_per_day;
  // Exactly, on a day of factor 1.0.
  std::array<double, kVisitKinds> daily{};
  for (uint32_t j = 0; j < pop.facility_count(); ++j)
    for (VisitKind k : kAllKinds) daily[static_cast<size_t>(k)] += w.daily_volume(j, k);
  EXPECT_NEAR(daily[0] + daily[1], static_cast<double>(v.outpatient), 1e-6 * static_cast<double>(v.outpatient));
  EXPECT_NEAR(daily[2], static_cast<double>(v.pharmacy), 1e-6 * static_cast<double>(v.pharmacy));
  EXPECT_NEAR(daily[3], static_cast<double>(v.admissions), 1e-6 * static_cast<double>(v.admissions));
  EXPECT_GT(daily[1], 0.05 * daily[0]);  // chronic refills exist

  // Rates over one civil day, divided by its day factor: the same figures within 1 %.
  const CivilDate wed = make_date(2024, 3, 13);
  const double f = w.day_factor(wed);
  EXPECT_DOUBLE_EQ(f, 1.1);
  const double out = day_total_from_rates(w, VisitKind::kOutpatient, wed) +
                     day_total_from_rates(w, VisitKind::kChronicRefill, wed);
  EXPECT_NEAR(out / f, static_cast<double>(v.outpatient), 0.01 * static_cast<double>(v.outpatient));
  EXPECT_NEAR(day_total_from_rates(w, VisitKind::kPharmacy, wed) / f, static_cast<double>(v.pharmacy),
              0.01 * static_cast<double>(v.pharmacy));
  EXPECT_NEAR(day_total_from_rates(w, VisitKind::kInpatient, wed) / f, static_cast<double>(v.admissions),
              0.01 * static_cast<double>(v.admissions));
  // expected_arrivals agrees with the sampled rates.
  double integral = 0;
  const auto s0 = static_cast<double>(start_of(wed).s);
  for (uint32_t j = 0; j < pop.facility_count(); ++j)
    integral += w.expected_arrivals(j, VisitKind::kPharmacy, s0, s0 + 86400);
  EXPECT_NEAR(integral / f, static_cast<double>(v.pharmacy), 1e-6 * static_cast<double>(v.pharmacy));
}

INSTANTIATE_TEST_SUITE_P(Presets, Volumes, ::testing::Values("county", "city"));

TEST(Workload, VolumeFactorScalesEverything) {
  const Population& pop = shared("county");
  WorkloadParams p;
  p.volume_factor = 2.5;
  const WorkloadModel a(pop), b(pop, p);
  for (uint32_t j = 0; j < pop.facility_count(); j += 7)
    for (VisitKind k : kAllKinds) EXPECT_DOUBLE_EQ(b.daily_volume(j, k), 2.5 * a.daily_volume(j, k));
}

TEST(Workload, VisitKindsByFacilityKind) {
  const WorkloadModel w(shared("city"));
  auto out = [&](Level l) {
    return w.daily_volume(l, VisitKind::kOutpatient) + w.daily_volume(l, VisitKind::kChronicRefill);
  };
  EXPECT_GT(out(Level::kLevel3), 5 * out(Level::kLevel2));
  EXPECT_GT(out(Level::kLevel2), out(Level::kLevel1));
  EXPECT_GT(out(Level::kLevel1), out(Level::kPrimary));
  EXPECT_GT(out(Level::kPrimary), out(Level::kVillage));
  EXPECT_EQ(out(Level::kPharmacy), 0);
  for (Level l : kKindOrder) {
    EXPECT_EQ(w.daily_volume(l, VisitKind::kPharmacy) > 0, l == Level::kPharmacy);
    EXPECT_EQ(w.daily_volume(l, VisitKind::kInpatient) > 0, l != Level::kVillage && l != Level::kPharmacy);
    const bool refills = l == Level::kLevel1 || l == Level::kPrimary || l == Level::kVillage;
    EXPECT_EQ(w.daily_volume(l, VisitKind::kChronicRefill) > 0, refills);
  }
}

TEST(Workload, MondaySundayHolidayMakeUpDayAndDecember) {
  const Population& pop = shared("county");
  WorkloadParams p;
  p.calendar.add_holiday(make_date(2024, 10, 1));
  p.calendar.add_makeup_day(make_date(2024, 10, 12));
  const WorkloadModel w(pop, p);
  const uint32_t j = pop.counties()[0].facility_begin;  // the first level-2 hospital
  ASSERT_EQ(pop.facility_kind(j), Level::kLevel2);
  auto day = [&](CivilDate d) {
    const auto s = static_cast<double>(start_of(d).s);
    return w.expected_arrivals(j, VisitKind::kOutpatient, s, s + 86400);
  };
  const double base = w.daily_volume(j, VisitKind::kOutpatient);
  EXPECT_NEAR(day(make_date(2024, 3, 4)), 1.3 * base, 1e-9 * base);   // Monday
  EXPECT_NEAR(day(make_date(2024, 3, 10)), 0.5 * base, 1e-9 * base);  // Sunday
  EXPECT_NEAR(day(make_date(2024, 3, 4)) / day(make_date(2024, 3, 10)), 2.6, 1e-9);
  EXPECT_NEAR(day(make_date(2024, 10, 1)), 0.5 * base, 1e-9 * base);   // holiday Tuesday
  EXPECT_NEAR(day(make_date(2024, 10, 12)), 1.1 * base, 1e-9 * base);  // make-up Saturday
  EXPECT_NEAR(day(make_date(2024, 12, 26)), 1.1 * 1.4 * base, 1e-9 * base);
  // 09:30 on a Monday: the daily mean × 3.0 × 1.3.
  EXPECT_NEAR(w.rate_per_s(j, VisitKind::kOutpatient, make_time(2024, 3, 4, 9, 30)), base / 86400 * 3.0 * 1.3,
              1e-12);
}

TEST(Workload, ArrivalCountsMatchTheIntegral) {
  const Population& pop = shared("county");
  const WorkloadModel w(pop);
  const uint32_t j = pop.counties()[0].facility_begin;
  const auto start = static_cast<double>(make_time(2024, 3, 4).s);
  const double end = start + 28 * 86400.0;
  Rng rng(11, stream_id("test.arrivals"));
  std::array<int64_t, 24> by_hour{};
  int64_t n = 0;
  for (double t = w.next_arrival(j, VisitKind::kOutpatient, start, end, rng); t < end;
       t = w.next_arrival(j, VisitKind::kOutpatient, t, end, rng)) {
    ASSERT_GE(t, start);
    ++n;
    ++by_hour[static_cast<size_t>(CivilTime{static_cast<int64_t>(t)}.seconds_of_day() / 3600)];
  }
  const double expected = w.expected_arrivals(j, VisitKind::kOutpatient, start, end);
  EXPECT_GT(expected, 5000);
  EXPECT_NEAR(static_cast<double>(n), expected, 4 * std::sqrt(expected));
  // Each hour of the day in proportion to the diurnal shape (weekly factors cancel out).
  for (int h = 0; h < 24; ++h) {
    const double e = expected * default_diurnal()[static_cast<size_t>(h)] / 24.0;
    EXPECT_NEAR(static_cast<double>(by_hour[static_cast<size_t>(h)]), e, 4 * std::sqrt(e) + 1) << "hour " << h;
  }
}

TEST(Workload, ArrivalsAreDeterministicBySeedAndBounded) {
  const Population& pop = shared("county");
  const WorkloadModel w(pop);
  const uint32_t j = pop.counties()[0].facility_begin + 20;  // a village clinic or centre
  const CivilTime start = make_time(2024, 3, 4);
  auto run = [&](uint64_t seed) {
    Rng rng(seed, stream_id("arrivals"), j);
    std::vector<double> out;
    for (double t = 0; out.size() < 50;) {
      t = w.next_arrival_s(j, VisitKind::kOutpatient, start, t, 30 * 86400.0, rng);
      if (std::isinf(t)) break;
      out.push_back(t);
    }
    return out;
  };
  const std::vector<double> a = run(5), b = run(5), c = run(6);
  ASSERT_EQ(a.size(), 50u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  Rng rng(1);
  // Nothing before `until`, and no volume at all: +infinity.
  EXPECT_TRUE(std::isinf(w.next_arrival_s(j, VisitKind::kOutpatient, start, 100, 100, rng)));
  EXPECT_TRUE(std::isinf(w.next_arrival_s(j, VisitKind::kPharmacy, start, 0, 86400 * 30, rng)));
}

TEST(Workload, CounterWindows) {
  const Population& pop = shared("city");
  const WorkloadModel w(pop);
  std::array<std::pair<int32_t, int32_t>, kFacilityKinds> seen;
  seen.fill({1000, -1});
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    auto& [lo, hi] = seen[static_cast<size_t>(kind_index(pop.facility_kind(j)))];
    lo = std::min(lo, w.counter_windows(j));
    hi = std::max(hi, w.counter_windows(j));
  }
  EXPECT_EQ(seen[0], std::make_pair(30, 30));
  EXPECT_EQ(seen[1], std::make_pair(10, 10));
  EXPECT_EQ(seen[2], std::make_pair(3, 3));
  EXPECT_EQ(seen[3], std::make_pair(2, 2));
  EXPECT_EQ(seen[4], std::make_pair(1, 1));
  EXPECT_EQ(seen[5], std::make_pair(1, 2));
}

TEST(Workload, PlanVisitDrawsSettlingPersonsAndStays) {
  const Population& pop = shared("county");
  const WorkloadModel w(pop);
  const County& c = pop.counties()[0];
  const uint32_t hospital = c.facility_begin;
  const uint32_t centre = c.facility_begin + c.kind_begin[3];
  const uint32_t pharmacy = c.facility_begin + c.kind_begin[5];
  ASSERT_EQ(pop.facility_kind(centre), Level::kPrimary);
  ASSERT_EQ(pop.facility_kind(pharmacy), Level::kPharmacy);
  const CivilTime t = make_time(2024, 3, 4, 9, 15);
  int refills = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    Rng rng(3, stream_id("visit"), i);
    const VisitKind k = kAllKinds[i % kVisitKinds];
    const uint32_t j = k == VisitKind::kPharmacy ? pharmacy : k == VisitKind::kChronicRefill ? centre : hospital;
    const VisitPlan p = w.plan_visit(j, k, t, planner(), rng);
    EXPECT_EQ(p.facility, j);
    EXPECT_EQ(p.arrival, t);
    ASSERT_LT(p.person, pop.person_count());
    const Person person = pop.person(p.person);
    EXPECT_EQ(person.enrolment, Enrolment::kEnrolled);
    if (person.insutype == Insutype::kResident) {
      EXPECT_GE(person.paid_through, t.date());
    }
    ASSERT_FALSE(p.fees.empty());
    if (p.kind == VisitKind::kChronicRefill) {
      ++refills;
      EXPECT_TRUE(pop.has_chronic_filing(p.person));
    }
    if (k != VisitKind::kInpatient) {
      EXPECT_EQ(p.fees.size(), 1u);
      EXPECT_EQ(p.length_of_stay_s, 0);
      continue;
    }
    EXPECT_EQ(p.kind, VisitKind::kInpatient);
    EXPECT_GE(p.length_of_stay_s, 3600);
    EXPECT_EQ(p.discharge.s - p.arrival.s, static_cast<int64_t>(p.length_of_stay_s));
    const int64_t hour = p.discharge.seconds_of_day() / 3600;
    EXPECT_TRUE(hour >= 8 && hour < 18) << hour;
    ASSERT_EQ(p.upload_at_s.size(), p.fees.size());
    EXPECT_TRUE(std::is_sorted(p.upload_at_s.begin(), p.upload_at_s.end()));
    EXPECT_GT(p.upload_at_s.front(), 0);
    EXPECT_LT(p.upload_at_s.back(), p.length_of_stay_s);
    // Uploads 1–2 a day: about 1.5 × the days of the stay.
    EXPECT_LE(p.fees.size(), static_cast<size_t>(2 * (p.length_of_stay_s / 86400 + 2)));
    for (size_t u = 0; u + 1 < p.fees.size(); ++u)
      for (const PlannedLine& l : p.fees[u].lines) EXPECT_FALSE(l.discharge);  // only the last upload
  }
  EXPECT_GT(refills, 50);
  // The same Rng gives the same plan.
  Rng a(9), b(9);
  const VisitPlan x = w.plan_visit(hospital, VisitKind::kInpatient, t, planner(), a);
  const VisitPlan y = w.plan_visit(hospital, VisitKind::kInpatient, t, planner(), b);
  EXPECT_EQ(x.person, y.person);
  EXPECT_EQ(x.upload_at_s, y.upload_at_s);
  ASSERT_EQ(x.fees.size(), y.fees.size());
  for (size_t u = 0; u < x.fees.size(); ++u) EXPECT_EQ(x.fees[u].total, y.fees[u].total);
}

// The warm wards at a start (in_house_at): stays admitted before it and discharged after it, one
// per person, deterministic by seed, as many as Little's law says (admissions per day × mean
// length of stay) within 25 %.
TEST(Workload, InHouseAtStartFollowsLittlesLaw) {
  const Population& pop = shared("county");
  const WorkloadModel w(pop);
  const CivilTime start = make_time(2024, 3, 4, 8);
  const double history_s = (w.params().los_max_days + 1) * 86400.0;
  double admissions_per_s = 0;
  size_t stays = 0;
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    const auto s0 = static_cast<double>(start.s);
    admissions_per_s += w.expected_arrivals(j, VisitKind::kInpatient, s0 - history_s, s0) / history_s;
    const std::vector<VisitPlan> in = w.in_house_at(j, start, planner(), 7);
    if (w.daily_volume(j, VisitKind::kInpatient) <= 0) {
      EXPECT_TRUE(in.empty()) << j;
      continue;
    }
    std::set<uint64_t> persons;
    for (size_t i = 0; i < in.size(); ++i) {
      const VisitPlan& p = in[i];
      EXPECT_EQ(p.kind, VisitKind::kInpatient);
      EXPECT_EQ(p.facility, j);
      EXPECT_LT(p.arrival, start);
      EXPECT_GT(p.discharge, start);
      EXPECT_GE(p.arrival.s, start.s - static_cast<int64_t>(history_s));
      EXPECT_EQ(p.upload_at_s.size(), p.fees.size());
      if (i > 0) EXPECT_LE(in[i - 1].arrival, p.arrival);
      EXPECT_TRUE(persons.insert(p.person).second) << "person " << p.person << " twice at " << j;
    }
    stays += in.size();
  }
  Rng rng(5, stream_id("test.los"));
  double mean_los_s = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) mean_los_s += w.length_of_stay_days(rng) * 86400.0 / kN;
  const double little = admissions_per_s * mean_los_s;
  EXPECT_GT(little, 300);
  EXPECT_NEAR(static_cast<double>(stays), little, 0.25 * little);

  // Deterministic by seed; another seed, other stays.
  const uint32_t hospital = pop.counties()[0].facility_begin;
  ASSERT_GT(w.daily_volume(hospital, VisitKind::kInpatient), 0);
  const std::vector<VisitPlan> a = w.in_house_at(hospital, start, planner(), 7);
  const std::vector<VisitPlan> b = w.in_house_at(hospital, start, planner(), 7);
  const std::vector<VisitPlan> c = w.in_house_at(hospital, start, planner(), 8);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].person, b[i].person);
    EXPECT_EQ(a[i].discharge, b[i].discharge);
  }
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(c.empty());
  EXPECT_NE(a.front().arrival, c.front().arrival);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(Workload, Samplers) {
  const WorkloadModel w(shared("county"));
  Rng rng(21, stream_id("test.samplers"));
  constexpr int kN = 40000;
  std::vector<double> card, reg, refill, los;
  int failed = 0, qr = 0;
  double los_sum = 0;
  for (int i = 0; i < kN; ++i) {
    const CardRead r = w.card_read(rng);
    if (r.failed_first) {
      ++failed;
      EXPECT_EQ(r.method, CardMethod::kIdCard);
    } else if (r.method == CardMethod::kQr) {
      ++qr;
      EXPECT_EQ(r.seconds, 1.0);
    } else {
      card.push_back(r.seconds);
    }
    reg.push_back(w.registration_to_fees_s(VisitKind::kOutpatient, rng));
    refill.push_back(w.registration_to_fees_s(VisitKind::kChronicRefill, rng));
    los.push_back(w.length_of_stay_days(rng));
    los_sum += los.back();
    const int32_t u = w.uploads_per_day(rng);
    EXPECT_TRUE(u == 1 || u == 2);
  }
  EXPECT_NEAR(median(card), 2.0, 0.05);
  EXPECT_NEAR(failed / double(kN), 0.01, 0.003);
  EXPECT_NEAR(qr / double(kN), 0.2 * 0.99, 0.01);
  EXPECT_NEAR(median(reg), 900, 20);
  EXPECT_NEAR(median(refill), 120, 3);
  EXPECT_NEAR(median(los), 7.0, 0.15);
  EXPECT_NEAR(los_sum / kN, 9.0, 0.2);
  // Discharge times: inside the shape's hours, mostly 09–12.
  int morning = 0;
  for (int i = 0; i < 2000; ++i) {
    const CivilTime d = w.discharge_time_on(make_date(2024, 3, 5), rng);
    EXPECT_EQ(d.date(), make_date(2024, 3, 5));
    const int64_t h = d.seconds_of_day() / 3600;
    EXPECT_TRUE(h >= 8 && h < 18);
    morning += h >= 9 && h < 12;
  }
  EXPECT_NEAR(morning / 2000.0, 15.0 / 24.0, 0.04);
}

}  // namespace
}  // namespace yibao::models
