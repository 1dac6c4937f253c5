// Civil time (DESIGN.md §4, §8): China standard time (UTC+8, no daylight saving), held as
// seconds since 1970-01-01 00:00:00 *civil* time, so calendar arithmetic needs no zone.
// Printed ISO 8601 without zone ("2020-05-08T18:00:00"); the national envelope's form is
// "2020-05-08 18:00:00" and message ids use "20200508180000". Parsing accepts all three.
// Simulated time (seconds since a scenario's start) maps to civil time by adding the start.
// Pure functions; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yibao {

// A calendar date, days since 1970-01-01.
struct CivilDate {
  int32_t days = 0;
  constexpr auto operator<=>(const CivilDate&) const = default;
};

struct CivilTime {
  int64_t s = 0;  // seconds since 1970-01-01 00:00:00 civil
  constexpr auto operator<=>(const CivilTime&) const = default;
  constexpr CivilTime plus_seconds(int64_t d) const { return CivilTime{s + d}; }
  constexpr CivilDate date() const { return CivilDate{static_cast<int32_t>(s >= 0 ? s / 86400 : (s - 86399) / 86400)}; }
  constexpr int64_t seconds_of_day() const { return s - static_cast<int64_t>(date().days) * 86400; }
};

struct YearMonthDay {
  int32_t year;
  int32_t month;  // 1..12
  int32_t day;    // 1..31
};

CivilDate make_date(int32_t year, int32_t month, int32_t day);
YearMonthDay ymd(CivilDate d);
CivilTime make_time(int32_t year, int32_t month, int32_t day, int32_t hour = 0, int32_t minute = 0,
                    int32_t second = 0);
inline CivilTime start_of(CivilDate d) { return CivilTime{static_cast<int64_t>(d.days) * 86400}; }
inline int32_t year_of(CivilTime t) { return ymd(t.date()).year; }
// 0 = Monday ... 6 = Sunday.
int weekday(CivilDate d);
int days_in_month(int32_t year, int32_t month);
// Adds months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29).
CivilDate add_months(CivilDate d, int months);

// Accepts "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyyMMddHHmmss" and "yyyy-MM-dd"
// (midnight). Rejects out-of-range fields.
std::optional<CivilTime> parse_civil(std::string_view text);
std::optional<CivilDate> parse_date(std::string_view text);

std::string format_iso(CivilTime t);       // 2020-05-08T18:00:00
std::string format_envelope(CivilTime t);  // 2020-05-08 18:00:00
std::string format_compact(CivilTime t);   // 20200508180000
std::string format_date(CivilDate d);      // 2020-05-08

}  // namespace yibao
