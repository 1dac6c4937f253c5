// Tests of grpc/convert/histogram.h: models::Histogram <-> the wire message, both ways, and the
// refusal of a malformed message.
#include "grpc/convert/histogram.h"

#include <gtest/gtest.h>

#include "models/rng.h"

namespace yibao::convert {
namespace {

namespace pb = yibao::settlement::v1;

models::Histogram sample_histogram() {
  models::Rng rng(7, models::stream_id("convert_histogram_test"));
  models::Histogram h;
  for (int i = 0; i < 5'000; ++i) h.add(rng.lognormal_median(2'000.0, 0.9));
  h.add(0.1);   // underflow
  h.add(3e8);   // overflow
  return h;
}

TEST(HistogramProto, FieldsMirrorThePlainExport) {
  const models::Histogram h = sample_histogram();
  const pb::Histogram p = to_proto(h);
  const models::HistogramExport e = h.export_plain();
  EXPECT_EQ(p.lo_us(), 1.0);
  EXPECT_EQ(p.hi_us(), 1e8);
  EXPECT_EQ(p.bins(), 930u);
  ASSERT_EQ(p.counts_size(), static_cast<int>(e.counts.size()));
  uint64_t total = 0;
  for (int i = 0; i < p.counts_size(); ++i) {
    EXPECT_EQ(p.counts(i).index(), e.counts[static_cast<size_t>(i)].first);
    EXPECT_EQ(p.counts(i).count(), e.counts[static_cast<size_t>(i)].second);
    EXPECT_GT(p.counts(i).count(), 0u);
    total += p.counts(i).count();
  }
  EXPECT_EQ(p.underflow(), 1u);
  EXPECT_EQ(p.overflow(), 1u);
  EXPECT_EQ(total + p.underflow() + p.overflow(), h.count());
  EXPECT_EQ(p.sum_us(), h.sum());
  EXPECT_EQ(p.max_us(), 3e8);
}

TEST(HistogramProto, RoundTripThroughBytes) {
  const models::Histogram h = sample_histogram();
  std::string bytes;
  ASSERT_TRUE(to_proto(h).SerializeToString(&bytes));
  pb::Histogram parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  Result<models::Histogram> back = from_proto(parsed);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->export_plain(), h.export_plain());
  EXPECT_EQ(back->count(), h.count());
  for (double q : {0.5, 0.95, 0.99}) EXPECT_EQ(back->quantile(q), h.quantile(q)) << q;
}

TEST(HistogramProto, EmptyRoundTrips) {
  const models::Histogram h;
  Result<models::Histogram> back = from_proto(to_proto(h));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(back->layout(), models::kLatencyLayout);
}

TEST(HistogramProto, ToProtoClearsTheTarget) {
  pb::Histogram p;
  p.add_counts()->set_index(3);
  p.set_underflow(9);
  to_proto(models::Histogram(), &p);
  EXPECT_EQ(p.counts_size(), 0);
  EXPECT_EQ(p.underflow(), 0u);
}

TEST(HistogramProto, MalformedMessageIsRefused) {
  pb::Histogram p = to_proto(sample_histogram());
  p.mutable_counts(0)->set_index(930);  // beyond the last bin
  Result<models::Histogram> r = from_proto(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().reason(), reason::kBadRequest);
  EXPECT_EQ(r.status().field(), "counts");

  pb::Histogram unset;  // a default message has no layout
  unset.set_underflow(1);
  EXPECT_FALSE(from_proto(unset).ok());
}

}  // namespace
}  // namespace yibao::convert
