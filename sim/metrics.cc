#include "sim/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/check.h"

namespace yibao::sim {

const std::string& counters_queue_name(models::Level kind) {
  static const std::array<std::string, 6> names = [] {
    std::array<std::string, 6> n;
    for (size_t i = 0; i < n.size(); ++i)
      n[i] = std::string("counters.") + std::string(facility_type_name(static_cast<models::Level>(i)));
    return n;
  }();
  return names.at(static_cast<size_t>(kind));
}

std::string queue_class(const std::string& queue) {
  const size_t cut = queue.find_first_of(".:");
  return cut == std::string::npos ? queue : queue.substr(0, cut);
}

bool is_settlement_txn(int txn) { return txn == 2207 || txn == 2304 || txn == 2102; }
bool is_cancel_txn(int txn) { return txn == 2208 || txn == 2305 || txn == 2103; }

Metrics::Metrics(double warmup_s, double bucket_s) : warmup_s_(warmup_s), bucket_s_(bucket_s) {
  YB_CHECK(warmup_s >= 0 && std::isfinite(warmup_s), "Metrics: warm-up must be finite and >= 0");
  YB_CHECK(bucket_s > 0 && std::isfinite(bucket_s), "Metrics: bucket width must be > 0");
}

void Metrics::seen(double t) { last_event_s_ = std::max(last_event_s_, t); }

Bucket& Metrics::bucket_at(double t) {
  const auto index = static_cast<int64_t>(std::floor(std::max(0.0, t) / bucket_s_));
  auto [it, fresh] = buckets_.try_emplace(index);
  if (fresh) {
    it->second.start_s = static_cast<double>(index) * bucket_s_;
    it->second.warmup = it->second.start_s < warmup_s_;
  }
  return it->second;
}

void Metrics::on_sent(int txn, double now, bool late) {
  seen(now);
  Bucket& b = bucket_at(now);
  ++b.sent;
  if (late) ++b.late_sends;
  if (!measured(now)) return;
  ++counts_by_txn_[txn].sent;
  if (late) ++late_sends_;
}

void Metrics::on_call(int txn, models::Level facility_kind, double intended, double now, double core_s, int status,
                      const std::string& reason) {
  seen(now);
  const bool ok = status == 0;
  // Answered by the core: OK or a business refusal (reason codes start "E_"); a transport
  // failure (deadline, unavailable) has no core answer to time.
  const bool answered = ok || reason.rfind("E_", 0) == 0;
  const double latency_us = std::max(0.0, now - intended) * 1e6;
  Bucket& b = bucket_at(now);
  if (ok) {
    ++b.acknowledged;
    if (is_settlement_txn(txn)) ++b.settlements;
  } else {
    ++b.failed;
  }
  if (answered) b.latency.add(latency_us);
  if (!measured(now)) return;
  TxnCounts& c = counts_by_txn_[txn];
  if (ok) {
    ++c.acknowledged;
  } else {
    ++c.failed;
    ++failed_by_reason_[reason.empty() ? "grpc_" + std::to_string(status) : reason];
  }
  if (answered) {
    latency_by_txn_[txn].add(latency_us);
    latency_by_kind_[facility_kind].add(latency_us);
    if (core_s > 0) core_by_txn_[txn].add(core_s * 1e6);
  }
}

void Metrics::on_visit(models::Level facility_kind, bool ok, double now) {
  seen(now);
  Bucket& b = bucket_at(now);
  ++(ok ? b.visits_ok : b.visits_failed);
  if (!measured(now)) return;
  VisitCounts& v = visits_by_kind_[facility_kind];
  ++(ok ? v.ok : v.failed);
}

void Metrics::on_queue(const std::string& queue, double now, uint64_t length) {
  seen(now);
  uint64_t& m = bucket_at(now).queue_max[queue_class(queue)];
  m = std::max(m, length);
  if (!measured(now)) return;
  uint64_t& q = queue_max_[queue];
  q = std::max(q, length);
}

void Metrics::on_unknown(int txn, double now) {
  seen(now);
  ++bucket_at(now).unknown;
  if (measured(now)) ++counts_by_txn_[txn].unknown;
}

void Metrics::on_open_visit(models::Level facility_kind) { ++visits_by_kind_[facility_kind].open; }

void Metrics::on_wall_lag(double lag_ms) { wall_lag_.add(std::max(0.0, lag_ms) * 1000.0); }

void Metrics::journal(JournalEntry e) {
  seen(e.sim_time);
  journal_.push_back(std::move(e));
}

double Metrics::end_s() const { return std::max(warmup_s_, end_s_ >= 0 ? end_s_ : last_event_s_); }

std::vector<Bucket> Metrics::buckets() const {
  std::vector<Bucket> out;
  if (buckets_.empty()) return out;
  const int64_t last = buckets_.rbegin()->first;
  out.reserve(static_cast<size_t>(last + 1));
  for (int64_t i = 0; i <= last; ++i) {
    auto it = buckets_.find(i);
    if (it != buckets_.end()) {
      out.push_back(it->second);
    } else {
      Bucket& b = out.emplace_back();
      b.start_s = static_cast<double>(i) * bucket_s_;
      b.warmup = b.start_s < warmup_s_;
    }
  }
  return out;
}

TxnCounts Metrics::totals() const {
  TxnCounts t;
  for (const auto& [txn, c] : counts_by_txn_) {
    t.sent += c.sent;
    t.acknowledged += c.acknowledged;
    t.failed += c.failed;
    t.unknown += c.unknown;
  }
  return t;
}

uint64_t Metrics::settlements() const {
  uint64_t n = 0;
  for (const auto& [txn, c] : counts_by_txn_)
    if (is_settlement_txn(txn)) n += c.acknowledged;
  return n;
}

}  // namespace yibao::sim

namespace yibao::sim {

MoneyTotals money_totals(const std::vector<JournalEntry>& journal) {
  MoneyTotals t;
  std::map<std::string, const JournalEntry*> applied;  // acknowledged settlements and cancels by msgid
  auto add = [&t](const JournalEntry& e, int64_t sign) {
    t.medfee_sumamt += sign * e.medfee_sumamt;
    t.fund_pay_sumamt += sign * e.fund_pay_sumamt;
    t.acct_pay += sign * e.acct_pay;
    t.psn_cash_pay += sign * e.psn_cash_pay;
    t.settlements += sign * (is_cancel_txn(e.txn) ? -1 : 1);
  };
  std::map<std::string, bool> reversed;
  for (const JournalEntry& e : journal) {
    if (e.outcome != JournalEntry::Outcome::kAcked) continue;
    if (is_settlement_txn(e.txn) || is_cancel_txn(e.txn)) {
      if (!applied.emplace(e.msgid, &e).second) continue;  // a replay journaled twice
      add(e, 1);
    } else if (e.txn == kReversalTxn) {
      auto it = applied.find(e.omsgid);
      // A reversal of an original the journal does not know as acknowledged (unknown outcome)
      // nets to nothing: applied and undone, or never applied.
      if (it == applied.end() || !reversed.emplace(e.omsgid, true).second) continue;
      add(*it->second, -1);
    }
  }
  return t;
}

}  // namespace yibao::sim
