// models::Histogram <-> the wire message yibao.settlement.v1.Histogram (admin.proto).
//
// The wire form is the histogram's plain export (models/histogram.h): layout, non-zero bins
// ascending, under- and overflow, sum and max, all in microseconds. It carries no min, so a
// histogram read back has min() = a lower bound (see models/histogram.h).
// Pure functions; thread-safe on distinct arguments.
#pragma once

#include "models/histogram.h"
#include "models/status.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::convert {

// Writes `h` into `*out` (cleared first). Never fails; `out` is borrowed.
void to_proto(const models::Histogram& h, yibao::settlement::v1::Histogram* out);
yibao::settlement::v1::Histogram to_proto(const models::Histogram& h);

// Reads a histogram sent over the wire. Fails with INVALID_ARGUMENT / E_BAD_REQUEST and the
// offending field (`lo_us`, `bins`, `counts`, `sum_us`) on an invalid layout or counts, like
// models::Histogram::import_plain.
Result<models::Histogram> from_proto(const yibao::settlement::v1::Histogram& pb);

}  // namespace yibao::convert
