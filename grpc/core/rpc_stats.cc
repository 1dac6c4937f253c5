#include "grpc/core/rpc_stats.h"

namespace yibao::core {

RpcStats::Slot& RpcStats::slot(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& s = slots_[key];
  if (!s) {
    s = std::make_unique<Slot>();
    s->e.key = key;
  }
  return *s;
}

void RpcStats::record(const std::string& key, Outcome outcome, double latency_us) {
  Slot& s = slot(key);
  std::lock_guard lock(s.mu);
  switch (outcome) {
    case Outcome::kOk: ++s.e.ok; break;
    case Outcome::kRefused: ++s.e.refused; break;
    case Outcome::kReplayed: ++s.e.replayed; break;
  }
  s.e.latency.add(latency_us);
}

std::vector<RpcStats::Entry> RpcStats::snapshot() const {
  std::vector<Entry> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, s] : slots_) {
    std::lock_guard slot_lock(s->mu);
    out.push_back(s->e);
  }
  return out;
}

}  // namespace yibao::core
