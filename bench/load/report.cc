#include "bench/load/report.h"

#include <string>
#include <vector>

namespace yibao::load {
namespace {

double ms(double us) { return us / 1000.0; }

void row(std::FILE* out, const std::string& name, const OpStats& o) {
  if (o.sent == 0 && o.ok == 0 && o.failed == 0) return;
  const auto& h = o.latency;
  std::fprintf(out, "  %-8s %10llu %10llu %8llu %9.3f %9.3f %9.3f %9.3f\n", name.c_str(),
               static_cast<unsigned long long>(o.sent), static_cast<unsigned long long>(o.ok),
               static_cast<unsigned long long>(o.failed), ms(h.quantile(0.5)), ms(h.quantile(0.95)),
               ms(h.quantile(0.99)), ms(h.max()));
}

}  // namespace

void print_report(std::FILE* out, const RunSummary& s, const Snapshot& snap) {
  const char* unit = s.mix == Mix::kSettle ? "settlements" : s.mix == Mix::kVisit ? "visits+sales" : "echoes";
  std::fprintf(out, "sending phase %.2f s, first intended send to last reply %.2f s\n", s.send_s, s.elapsed_s);
  if (s.mix == Mix::kSettle)
    std::fprintf(out, "prepared pool %llu visits%s\n", static_cast<unsigned long long>(s.pool),
                 s.pool_exhausted ? " — EXHAUSTED before the duration ended (the run stopped early)" : "");
  std::fprintf(out, "sent %llu %s, acknowledged %llu, failed %llu; late sends %llu (max %.1f ms behind)\n",
               static_cast<unsigned long long>(s.units_sent), unit, static_cast<unsigned long long>(s.units_ok),
               static_cast<unsigned long long>(s.units_failed), static_cast<unsigned long long>(s.late), s.max_late_ms);
  if (!s.failures.empty()) {
    std::fprintf(out, "failed by reason:");
    for (const auto& [k, v] : s.failures) std::fprintf(out, " %s %llu", k.c_str(), static_cast<unsigned long long>(v));
    std::fprintf(out, "\n");
  }
  const double secs = s.elapsed_s > 0 ? s.elapsed_s : 1;
  const double tput = static_cast<double>(s.units_ok) / secs;
  const double calls = static_cast<double>(snap.calls.ok) / secs;
  std::fprintf(out, "throughput %.1f %s/s acknowledged (%.1f calls/s)\n", tput, unit, calls);
  std::fprintf(out, "latency from the intended send time, ms (OK calls):\n");
  std::fprintf(out, "  %-8s %10s %10s %8s %9s %9s %9s %9s\n", "code", "sent", "ok", "failed", "p50", "p95", "p99",
               "max");
  for (size_t i = 0; i < kOps; ++i) {
    const Op op = static_cast<Op>(i);
    if (is_call(op)) row(out, std::string(op_name(op)), snap.ops[i]);
  }
  row(out, "calls", snap.calls);
  for (Op op : {Op::kVisit, Op::kSale}) row(out, std::string(op_name(op)), snap.at(op));
  if (snap.calls.replayed > 0) {
    std::fprintf(out, "acknowledged from the core's journal (a retry of a committed msgid):");
    for (size_t i = 0; i < kOps; ++i)
      if (snap.ops[i].replayed > 0)
        std::fprintf(out, " %s %llu", std::string(op_name(static_cast<Op>(i))).c_str(),
                     static_cast<unsigned long long>(snap.ops[i].replayed));
    std::fprintf(out, "\n");
  }

  // The unit's latency: 2207, whole visits and sales together, or echo.
  models::Histogram unit_lat;
  if (s.mix == Mix::kSettle) unit_lat = snap.at(Op::k2207).latency;
  if (s.mix == Mix::kEcho) unit_lat = snap.at(Op::kEcho).latency;
  if (s.mix == Mix::kVisit) unit_lat = snap.at(Op::kVisit).latency + snap.at(Op::kSale).latency;
  std::fprintf(out,
               "RESULT mix=%s mode=%s sent=%llu acked=%llu failed=%llu late=%llu elapsed_s=%.3f throughput=%.1f "
               "calls_per_s=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
               mix_name(s.mix), s.max ? "max" : "rate", static_cast<unsigned long long>(s.units_sent),
               static_cast<unsigned long long>(s.units_ok), static_cast<unsigned long long>(s.units_failed),
               static_cast<unsigned long long>(s.late), s.elapsed_s, tput, calls, ms(unit_lat.quantile(0.5)),
               ms(unit_lat.quantile(0.95)), ms(unit_lat.quantile(0.99)), ms(unit_lat.max()));
}

}  // namespace yibao::load
