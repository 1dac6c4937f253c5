// What a site actor keeps per facility it serves (sim/actors/site.cc): the caller's envelope
// fields, the counter windows, the sign-in state, the arrival streams, the msgid sequence and the
// back-fill slots. Plain data; engine thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "models/population.h"
#include "models/rng.h"
#include "sim/actors/requests.h"
#include "sim/actors/station.h"

namespace yibao::sim {

struct Facility {
  uint32_t index = 0;        // population index
  models::Level level = models::Level::kLevel2;
  Caller caller;
  Station<uint64_t> windows; // visit ids
  int32_t sign_day = -1;     // civil day of the sign-in
  bool signing = false;       // a sign-in awaits its answer (Site::set_in_flight)
  uint16_t sign_seq = 0;
  std::vector<uint64_t> waiting;  // visits whose next call waits for the sign-in
  std::vector<models::Rng> arrivals;  // per visit kind
  uint64_t visits = 0;
  int64_t msgid_second = -1;  // msgid sequence within its second
  int msgid_seq = 0;
  // Back-fill: the next free slot (simulated s) and the number of visits gone offline.
  double backfill_next = 0;
  uint64_t offline = 0;
};

}  // namespace yibao::sim
