#include "grpc/convert/histogram.h"

namespace yibao::convert {

namespace pb = yibao::settlement::v1;

void to_proto(const models::Histogram& h, pb::Histogram* out) {
  out->Clear();
  const models::HistogramExport e = h.export_plain();
  out->set_lo_us(e.lo_us);
  out->set_hi_us(e.hi_us);
  out->set_bins(e.bins);
  out->mutable_counts()->Reserve(static_cast<int>(e.counts.size()));
  for (const auto& [index, count] : e.counts) {
    pb::Histogram::Bin* bin = out->add_counts();
    bin->set_index(index);
    bin->set_count(count);
  }
  out->set_underflow(e.underflow);
  out->set_overflow(e.overflow);
  out->set_sum_us(e.sum_us);
  out->set_max_us(e.max_us);
}

pb::Histogram to_proto(const models::Histogram& h) {
  pb::Histogram out;
  to_proto(h, &out);
  return out;
}

Result<models::Histogram> from_proto(const pb::Histogram& in) {
  models::HistogramExport e;
  e.lo_us = in.lo_us();
  e.hi_us = in.hi_us();
  e.bins = in.bins();
  e.counts.reserve(static_cast<size_t>(in.counts_size()));
  for (const pb::Histogram::Bin& bin : in.counts()) e.counts.emplace_back(bin.index(), bin.count());
  e.underflow = in.underflow();
  e.overflow = in.overflow();
  e.sum_us = in.sum_us();
  e.max_us = in.max_us();
  return models::Histogram::import_plain(e);
}

}  // namespace yibao::convert
