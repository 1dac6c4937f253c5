#include "bench/load/msgid.h"

#include <chrono>
#include <cstdio>

namespace yibao::load {

CivilTime china_now() {
  using namespace std::chrono;
  return CivilTime{duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600};
}

MsgidSource::MsgidSource(std::string fixmedins_code)
    : code_(std::move(fixmedins_code)), last_(static_cast<uint64_t>(china_now().s) * kPerSecond + (kPerSecond - 1)) {}

std::string MsgidSource::next(CivilTime* stamp) {
  const uint64_t floor = static_cast<uint64_t>(china_now().s) * kPerSecond;
  uint64_t prev = last_.load(std::memory_order_relaxed);
  uint64_t mine = 0;
  do {
    // The next unused (second, sequence): this second's first if the clock moved on, else the
    // successor (which rolls into the following second after sequence 9999).
    mine = prev + 1 > floor ? prev + 1 : floor;
  } while (!last_.compare_exchange_weak(prev, mine, std::memory_order_relaxed));
  const CivilTime t{static_cast<int64_t>(mine / kPerSecond)};
  if (stamp != nullptr) *stamp = t;
  char seq[8];
  std::snprintf(seq, sizeof seq, "%04u", static_cast<unsigned>(mine % kPerSecond));
  std::string id;
  id.reserve(30);
  id += code_;
  id += format_compact(t);
  id += seq;
  return id;
}

}  // namespace yibao::load
