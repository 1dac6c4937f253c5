// Histogram: the one mergeable latency histogram (DESIGN.md §5 "Determinism"), used alike by
// yibao-load, the core's Admin stats, the simulator and the benchmarks.
//
// Values are microseconds (double). Bins are equal in log space over [lo, hi): with the default
// layout (930 bins over 1 µs .. 100 s) one bin spans a factor r = 1e8^(1/930) ≈ 1.0200, and a
// value reported for a bin is its geometric centre, within sqrt(r) - 1 ≈ 0.995 % of every value
// the bin holds. Hence quantile(q) lies within 1 % of the exact sample quantile (nearest rank)
// whenever that sample lies in [lo, hi). Negative values are recorded as 0. Values below lo count
// in the underflow, values at or above hi in the overflow; both stay in count, sum, min and max.
// Built on Boost.Histogram (header-only); this is the only file that includes it (tests/arch).
//
// Invariants: count() = underflow + Σ bins + overflow; min() ≤ every sample ≤ max(); two
// histograms merge only when their layouts (lo, hi, bins) are equal.
// Export / import (HistogramExport) is the plain form of the wire message `Histogram` in
// grpc/proto/yibao/settlement/v1/admin.proto; grpc/convert/histogram.h maps one to the other.
// The export carries no min: after import min() is the lower edge of the lowest non-empty bin
// (0 if the underflow is non-empty), a lower bound of the true minimum.
//
// Thread safety: none. A Histogram is a value; fill one per thread (or per actor) and merge
// them with operator+= under the caller's own synchronisation.
#pragma once

#include <boost/histogram.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "models/check.h"
#include "models/status.h"

namespace yibao::models {

// The shape of the axis: `bins` log-spaced bins over [lo_us, hi_us).
struct HistogramLayout {
  double lo_us = 1.0;
  double hi_us = 1e8;
  uint32_t bins = 930;

  bool operator==(const HistogramLayout&) const = default;
};

// The default latency layout: 1 µs .. 100 s, ≤ 1 % relative error.
inline constexpr HistogramLayout kLatencyLayout{1.0, 1e8, 930};
// Bounds an imported layout may have (hostile or corrupt input must not allocate gigabytes).
inline constexpr uint32_t kMaxHistogramBins = 100'000;

// The plain export form; mirrors the proto message `Histogram` field for field.
struct HistogramExport {
  double lo_us = 0;
  double hi_us = 0;
  uint32_t bins = 0;
  // (bin index in [0, bins), count > 0), ascending by index.
  std::vector<std::pair<uint32_t, uint64_t>> counts;
  uint64_t underflow = 0;
  uint64_t overflow = 0;
  double sum_us = 0;
  double max_us = 0;

  bool operator==(const HistogramExport&) const = default;
};

class Histogram {
 public:
  // An empty histogram of the default latency layout.
  Histogram() : Histogram(kLatencyLayout) {}
  // An empty histogram of `layout`. Aborts (YB_CHECK) on an invalid layout: 0 < lo < hi, both
  // finite, 1 ≤ bins ≤ kMaxHistogramBins. Layouts from outside go through import().
  explicit Histogram(const HistogramLayout& layout)
      : layout_(layout), h_(make(layout)) {}

  // Checks a layout; OK or INVALID_ARGUMENT / E_BAD_REQUEST naming the bad part.
  static Status validate(const HistogramLayout& l) {
    if (!(std::isfinite(l.lo_us) && std::isfinite(l.hi_us) && l.lo_us > 0 && l.hi_us > l.lo_us))
      return Status(Code::kInvalidArgument, reason::kBadRequest,
                    "histogram bounds must satisfy 0 < lo < hi, both finite", "lo_us");
    if (l.bins < 1 || l.bins > kMaxHistogramBins)
      return Status(Code::kInvalidArgument, reason::kBadRequest,
                    "histogram bins must lie in [1, " + std::to_string(kMaxHistogramBins) + "]", "bins");
    return Status::Ok();
  }

  // Adds one sample, in microseconds. A negative value is recorded as 0. Values below lo go to
  // the underflow, values ≥ hi (and +inf) to the overflow. NaN is a caller's bug: aborts.
  void add(double us) {
    YB_CHECK(!std::isnan(us), "Histogram::add(NaN)");
    // log() of a negative value is NaN, which Boost would count as overflow: clamp to 0 first.
    const double v = us < 0 ? 0.0 : us;
    h_(v);
    ++count_;
    sum_ += v;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
  }

  // Adds `other` into this histogram. Aborts (YB_CHECK) if the layouts differ: check
  // compatible() first for histograms that come from outside.
  Histogram& operator+=(const Histogram& other) {
    YB_CHECK(compatible(other), "merging histograms of different layouts");
    h_ += other.h_;
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    return *this;
  }
  friend Histogram operator+(Histogram a, const Histogram& b) { return a += b; }

  bool compatible(const Histogram& other) const { return layout_ == other.layout_; }
  const HistogramLayout& layout() const { return layout_; }

