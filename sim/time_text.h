// The simulator's hot-path text forms of a civil time: the same characters as
// format_envelope() and format_compact() of models/time.h, written digit by digit (those go
// through snprintf, which a province run called millions of times: a message id, a header time
// and a reference id per call, a time per fee line). Years outside 0..9999 fall back to models.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "models/time.h"

namespace yibao::sim {

std::string envelope_text(CivilTime t);  // 2020-05-08 18:00:00, as format_envelope
std::string compact_text(CivilTime t);   // 20200508180000, as format_compact
// The wall clock now as China's civil time (UTC+8): the time field of a live run's msgids.
CivilTime china_civil_now();

}  // namespace yibao::sim
