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

Result<CivilTime> Clock::now() const {
  switch (mode_) {
    case Mode::kWall: return wall_civil_now();
  }
  return Status::Refuse(reason::kClockUnset, "the core's clock is not set");
}

}  // namespace yibao::core