  // Number of samples (underflow and overflow included).
  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Sum of samples, µs.
  double sum() const { return sum_; }
  // Smallest and largest sample, µs; 0 when empty (see the header note on min after import).
  double min() const { return count_ ? min_ : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  // Arithmetic mean, µs; 0 when empty.
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  uint64_t underflow() const { return h_.at(-1); }
  uint64_t overflow() const { return h_.at(static_cast<int>(layout_.bins)); }

  // The q-quantile, q in [0, 1] (clamped), µs: the value of rank max(1, ceil(q × count)) in
  // ascending order, estimated as the geometric centre of its bin, clamped to [min, max].
  // Within 1 % of the exact sample for the default layout when that sample lies in [lo, hi); a
  // rank in the underflow returns min(), one in the overflow max(). 0 when empty.
  double quantile(double q) const {
    if (count_ == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    const double exact_rank = std::ceil(q * static_cast<double>(count_));
    const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(exact_rank));
    uint64_t seen = underflow();
    if (seen >= rank) return min();
    const auto& axis = h_.axis();
    for (int i = 0; i < static_cast<int>(layout_.bins); ++i) {
      seen += h_.at(i);
      if (seen >= rank) return std::clamp(axis.value(i + 0.5), min(), max());
    }
    return max();
  }

  // Count of bin i in [0, bins); edges of bin i are lower_edge(i) and lower_edge(i + 1), µs.
  uint64_t bin_count(uint32_t i) const { return h_.at(static_cast<int>(i)); }
  double lower_edge(uint32_t i) const { return h_.axis().value(static_cast<double>(i)); }

  // The plain form (non-zero bins only, ascending). Never fails.
  HistogramExport export_plain() const {
    HistogramExport e;
    e.lo_us = layout_.lo_us;
    e.hi_us = layout_.hi_us;
    e.bins = layout_.bins;
    for (uint32_t i = 0; i < layout_.bins; ++i) {
      if (const uint64_t c = bin_count(i); c != 0) e.counts.emplace_back(i, c);
    }
    e.underflow = underflow();
    e.overflow = overflow();
    e.sum_us = count_ ? sum_ : 0.0;
    e.max_us = max();
    return e;
  }

  // Rebuilds a histogram from its plain form. Fails with INVALID_ARGUMENT / E_BAD_REQUEST (and
  // the offending field) on an invalid layout, a bin index ≥ bins, a repeated or zero count, a
  // count total that overflows, or a non-finite sum or max. min() becomes the lower edge of the
  // lowest non-empty bin, or 0 if the underflow is non-empty.
  static Result<Histogram> import_plain(const HistogramExport& e) {
    const HistogramLayout layout{e.lo_us, e.hi_us, e.bins};
    YB_RETURN_IF_ERROR(validate(layout));
    if (!std::isfinite(e.sum_us) || !std::isfinite(e.max_us))
      return Status(Code::kInvalidArgument, reason::kBadRequest, "histogram sum and max must be finite",
                    "sum_us");
    Histogram h(layout);
    uint64_t total = 0;
    auto add_total = [&total](uint64_t c) {
      if (c > std::numeric_limits<uint64_t>::max() - total) return false;
      total += c;
      return true;
    };
    int64_t last = -1;
    for (const auto& [index, c] : e.counts) {
      if (index >= e.bins || static_cast<int64_t>(index) <= last || c == 0)
        return Status(Code::kInvalidArgument, reason::kBadRequest,
                      "histogram bin " + std::to_string(index) +
                          " is out of range, repeated, out of order or zero",
                      "counts");
      if (!add_total(c))
        return Status(Code::kInvalidArgument, reason::kBadRequest, "histogram count overflows", "counts");
      h.h_.at(static_cast<int>(index)) = c;
      last = index;
    }
    if (!add_total(e.underflow) || !add_total(e.overflow))
      return Status(Code::kInvalidArgument, reason::kBadRequest, "histogram count overflows", "counts");
    h.h_.at(-1) = e.underflow;
    h.h_.at(static_cast<int>(e.bins)) = e.overflow;
    h.count_ = total;
    h.sum_ = e.sum_us;
    if (total != 0) {
      h.max_ = e.max_us;
      if (e.underflow != 0) {
        h.min_ = std::min(0.0, e.max_us);
      } else if (!e.counts.empty()) {
        h.min_ = std::min(h.lower_edge(e.counts.front().first), e.max_us);
      } else {
        h.min_ = std::min(e.hi_us, e.max_us);  // overflow only
      }
    }
    return h;
  }

 private:
  using Axis = boost::histogram::axis::regular<double, boost::histogram::axis::transform::log>;
  using Storage = std::vector<uint64_t>;
  using Boost = decltype(boost::histogram::make_histogram_with(std::declval<Storage>(), std::declval<Axis>()));

  static Boost make(const HistogramLayout& layout) {
    YB_CHECK(validate(layout).ok(), "invalid histogram layout");
    return boost::histogram::make_histogram_with(Storage(), Axis(layout.bins, layout.lo_us, layout.hi_us));
  }

  HistogramLayout layout_;
  Boost h_;
  uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace yibao::models
