#include "sim/result.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <fstream>
#include <sstream>

namespace yibao::sim {
namespace {

using nlohmann::json;

json stat_ms(const models::Histogram& h) {
  return json{{"p50", round3(h.quantile(0.50) / 1000)}, {"p95", round3(h.quantile(0.95) / 1000)},
              {"p99", round3(h.quantile(0.99) / 1000)}, {"max", round3(h.max() / 1000)},
              {"mean", round3(h.mean() / 1000)},        {"count", h.count()}};
}

json counts_json(const Metrics& m) {
  const TxnCounts t = m.totals();
  json visits_by_kind = json::object();
  VisitCounts all;
  for (const auto& [kind, v] : m.visits_by_kind()) {
    visits_by_kind[std::string(facility_type_name(kind))] = json{{"ok", v.ok}, {"failed", v.failed}, {"open", v.open}};
    all.ok += v.ok;
    all.failed += v.failed;
    all.open += v.open;
  }
  json by_txn = json::object();
  for (const auto& [txn, c] : m.counts_by_txn())
    by_txn[std::to_string(txn)] =
        json{{"sent", c.sent}, {"acknowledged", c.acknowledged}, {"failed", c.failed}, {"unknown", c.unknown}};
  json reasons = json::object();
  for (const auto& [reason, n] : m.failed_by_reason()) reasons[reason] = n;
  return json{{"visits",
               {{"ok", all.ok},
                {"failed", all.failed},
                {"open", all.open},
                {"total", all.ok + all.failed + all.open},
                {"by_facility_type", visits_by_kind}}},
              {"sent", t.sent},
              {"acknowledged", t.acknowledged},
              {"failed", t.failed},
              {"unknown", t.unknown},
              {"late_sends", m.late_sends()},
              {"in_house_at_start",
               {{"stays", m.in_house().stays},
                {"warm_up_calls", m.in_house().warm_up_calls},
                {"failed", m.in_house().failed}}},
              {"settlements", m.settlements()},
              {"failed_by_reason", reasons},
              {"by_txn", by_txn}};
}

json lag_json(const models::Histogram& lag) {
  return json{{"p50", round3(lag.quantile(0.5) / 1000)},
              {"p99", round3(lag.quantile(0.99) / 1000)},
              {"max", round3(lag.max() / 1000)},
              {"count", lag.count()}};
}

// The wall-lag SLOs: one per paced span with a tolerance; a run of one span keeps the name
// "wall_lag" on the run's wall_lag_ms.p99 (the same figure).
void add_lag_slos(const RunInfo& run, const json& r, std::vector<Slo>& slos) {
  if (!r.contains("wall_lag_ms")) return;
  if (run.lag_tolerance_ms) {
    Slo lag;
    lag.name = "wall_lag";
    lag.metric = "wall_lag_ms.p99";
    lag.threshold = *run.lag_tolerance_ms;
    slos.push_back(lag);
  }
  for (size_t i = 0; i < run.spans.size(); ++i) {
    const SpanInfo& sp = run.spans[i];
    if (!sp.lag_tolerance_ms || run.lag_tolerance_ms) continue;
    Slo lag;
    lag.name = run.spans.size() == 1 ? "wall_lag" : "wall_lag " + sp.from;
    lag.metric = run.spans.size() == 1 ? "wall_lag_ms.p99" : "spans." + std::to_string(i) + ".wall_lag_ms.p99";
    lag.threshold = *sp.lag_tolerance_ms;
    slos.push_back(lag);
  }
}

json spans_json(const Scenario& s, const RunInfo& run) {
  json out = json::array();
  if (!run.spans.empty()) {
    for (const SpanInfo& sp : run.spans) {
      json j{{"from", sp.from}, {"to", sp.to}, {"pace", sp.pace}, {"speed", round3(sp.speed)}, {"wall_s", round3(sp.wall_s)}};
      if (sp.lag_tolerance_ms) j["wall_lag_ms"] = lag_json(sp.wall_lag);
      out.push_back(std::move(j));
    }
    return out;
  }
  if (s.mode != Mode::kLive) return out;
  const CivilTime end{s.clock.start.s + static_cast<int64_t>(std::llround(s.clock.duration_s))};
  for (size_t i = 0; i < s.pace.size(); ++i) {
    const PaceSpan& p = s.pace[i];
    const CivilTime from = p.from.value_or(s.clock.start);
    const CivilTime to = i + 1 < s.pace.size() && s.pace[i + 1].from ? *s.pace[i + 1].from : end;
    out.push_back(json{{"from", format_iso(from)}, {"to", format_iso(to)}, {"pace", p.kind}, {"speed", round3(p.speed)}});
  }
  return out;
}

bool compare(double measured, const std::string& op, double threshold, bool* known) {
  *known = true;
  if (op == "<") return measured < threshold;
  if (op == "<=") return measured <= threshold;
  if (op == ">") return measured > threshold;
  if (op == ">=") return measured >= threshold;
  if (op == "==") return measured == threshold;
  *known = false;
  return false;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream ss(path);
  std::string item;
  while (std::getline(ss, item, '.')) parts.push_back(item);
  return parts;
}

const json* walk(const json& root, const std::vector<std::string>& parts, size_t n) {
  const json* at = &root;
  for (size_t i = 0; i < n; ++i) {
    if (at->is_array() && !parts[i].empty() && parts[i].find_first_not_of("0123456789") == std::string::npos) {
      const size_t k = std::stoul(parts[i]);
      if (k >= at->size()) return nullptr;
      at = &(*at)[k];
      continue;
    }
    if (!at->is_object()) return nullptr;
    auto it = at->find(parts[i]);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

// The short form "latency_ms.2207.p99" -> "latency_ms.by_txn.2207.p99".
std::vector<std::string> canonical(std::vector<std::string> parts) {
  if (parts.size() == 3 && (parts[0] == "latency_ms" || parts[0] == "core_ms") && !parts[1].empty() &&
      parts[1].find_first_not_of("0123456789") == std::string::npos)
    parts.insert(parts.begin() + 1, "by_txn");
  return parts;
}

}  // namespace

void add_offender(InvariantResult& r, const std::string& id) {
  r.pass = false;
  ++r.count;
  if (r.ids.size() < kMaxInvariantIds) r.ids.push_back(id);
}

double round3(double v) {
  if (!std::isfinite(v)) return 0;
  const double r = std::round(v * 1000.0) / 1000.0;
  return r == 0 ? 0.0 : r;  // no "-0.0"
}

const json* find_metric(const json& result, const std::string& path) {
  const std::vector<std::string> parts = canonical(split_path(path));
  if (parts.empty()) return nullptr;
  return walk(result, parts, parts.size());
}

SloResult evaluate_slo(const json& result, const Slo& slo) {
  SloResult r;
  r.name = slo.name;
  r.metric = slo.metric;
  r.op = slo.op;
  r.threshold = slo.threshold;
  r.min_samples = slo.min_samples;
  const std::vector<std::string> parts = canonical(split_path(slo.metric));
  const json* value = parts.empty() ? nullptr : walk(result, parts, parts.size());
  if (value == nullptr || !value->is_number()) {
    r.detail = value == nullptr ? "metric not found in result.json" : "metric is not a number";
    return r;
  }
  r.measured = value->get<double>();
  const json* holder = walk(result, parts, parts.size() - 1);
  if (holder != nullptr && holder->is_object() && holder->contains("count") && (*holder)["count"].is_number()) {
    r.samples = (*holder)["count"].get<uint64_t>();
  } else if (const json* sent = find_metric(result, "counts.sent"); sent != nullptr && sent->is_number()) {
    r.samples = sent->get<uint64_t>();
  }
  if (r.samples < slo.min_samples) {
    r.detail = "too few samples (" + std::to_string(r.samples) + " < " + std::to_string(slo.min_samples) + ")";
    return r;
  }
  bool known = false;
  r.pass = compare(*r.measured, slo.op, slo.threshold, &known);
  if (!known) r.detail = "unknown operator '" + slo.op + "'";
  return r;
}

// Waits in hours: p50, p95, max and count (nulls when none).
json wait_quantiles(std::vector<double> waits) {
  std::sort(waits.begin(), waits.end());
  auto q = [&](double p) {
    if (waits.empty()) return json(nullptr);
    const size_t i = std::min(waits.size() - 1, static_cast<size_t>(p * static_cast<double>(waits.size())));
    return json(round3(waits[i] / 3600));
  };
  return json{{"p50", q(0.5)},
              {"p95", q(0.95)},
              {"max", waits.empty() ? json(nullptr) : json(round3(waits.back() / 3600))},
              {"count", waits.size()}};
}

// The switchover figures (scenario `switchover`, sim/metrics.h OutageCounts).
json outage_json(const Scenario& s, const Metrics& m, const RunInfo& run) {
  const OutageCounts& o = m.outage();
  const int64_t pending = static_cast<int64_t>(o.offline) -
                          static_cast<int64_t>(o.abandoned + o.manual_claims + o.backfilled + o.backfill_failed);
  // The outage: from the first card_settlement window or cut path to the end of the last window,
  // or the last cut path back.
  double start_s = std::numeric_limits<double>::infinity();
  double window_end_s = std::max(0.0, run.cuts_restored_s);
  for (const SwitchoverSpec& w : s.switchover)
    if (w.scope == "card_settlement") {
      start_s = std::min(start_s, static_cast<double>(w.from.s - s.clock.start.s));
      window_end_s = std::max(window_end_s, static_cast<double>(w.to.s - s.clock.start.s));
    }
  for (const NetworkFaultSpec& c : s.cuts) start_s = std::min(start_s, static_cast<double>(c.at.s - s.clock.start.s));
  const bool drained = pending == 0 && o.backfilled > 0;
  json drain = nullptr;
  if (drained && std::isfinite(window_end_s))
    drain = round3(std::max(0.0, o.last_backfill_s - window_end_s) / 3600);
  const uint64_t manual_pending = o.manual_claims - o.manual_reimbursed - o.manual_refused;
  json affected = json::object();
  for (const auto& [type, nf] : o.by_facility_type) affected[type] = {{"offline", nf.first}, {"paid_fen", nf.second}};
  // Latency before the outage began and in its recovery (from its end until the backlog drained,
  // or the run's end): the surge of back-fills on top of the day's traffic.
  const double recovered_s = drained ? o.last_backfill_s : m.end_s();
  models::Histogram before, recovery;
  for (const Bucket& b : m.buckets()) {
    if (!b.warmup && b.start_s + m.bucket_s() <= start_s) before += b.latency;
    if (std::isfinite(window_end_s) && b.start_s >= window_end_s && b.start_s <= recovered_s) recovery += b.latency;
  }
  auto p99 = [](const models::Histogram& h) { return h.empty() ? json(nullptr) : json(round3(h.quantile(0.99) / 1000)); };
  json refusals = json::object();
  for (const auto& [code, n] : m.failed_by_reason())
    if (code.rfind("E_", 0) == 0) refusals[code] = n;
  json reconcile = nullptr;
  for (const InvariantResult& inv : run.invariants)
    if (inv.id == "D5" && inv.wall_s >= 0) reconcile = round3(inv.wall_s);
  return json{{"windows", run.windows.is_null() ? json::array() : run.windows},
              {"backlog",
               {{"offline_visits", o.offline},
                {"offline_fen", o.offline_fen},
                {"abandoned", o.abandoned},
                {"manual_pending", manual_pending},
                {"backfilled", o.backfilled},
                {"backfill_failed", o.backfill_failed},
                {"pending", pending},
                {"drain_time_h", drain}}},
              {"self_pay",
               {{"patients", o.offline},
                {"paid_fen", o.offline_fen},
                {"owed_back_fen", o.owed_back_fen},
                {"wait_h", wait_quantiles(o.wait_s)}}},
              {"before_p99_ms", p99(before)},
              {"recovery_p99_ms", p99(recovery)},
              {"recovery_calls", recovery.count()},
              {"refusals_by_reason", refusals},
              {"wall_reconcile_s", reconcile},
              {"held_calls", o.held_calls},
              {"lost_to_cut", o.lost_to_cut},
              {"converted_stays", o.converted_stays},
              {"manual", {{"claims", o.manual_claims},
                          {"paid_fen", o.manual_fen},
                          {"reimbursed", o.manual_reimbursed},
                          {"refused", o.manual_refused},
                          {"pending", manual_pending},
                          {"owed_back_fen", o.manual_owed_fen},
                          {"wait_h", wait_quantiles(o.manual_wait_s)},
                          {"review_days", round3(s.backfill.review_s / 86400)}}},
              {"cuts", run.cuts.is_null() ? json::array() : run.cuts},
              {"affected_by_facility_type", affected}};
}

json make_result(const Scenario& s, const Metrics& m, const RunInfo& run) {
  json r;
  r["schema_version"] = 1;
  r["scenario"] = json{{"name", s.name}, {"file", s.file}, {"question", s.question}};
  r["seed"] = s.seed;
  r["mode"] = s.mode == Mode::kLive ? "live" : "modelled";

  const double span = m.measured_s();
  r["measured"] = json{{"from_s", round3(m.warmup_s())}, {"to_s", round3(m.end_s())}, {"span_s", round3(span)}};
  const TxnCounts t = m.totals();
  uint64_t visits = 0;
  for (const auto& [kind, v] : m.visits_by_kind()) visits += v.ok + v.failed;
  auto rate = [span](uint64_t n) { return span > 0 ? round3(static_cast<double>(n) / span) : 0.0; };
  r["throughput_per_s"] = json{{"settlements", rate(m.settlements())},
                               {"messages", rate(t.acknowledged + t.failed)},
                               {"visits", rate(visits)}};

  json by_txn = json::object();
  for (const auto& [txn, h] : m.latency_by_txn()) by_txn[std::to_string(txn)] = stat_ms(h);
  json by_kind = json::object();
  for (const auto& [kind, h] : m.latency_by_kind()) by_kind[std::string(facility_type_name(kind))] = stat_ms(h);
  r["latency_ms"] = json{{"by_txn", by_txn}, {"by_facility_type", by_kind}};
  json core = json::object();
  for (const auto& [txn, h] : m.core_by_txn()) core[std::to_string(txn)] = stat_ms(h);
  r["core_ms"] = json{{"by_txn", core}};

  r["counts"] = counts_json(m);
  json queues = json::object();
  for (const auto& [name, n] : m.queue_max()) queues[name] = n;
  r["queues"] = json{{"max", queues}};
  const MoneyTotals money = money_totals(m.journal_entries());
  r["money"] = json{{"medfee_sumamt", money.medfee_sumamt},
                    {"fund_pay_sumamt", money.fund_pay_sumamt},
                    {"acct_pay", money.acct_pay},
                    {"psn_cash_pay", money.psn_cash_pay},
                    {"settlements", money.settlements}};
  r["spans"] = spans_json(s, run);
  if (!s.switchover.empty() || !s.cuts.empty()) r["outage"] = outage_json(s, m, run);
  if (!s.card_storms.empty()) {
    const StormCounts& st = m.storm();
    const auto refused = m.failed_by_reason().find(std::string(reason::kPsnNotFound));
    r["card_reader"] = json{
        {"reads", st.reads},
        {"failed_reads", st.failed},
        {"refused_1101", refused == m.failed_by_reason().end() ? 0 : refused->second},
        {"extra_s_per_read", st.reads > 0 ? round3(st.extra_s / static_cast<double>(st.reads)) : 0.0}};
  }
  if (!s.faults.empty()) r["faults"] = run.faults.is_null() ? json::array() : run.faults;
  if (!run.agency.is_null()) r["agency"] = run.agency;
  if (!s.suspensions.empty()) {
    json sj = run.suspensions.is_object() ? run.suspensions : json::object();
    json refusals = json::object();
    for (const auto& [code, n] : m.failed_by_reason())
      if (code == reason::kFacSuspended || code == reason::kFacTerminated || code == reason::kDeptSuspended ||
          code == reason::kPsnSuspended)
        refusals[code] = n;
    sj["refusals"] = refusals;
    r["suspensions"] = sj;
  }

  r["wall_s"] = round3(run.wall_s);
  r["wall_started"] = run.wall_started;
  if (s.mode == Mode::kLive || !m.wall_lag().empty()) {
    r["wall_lag_ms"] = lag_json(m.wall_lag());
  }

  json invariants = json::array();
  bool pass = true;
  for (const InvariantResult& inv : run.invariants) {
    json j{{"id", inv.id},         {"pass", inv.pass}, {"checked", inv.checked},
           {"detail", inv.detail}, {"count", inv.count}, {"ids", inv.ids}};
    if (inv.wall_s >= 0) j["wall_s"] = round3(inv.wall_s);
    invariants.push_back(std::move(j));
    pass = pass && inv.pass;
  }
  r["invariants"] = invariants;

  std::vector<Slo> slos = s.slo;
  add_lag_slos(run, r, slos);
  json slo_list = json::array();
  for (const Slo& slo : slos) {
    const SloResult e = evaluate_slo(r, slo);
    json j{{"name", e.name},           {"metric", e.metric},           {"op", e.op},
           {"threshold", e.threshold}, {"samples", e.samples},         {"min_samples", e.min_samples},
           {"pass", e.pass},           {"detail", e.detail}};
    j["measured"] = e.measured ? json(round3(*e.measured)) : json(nullptr);
    slo_list.push_back(std::move(j));
    pass = pass && e.pass;
  }
  r["slo"] = slo_list;
  r["verdict"] = pass ? "pass" : "fail";
  return r;
}

bool passed(const json& result) { return result.value("verdict", std::string()) == "pass"; }

std::string dump_result(const json& result) { return result.dump(2) + "\n"; }

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status(Code::kInternal, reason::kInternal, "cannot write " + path);
  return Status::Ok();
}

Status write_result(const std::string& path, const json& result) { return write_text(path, dump_result(result)); }

}  // namespace yibao::sim
