// The core's one clock (DESIGN.md §4 "Clock"): every check that needs the time — sign-in
// expiry, the business day of reconciliation, and (next) suspensions and switchover windows —
// reads it here, never the envelope's inf_time.
//
// Mode kWall reads the system clock as China standard time (UTC+8). The admin-set clock
// (`--clock admin`, Admin.SetClock) belongs to the core-operations work and is not built yet
// (yibao-core has no --clock flag): it slots in here as a second mode.
// Thread-safe.
#pragma once

#include <atomic>

#include "models/status.h"
#include "models/time.h"

namespace yibao::core {

class Clock {
 public:
  enum class Mode { kWall };
  explicit Clock(Mode mode = Mode::kWall) : mode_(mode) {}

  // The current civil time. Always OK for the wall clock; an admin clock that was never set
  // will answer UNAVAILABLE / E_CLOCK_UNSET.
  Result<CivilTime> now() const;
  Mode mode() const { return mode_; }

 private:
  Mode mode_;
};

// The wall clock as civil time (UTC+8), with millisecond precision for reply headers.
CivilTime wall_civil_now();
int64_t wall_millis_now();  // ms since 1970-01-01 civil (UTC+8)

}  // namespace yibao::core
