#include "sim/time_text.h"

#include <chrono>

namespace yibao::sim {
namespace {

char* put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// Writes the fields with `date_sep` between date parts, `mid` between date and time and
// `time_sep` between time parts (0 = none).
std::string text(CivilTime t, char date_sep, char mid, char time_sep) {
  const YearMonthDay v = ymd(t.date());
  if (v.year < 0 || v.year > 9999) return date_sep ? format_envelope(t) : format_compact(t);
  const int64_t sod = t.seconds_of_day();
  char buf[24];
  char* p = buf;
  p = put2(p, v.year / 100);
  p = put2(p, v.year % 100);
  if (date_sep) *p++ = date_sep;
  p = put2(p, v.month);
  if (date_sep) *p++ = date_sep;
  p = put2(p, v.day);
  if (mid) *p++ = mid;
  p = put2(p, static_cast<int>(sod / 3600));
  if (time_sep) *p++ = time_sep;
  p = put2(p, static_cast<int>(sod / 60 % 60));
  if (time_sep) *p++ = time_sep;
  p = put2(p, static_cast<int>(sod % 60));
  return std::string(buf, p);
}

}  // namespace

std::string envelope_text(CivilTime t) { return text(t, '-', ' ', ':'); }
std::string compact_text(CivilTime t) { return text(t, 0, 0, 0); }

CivilTime china_civil_now() {
  using namespace std::chrono;
  return CivilTime{duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600};
}

}  // namespace yibao::sim
