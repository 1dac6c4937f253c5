#include "grpc/core/clock.h"

#include <chrono>

namespace yibao::core {

namespace {
constexpr int64_t kChinaOffsetMs = 8LL * 3600 * 1000;
}

int64_t wall_millis_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + kChinaOffsetMs;
}

CivilTime wall_civil_now() { return CivilTime{wall_millis_now() / 1000}; }

std::string_view clock_mode_name(Clock::Mode m) { return m == Clock::Mode::kAdmin ? "admin" : "wall"; }

Result<CivilTime> Clock::now() const {
  if (mode_ == Mode::kWall) return wall_civil_now();
  const int64_t s = admin_s_.load(std::memory_order_acquire);
  if (s == kUnset)
    return Status::Refuse(reason::kClockUnset,
                          "the core runs on the admin clock and has not been given the time yet (Admin.SetClock)");
  return CivilTime{s};
}

Status Clock::check_set(CivilTime t) const {
  if (mode_ != Mode::kAdmin)
    return Status(Code::kFailedPrecondition, reason::kState,
                  "SetClock needs a core started with --clock admin (this one reads the wall clock)");
  const int64_t s = admin_s_.load(std::memory_order_acquire);
  if (s != kUnset && t.s < s)
    return Status(Code::kFailedPrecondition, reason::kState,
                  "the admin clock never goes backwards: it is at " + format_iso(CivilTime{s}) + ", asked for " +
                      format_iso(t),
                  "time");
  return Status::Ok();
}

void Clock::set(CivilTime t) {
  int64_t cur = admin_s_.load(std::memory_order_acquire);
  while ((cur == kUnset || cur < t.s) && !admin_s_.compare_exchange_weak(cur, t.s, std::memory_order_acq_rel)) {
  }
}

}  // namespace yibao::core
