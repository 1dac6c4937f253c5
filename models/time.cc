#include "models/time.h"

#include <algorithm>
#include <cstdio>

namespace yibao {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
constexpr int32_t days_from_civil(int32_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int32_t& out) {
  if (pos + n > s.size()) return false;
  int32_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int days_in_month(int32_t year, int32_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && leap(year)) return 29;
  return kDays[month - 1];
}

CivilDate make_date(int32_t year, int32_t month, int32_t day) {
  return CivilDate{days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))};
}

YearMonthDay ymd(CivilDate date) {
  int32_t z = date.days + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t y = static_cast<int32_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return YearMonthDay{y + (m <= 2), static_cast<int32_t>(m), static_cast<int32_t>(d)};
}

CivilTime make_time(int32_t year, int32_t month, int32_t day, int32_t hour, int32_t minute, int32_t second) {
  return CivilTime{static_cast<int64_t>(make_date(year, month, day).days) * 86400 + hour * 3600 + minute * 60 + second};
}

int weekday(CivilDate d) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const int w = static_cast<int>((static_cast<int64_t>(d.days) + 3) % 7);
  return w < 0 ? w + 7 : w;
}

CivilDate add_months(CivilDate d, int months) {
  YearMonthDay v = ymd(d);
  int32_t total = v.year * 12 + (v.month - 1) + months;
  int32_t y = total >= 0 ? total / 12 : (total - 11) / 12;
  int32_t m = total - y * 12 + 1;
  int32_t day = std::min(v.day, static_cast<int32_t>(days_in_month(y, m)));
  return make_date(y, m, day);
}

std::optional<CivilDate> parse_date(std::string_view t) {
  int32_t y, mo, d;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!digits(t, 0, 4, y) || !digits(t, 5, 2, mo) || !digits(t, 8, 2, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  return make_date(y, mo, d);
}

std::optional<CivilTime> parse_civil(std::string_view t) {
  int32_t y, mo, d, h = 0, mi = 0, s = 0;
  if (t.size() == 14) {
    if (!digits(t, 0, 4, y) || !digits(t, 4, 2, mo) || !digits(t, 6, 2, d) || !digits(t, 8, 2, h) ||
        !digits(t, 10, 2, mi) || !digits(t, 12, 2, s))
      return std::nullopt;
  } else if (t.size() == 10) {
    auto date = parse_date(t);
    if (!date) return std::nullopt;
    return start_of(*date);
  } else if (t.size() == 19) {
    if (t[4] != '-' || t[7] != '-' || (t[10] != ' ' && t[10] != 'T') || t[13] != ':' || t[16] != ':')
      return std::nullopt;
    if (!digits(t, 0, 4, y) || !digits(t, 5, 2, mo) || !digits(t, 8, 2, d) || !digits(t, 11, 2, h) ||
        !digits(t, 14, 2, mi) || !digits(t, 17, 2, s))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return make_time(y, mo, d, h, mi, s);
}

static std::string format_with(CivilTime t, const char* fmt) {
  const YearMonthDay v = ymd(t.date());
  const int64_t sod = t.seconds_of_day();
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, v.year, v.month, v.day, static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  return buf;
}

std::string format_iso(CivilTime t) { return format_with(t, "%04d-%02d-%02dT%02d:%02d:%02d"); }
std::string format_envelope(CivilTime t) { return format_with(t, "%04d-%02d-%02d %02d:%02d:%02d"); }
std::string format_compact(CivilTime t) { return format_with(t, "%04d%02d%02d%02d%02d%02d"); }
std::string format_date(CivilDate d) {
  const YearMonthDay v = ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.year, v.month, v.day);
  return buf;
}

}  // namespace yibao
