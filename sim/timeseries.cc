#include "sim/timeseries.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/result.h"

namespace yibao::sim {

std::string timeseries_header() {
  std::string h =
      "minute,start_s,warmup,sent,acknowledged,failed,unknown,late_sends,settlements,visits_ok,visits_failed,"
      "settlements_per_s,messages_per_s,latency_p50_ms,latency_p99_ms,latency_count";
  for (const char* q : kQueueClasses) h += std::string(",queue_max_") + q;
  h += ",offline,backfilled,backlog";
  return h;
}

std::string timeseries_csv(const Metrics& m) {
  std::string out = timeseries_header() + "\n";
  const double w = m.bucket_s();
  int64_t index = 0;
  int64_t backlog = 0;
  for (const Bucket& b : m.buckets()) {
    // Queue classes outside the fixed list fold into "other".
    std::map<std::string, uint64_t> q;
    for (const auto& [cls, n] : b.queue_max) {
      bool known = false;
      for (const char* c : kQueueClasses) known = known || cls == c;
      uint64_t& slot = q[known ? cls : "other"];
      slot = std::max(slot, n);
    }
    out += fmt::format("{},{:.3f},{},{},{},{},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{}", index++, b.start_s,
                       b.warmup ? 1 : 0, b.sent, b.acknowledged, b.failed, b.unknown, b.late_sends, b.settlements,
                       b.visits_ok, b.visits_failed, static_cast<double>(b.settlements) / w,
                       static_cast<double>(b.acknowledged + b.failed) / w, b.latency.quantile(0.5) / 1000,
                       b.latency.quantile(0.99) / 1000, b.latency.count());
    for (const char* c : kQueueClasses) {
      auto it = q.find(c);
      out += fmt::format(",{}", it == q.end() ? 0 : it->second);
    }
    backlog += b.backlog_change;
    out += fmt::format(",{},{},{}\n", b.offline, b.backfilled, backlog);
  }
  return out;
}

Status write_timeseries(const std::string& path, const Metrics& metrics) {
  return write_text(path, timeseries_csv(metrics));
}

}  // namespace yibao::sim
