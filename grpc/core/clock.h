// The core's one clock (DESIGN.md §4 "Clock", "Civil time"): every check that needs the time —
// sign-in expiry at the end of the civil day, the business day of reconciliation, switchover
// windows, premium deadlines, and (next) suspensions — reads it here, never the envelope's
// inf_time.
//
// Two modes (`--clock wall|admin`):
//   - kWall reads the system clock as China standard time (UTC+8);
//   - kAdmin holds the time Admin.SetClock last gave it and STANDS STILL between SetClock calls
//     (DESIGN.md §4: a drill replays 2020 and skips idle hours; the simulator's bridge advances
//     it with the simulation). It never goes backwards (set() refuses), across restarts too: the
//     core starts it at the last time the ledger saw (meta "clock_last", written on every
//     SetClock and on every commit batch whose clock time moved, server.cc). On a new ledger it
//     is unset, and every call that needs the time gets UNAVAILABLE / E_CLOCK_UNSET until the
//     first SetClock, which may set any time.
// Thread-safe: now() and set() may race; the admin time is one atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "models/status.h"
#include "models/time.h"

namespace yibao::core {

class Clock {
 public:
  enum class Mode { kWall, kAdmin };
  explicit Clock(Mode mode = Mode::kWall, std::optional<CivilTime> admin_start = std::nullopt)
      : mode_(mode), admin_s_(admin_start ? admin_start->s : kUnset) {}
  Clock(const Clock& o) : mode_(o.mode_), admin_s_(o.admin_s_.load()) {}
  Clock& operator=(const Clock& o) {
    mode_ = o.mode_;
    admin_s_.store(o.admin_s_.load());
    return *this;
  }

  // The current civil time. Always OK for the wall clock; an admin clock that was never set
  // answers UNAVAILABLE / E_CLOCK_UNSET.
  Result<CivilTime> now() const;
  Mode mode() const { return mode_; }
  // Whether now() would answer (the wall clock always is).
  bool is_set() const { return mode_ == Mode::kWall || admin_s_.load() != kUnset; }

  // Admin clock only: checks that `t` may be set (mode admin, not before the current time:
  // FAILED_PRECONDITION / E_STATE otherwise). Setting the same time again is allowed (a retry).
  Status check_set(CivilTime t) const;
  // Admin clock only: sets it (after check_set and the durable write of meta "clock_last").
  // Never moves it back: a time before the current one is ignored.
  void set(CivilTime t);

 private:
  static constexpr int64_t kUnset = std::numeric_limits<int64_t>::min();
  Mode mode_;
  std::atomic<int64_t> admin_s_;
};

// "wall" / "admin".
std::string_view clock_mode_name(Clock::Mode m);

// The wall clock as civil time (UTC+8), with millisecond precision for reply headers.
CivilTime wall_civil_now();
int64_t wall_millis_now();  // ms since 1970-01-01 civil (UTC+8)

// Meta key of the last civil time the ledger saw (seconds, decimal).
inline constexpr std::string_view kClockLastKey = "clock_last";

}  // namespace yibao::core
