#include "grpc/core/faults.h"

namespace yibao::core {

Status Faults::inject(Fault f) {
  if (!enabled())
    return Status(Code::kFailedPrecondition, reason::kState,
                  "fault injection is off: start yibao-core with --fault-injection to use InjectFault");
  std::lock_guard lock(mu_);
  f.fired = 0;
  by_kind_.insert_or_assign(f.kind, std::move(f));
  armed_.store(true, std::memory_order_release);
  return Status::Ok();
}

int Faults::clear(std::string_view kind) {
  std::lock_guard lock(mu_);
  int n = 0;
  if (kind.empty()) {
    n = static_cast<int>(by_kind_.size());
    by_kind_.clear();
  } else if (auto it = by_kind_.find(kind); it != by_kind_.end()) {
    by_kind_.erase(it);
    n = 1;
  }
  armed_.store(!by_kind_.empty(), std::memory_order_release);
  return n;
}

std::vector<Fault> Faults::list() const {
  std::lock_guard lock(mu_);
  std::vector<Fault> out;
  for (const auto& [k, f] : by_kind_) out.push_back(f);
  return out;
}

FaultDecision Faults::take(std::string_view infno, std::string_view rpc) {
  FaultDecision d;
  if (!armed_.load(std::memory_order_acquire)) return d;
  std::lock_guard lock(mu_);
  auto it = by_kind_.find(infno.substr(0, 4));
  if (it == by_kind_.end()) it = by_kind_.find(rpc);
  if (it == by_kind_.end()) return d;
  Fault& f = it->second;
  d.latency_ms = f.latency_ms;
  d.action = f.action;
  d.refusal = f.refusal;
  ++f.fired;
  if (f.remaining > 0 && --f.remaining == 0) {
    by_kind_.erase(it);
    armed_.store(!by_kind_.empty(), std::memory_order_release);
  }
  return d;
}

}  // namespace yibao::core
