// models/time.h: civil dates and times, parsing and printing the three wire forms.
#include "models/time.h"

#include <gtest/gtest.h>

namespace yibao {
namespace {

TEST(Time, DatesRoundTrip) {
  EXPECT_EQ(make_date(1970, 1, 1).days, 0);
  EXPECT_EQ(make_date(1969, 12, 31).days, -1);
  for (int32_t days = -800000; days < 800000; days += 997) {
    const YearMonthDay v = ymd(CivilDate{days});
    EXPECT_EQ(make_date(v.year, v.month, v.day).days, days);
  }
  const YearMonthDay v = ymd(make_date(2020, 2, 29));
  EXPECT_EQ(v.year, 2020);
  EXPECT_EQ(v.month, 2);
  EXPECT_EQ(v.day, 29);
}

TEST(Time, CalendarFacts) {
  EXPECT_EQ(weekday(make_date(2020, 5, 8)), 4);   // a Friday
  EXPECT_EQ(weekday(make_date(2020, 4, 26)), 6);  // the make-up Sunday
  EXPECT_EQ(weekday(make_date(1969, 12, 29)), 0);
  EXPECT_EQ(days_in_month(2020, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(add_months(make_date(2020, 1, 31), 1), make_date(2020, 2, 29));
  EXPECT_EQ(add_months(make_date(2021, 1, 31), 1), make_date(2021, 2, 28));
  EXPECT_EQ(add_months(make_date(2020, 11, 15), 3), make_date(2021, 2, 15));
  EXPECT_EQ(add_months(make_date(2020, 2, 15), -3), make_date(2019, 11, 15));
}

TEST(Time, CivilTimeParts) {
  const CivilTime t = make_time(2020, 5, 8, 18, 30, 15);
  EXPECT_EQ(t.date(), make_date(2020, 5, 8));
  EXPECT_EQ(t.seconds_of_day(), 18 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(year_of(t), 2020);
  EXPECT_EQ(t.plus_seconds(6 * 3600).date(), make_date(2020, 5, 9));
  const CivilTime before_epoch = make_time(1969, 12, 31, 23, 0, 0);
  EXPECT_EQ(before_epoch.date(), make_date(1969, 12, 31));
  EXPECT_EQ(before_epoch.seconds_of_day(), 23 * 3600);
  EXPECT_EQ(start_of(make_date(2020, 5, 8)), make_time(2020, 5, 8));
}

TEST(Time, ParsesTheThreeFormsAndADate) {
  const CivilTime want = make_time(2020, 5, 8, 18, 0, 0);
  EXPECT_EQ(parse_civil("2020-05-08 18:00:00"), want);
  EXPECT_EQ(parse_civil("2020-05-08T18:00:00"), want);
  EXPECT_EQ(parse_civil("20200508180000"), want);
  EXPECT_EQ(parse_civil("2020-05-08"), make_time(2020, 5, 8));
  EXPECT_EQ(parse_date("2019-01-01"), make_date(2019, 1, 1));
  for (const char* bad : {"", "2020-05-08 24:00:00", "2020-02-30", "2021-02-29", "2020-13-01", "2020/05/08",
                          "2020-05-08 18:00", "20200508186000", "2020-05-0a", "2020-05-08X18:00:00"})
    EXPECT_FALSE(parse_civil(bad).has_value()) << bad;
  EXPECT_FALSE(parse_date("2020-5-8").has_value());
  EXPECT_FALSE(parse_date("2020-05-08 00:00:00").has_value());
}

TEST(Time, Prints) {
  const CivilTime t = make_time(2020, 5, 8, 7, 5, 3);
  EXPECT_EQ(format_iso(t), "2020-05-08T07:05:03");
  EXPECT_EQ(format_envelope(t), "2020-05-08 07:05:03");
  EXPECT_EQ(format_compact(t), "20200508070503");
  EXPECT_EQ(format_date(t.date()), "2020-05-08");
  EXPECT_EQ(parse_civil(format_envelope(t)), t);
}

}  // namespace
}  // namespace yibao
